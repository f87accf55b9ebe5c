import type { CsafJson } from '#src/modules/csaf/csaf.types';
import { validateCsafDocument } from '#src/modules/csaf/validation';

/** The first problems found in a document; empty when it is a valid CSAF 2.0 document. */
export interface DocumentProblems {
  isValid: boolean;
  /** "test: /path message", capped. */
  errors: string[];
}

/**
 * Requirement 1 (conformance clause 1): the same validation as Ribat's publish gate (strict CSAF 2.0 schema and
 * every mandatory test, with @secvisogram/csaf-validator-lib in-process and offline). Optional and informative
 * findings do not make a document invalid and are not reported here.
 */
export async function validateForChecker(doc: CsafJson): Promise<DocumentProblems> {
  try {
    const result = await validateCsafDocument(doc, 'errors');
    const errors = result.errors.slice(0, 10).map((e) => `${e.test}: ${e.path || '/'} ${e.message}`);
    return { isValid: result.isValid, errors };
  } catch (err) {
    // A validator crash on hostile input is a failed document, never a crashed checker.
    return { isValid: false, errors: [`validator error: ${err instanceof Error ? err.message : String(err)}`] };
  }
}
