import type { DbOrTx } from '#src/db/database';
import type { FieldError } from '#src/core/errors';
import type { BulletinKind } from '#src/modules/bulletins/bulletins.types';
import type { SubscriptionFilters } from '#src/modules/notifications/subscriptions.types';
import { AppError } from '#src/core/errors';
import { isLocale } from '#src/core/i18n/i18n';
import { bulletinKinds } from '#src/modules/bulletins/bulletins.types';
import { findTermByCode } from '#src/modules/taxonomies/taxonomies.repository';
import { isPlausibleEmail } from '#src/modules/identity/identity.validation';
import { MAX_PRODUCT_LINES } from '#src/modules/notifications/subscriptions.types';
import { resolveRegistryLine } from '#src/modules/notifications/subscriptions.repository';

/** The subscription form as submitted: every value a string (checkboxes as a list). */
export interface SubscriptionFormInput {
  kinds: string[];
  minCriticality: string;
  /** One vendor or product per line. */
  products: string;
  language: string;
}

/** Splits the products field into its non-empty lines. */
export function productLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Checks an e-mail address; throws a field error on `email`. */
export function checkEmail(email: string): string {
  const value = email.trim();
  if (value === '') throw AppError.field('email', 'required');
  if (!isPlausibleEmail(value)) throw AppError.field('email', 'invalid_email');
  return value;
}

/**
 * Validates the filters of a subscription form and resolves the vendor/product lines against the registry.
 * Every problem names its field (`kinds`, `min_criticality`, `products`, `language`); all are reported at once.
 */
export async function validateFilters(db: DbOrTx, input: SubscriptionFormInput, extra: FieldError[] = []): Promise<SubscriptionFilters> {
  const errors: FieldError[] = [...extra];
  const kinds: BulletinKind[] = [];
  for (const k of input.kinds) {
    if (!(bulletinKinds as readonly string[]).includes(k)) {
      errors.push({ field: 'kinds', message: 'invalid_choice' });
      break;
    }
    if (!kinds.includes(k as BulletinKind)) kinds.push(k as BulletinKind);
  }
  let minCriticality: string | null = null;
  const criticality = input.minCriticality.trim();
  if (criticality !== '') {
    const term = criticality.length <= 64 ? await findTermByCode(db, 'criticality', criticality) : undefined;
    if (!term || term.retiredAt !== null) errors.push({ field: 'min_criticality', message: 'invalid_choice' });
    else minCriticality = term.code;
  }
  const language = input.language.trim();
  if (!isLocale(language)) errors.push({ field: 'language', message: language === '' ? 'required' : 'invalid_choice' });
  const vendorIds: string[] = [];
  const productIds: string[] = [];
  const lines = productLines(input.products);
  if (lines.length > MAX_PRODUCT_LINES) errors.push({ field: 'products', message: 'too_many_lines', params: { max: MAX_PRODUCT_LINES } });
  else {
    for (const line of lines) {
      if (line.length > 200) {
        errors.push({ field: 'products', message: 'too_long', params: { max: 200 } });
        break;
      }
      const found = await resolveRegistryLine(db, line);
      if (found.length === 0) {
        errors.push({ field: 'products', message: 'unknown_product', params: { value: line } });
        break;
      }
      for (const entry of found) {
        const list = entry.kind === 'vendor' ? vendorIds : productIds;
        if (!list.includes(entry.id)) list.push(entry.id);
      }
    }
  }
  if (errors.length > 0) throw new AppError('validation_failed', errors);
  return { kinds, minCriticality, vendorIds, productIds, language: isLocale(language) ? language : 'fr' };
}

/** Checks that the ids carried by a confirmation link still exist; false when any is unknown. */
export async function filtersStillValid(db: DbOrTx, f: SubscriptionFilters): Promise<boolean> {
  if (f.minCriticality !== null && !(await findTermByCode(db, 'criticality', f.minCriticality))) return false;
  if (f.vendorIds.length > 0) {
    const rows = await db.selectFrom('product_vendor').select('id').where('id', 'in', f.vendorIds).execute();
    if (rows.length !== new Set(f.vendorIds).size) return false;
  }
  if (f.productIds.length > 0) {
    const rows = await db.selectFrom('product').select('id').where('id', 'in', f.productIds).execute();
    if (rows.length !== new Set(f.productIds).size) return false;
  }
  return true;
}
