import { readFileSync } from 'node:fs';
import type { FieldMessage } from '#src/core/errors';

/** Fewest Unicode code points a password may have. */
export const PASSWORD_MIN_LENGTH = 12;

/** Most Unicode code points a password may have (bounds the hashing cost). */
export const PASSWORD_MAX_LENGTH = 1024;

/** Shortest e-mail local part (or display name) that a password is checked for containing. */
const MIN_PERSONAL_TOKEN_LENGTH = 4;

const COMMON_PASSWORDS_URL = new URL('./common-passwords.txt', import.meta.url);

/** Trailing digits, punctuation, symbols and spaces, as users append them to a common word ("soleil2024!"). */
const TRAILING_DECORATION = /[\p{N}\p{P}\p{S}\s]+$/u;

let commonPasswords: Set<string> | undefined;

/** Counts Unicode code points, so that a character outside the BMP or an Arabic letter each count once. */
function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i += 1) {
    const unit = s.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
    n += 1;
  }
  return n;
}

/** Folds Arabic-Indic (U+0660–0669) and Extended Arabic-Indic (U+06F0–06F9) digits to ASCII digits. */
function foldArabicDigits(s: string): string {
  return s.replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (d) => String((d.codePointAt(0) ?? 0) & 0x0f));
}

/** The lookup key of a password in the common list: NFKC-normalised, lower-cased, with Arabic-Indic digits as ASCII. */
export function passwordKey(password: string): string {
  return foldArabicDigits(password.normalize('NFKC')).toLowerCase();
}

/** Reads common-passwords.txt once into a Set, skipping blank lines and comment lines starting with '#'. */
function loadCommonPasswords(): Set<string> {
  if (commonPasswords) return commonPasswords;
  const set = new Set<string>();
  for (const raw of readFileSync(COMMON_PASSWORDS_URL, 'utf8').split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) continue;
    set.add(line);
  }
  commonPasswords = set;
  return set;
}

/** True if the password, lower-cased, or with its trailing digits and punctuation stripped, is a known common password. */
export function isCommonPassword(p: string): boolean {
  const list = loadCommonPasswords();
  const key = passwordKey(p);
  if (list.has(key)) return true;
  const base = key.replace(TRAILING_DECORATION, '');
  return base !== '' && base !== key && list.has(base);
}

/** Lower-cased, whitespace-free form of a personal value, for containment checks. */
function personalToken(s: string): string {
  return passwordKey(s).replace(/\s+/gu, '');
}

/** The e-mail local parts worth checking: the whole local part and, for "name+tag", the part before '+'. */
function emailTokens(email: string): string[] {
  const at = email.lastIndexOf('@');
  const local = personalToken(at >= 0 ? email.slice(0, at) : email);
  const tokens = [local];
  const plus = local.indexOf('+');
  if (plus > 0) tokens.push(local.slice(0, plus));
  return tokens.filter((t) => codePointLength(t) >= MIN_PERSONAL_TOKEN_LENGTH);
}

/**
 * Checks a candidate password against the policy and returns null if acceptable, else the field message to show.
 * Rules, in order: at least 12 and at most 1024 code points, not a common password, and not containing the e-mail local part.
 */
export function checkPassword(password: string, context: { email?: string; displayName?: string }): FieldMessage | null {
  const length = codePointLength(password);
  if (length < PASSWORD_MIN_LENGTH) return 'password_too_short';
  if (length > PASSWORD_MAX_LENGTH) return 'too_long';
  if (isCommonPassword(password)) return 'password_common';

  const key = personalToken(password);
  if (context.displayName) {
    // A password that is merely the user's own name (plus trailing digits) is as guessable as a listed one.
    const name = personalToken(context.displayName);
    if (codePointLength(name) >= MIN_PERSONAL_TOKEN_LENGTH && key.replace(TRAILING_DECORATION, '') === name) {
      return 'password_common';
    }
  }
  if (context.email) {
    for (const token of emailTokens(context.email)) {
      if (key.includes(token)) return 'password_contains_email';
    }
  }
  return null;
}
