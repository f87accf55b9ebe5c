/**
 * Types of the parts of @secvisogram/csaf-validator-lib (2.0.10, plain JavaScript without declarations) that Ribat
 * imports. Each test function is named after its test (`mandatoryTest_6_1_27_1` is 6.1.27.1): see validation.ts.
 */
declare module '@secvisogram/csaf-validator-lib/validate.js' {
  export interface CsafValidatorMessage {
    message: string;
    instancePath: string;
  }
  export interface CsafTestResult {
    isValid?: boolean;
    errors?: CsafValidatorMessage[];
    warnings?: CsafValidatorMessage[];
    infos?: CsafValidatorMessage[];
  }
  export type CsafDocumentTest = (doc: unknown) => CsafTestResult | Promise<CsafTestResult>;
  export interface CsafValidatorResult {
    isValid: boolean;
    tests: { name: string; isValid: boolean; errors: CsafValidatorMessage[]; warnings: CsafValidatorMessage[]; infos: CsafValidatorMessage[] }[];
  }
  /** Runs `tests` on `doc` in order (the caller vouches that every test comes from the library). */
  export default function validate(tests: readonly CsafDocumentTest[], doc: unknown): Promise<CsafValidatorResult>;
}

declare module '@secvisogram/csaf-validator-lib/schemaTests.js' {
  import type { CsafDocumentTest } from '@secvisogram/csaf-validator-lib/validate.js';
  export const csaf_2_0_strict: CsafDocumentTest;
  export const csaf_2_0: CsafDocumentTest;
}

declare module '@secvisogram/csaf-validator-lib/cwe.js' {
  export const weaknesses: readonly { id: string; name: string }[];
}

declare module '@secvisogram/csaf-validator-lib/mandatoryTests.js' {
  import type { CsafDocumentTest } from '@secvisogram/csaf-validator-lib/validate.js';
  export const mandatoryTest_6_1_1: CsafDocumentTest;
  export const mandatoryTest_6_1_2: CsafDocumentTest;
  export const mandatoryTest_6_1_3: CsafDocumentTest;
  export const mandatoryTest_6_1_4: CsafDocumentTest;
  export const mandatoryTest_6_1_5: CsafDocumentTest;
  export const mandatoryTest_6_1_6: CsafDocumentTest;
  export const mandatoryTest_6_1_7: CsafDocumentTest;
  export const mandatoryTest_6_1_8: CsafDocumentTest;
  export const mandatoryTest_6_1_9: CsafDocumentTest;
  export const mandatoryTest_6_1_10: CsafDocumentTest;
  export const mandatoryTest_6_1_11: CsafDocumentTest;
  export const mandatoryTest_6_1_12: CsafDocumentTest;
  export const mandatoryTest_6_1_13: CsafDocumentTest;
  export const mandatoryTest_6_1_14: CsafDocumentTest;
  export const mandatoryTest_6_1_15: CsafDocumentTest;
  export const mandatoryTest_6_1_16: CsafDocumentTest;
  export const mandatoryTest_6_1_17: CsafDocumentTest;
  export const mandatoryTest_6_1_18: CsafDocumentTest;
  export const mandatoryTest_6_1_19: CsafDocumentTest;
  export const mandatoryTest_6_1_20: CsafDocumentTest;
  export const mandatoryTest_6_1_21: CsafDocumentTest;
  export const mandatoryTest_6_1_22: CsafDocumentTest;
  export const mandatoryTest_6_1_23: CsafDocumentTest;
  export const mandatoryTest_6_1_24: CsafDocumentTest;
  export const mandatoryTest_6_1_25: CsafDocumentTest;
  export const mandatoryTest_6_1_26: CsafDocumentTest;
  export const mandatoryTest_6_1_27_1: CsafDocumentTest;
  export const mandatoryTest_6_1_27_2: CsafDocumentTest;
  export const mandatoryTest_6_1_27_3: CsafDocumentTest;
  export const mandatoryTest_6_1_27_4: CsafDocumentTest;
  export const mandatoryTest_6_1_27_5: CsafDocumentTest;
  export const mandatoryTest_6_1_27_6: CsafDocumentTest;
  export const mandatoryTest_6_1_27_7: CsafDocumentTest;
  export const mandatoryTest_6_1_27_8: CsafDocumentTest;
  export const mandatoryTest_6_1_27_9: CsafDocumentTest;
  export const mandatoryTest_6_1_27_10: CsafDocumentTest;
  export const mandatoryTest_6_1_27_11: CsafDocumentTest;
  export const mandatoryTest_6_1_28: CsafDocumentTest;
  export const mandatoryTest_6_1_29: CsafDocumentTest;
  export const mandatoryTest_6_1_30: CsafDocumentTest;
  export const mandatoryTest_6_1_31: CsafDocumentTest;
  export const mandatoryTest_6_1_32: CsafDocumentTest;
  export const mandatoryTest_6_1_33: CsafDocumentTest;
}

declare module '@secvisogram/csaf-validator-lib/optionalTests.js' {
  import type { CsafDocumentTest } from '@secvisogram/csaf-validator-lib/validate.js';
  export const optionalTest_6_2_1: CsafDocumentTest;
  export const optionalTest_6_2_2: CsafDocumentTest;
  export const optionalTest_6_2_3: CsafDocumentTest;
  export const optionalTest_6_2_4: CsafDocumentTest;
  export const optionalTest_6_2_5: CsafDocumentTest;
  export const optionalTest_6_2_6: CsafDocumentTest;
  export const optionalTest_6_2_7: CsafDocumentTest;
  export const optionalTest_6_2_8: CsafDocumentTest;
  export const optionalTest_6_2_9: CsafDocumentTest;
  export const optionalTest_6_2_10: CsafDocumentTest;
  export const optionalTest_6_2_11: CsafDocumentTest;
  export const optionalTest_6_2_12: CsafDocumentTest;
  export const optionalTest_6_2_13: CsafDocumentTest;
  export const optionalTest_6_2_14: CsafDocumentTest;
  export const optionalTest_6_2_15: CsafDocumentTest;
  export const optionalTest_6_2_16: CsafDocumentTest;
  export const optionalTest_6_2_17: CsafDocumentTest;
  export const optionalTest_6_2_18: CsafDocumentTest;
  export const optionalTest_6_2_19: CsafDocumentTest;
  export const optionalTest_6_2_20: CsafDocumentTest;
}

declare module '@secvisogram/csaf-validator-lib/informativeTests.js' {
  import type { CsafDocumentTest } from '@secvisogram/csaf-validator-lib/validate.js';
  export const informativeTest_6_3_1: CsafDocumentTest;
  export const informativeTest_6_3_2: CsafDocumentTest;
  export const informativeTest_6_3_3: CsafDocumentTest;
  export const informativeTest_6_3_4: CsafDocumentTest;
  export const informativeTest_6_3_5: CsafDocumentTest;
  export const informativeTest_6_3_6: CsafDocumentTest;
  export const informativeTest_6_3_7: CsafDocumentTest;
  export const informativeTest_6_3_8: CsafDocumentTest;
  export const informativeTest_6_3_9: CsafDocumentTest;
  export const informativeTest_6_3_10: CsafDocumentTest;
  export const informativeTest_6_3_11: CsafDocumentTest;
}
