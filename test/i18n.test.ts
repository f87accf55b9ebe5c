import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogue } from '#src/web/catalogue';
import { createTranslator, locales, negotiateLocale } from '#src/core/i18n/i18n';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('message catalogues', () => {
  it('have the same keys in French, Arabic and English', () => {
    const fr = Object.keys(catalogue.fr).sort();
    for (const locale of locales) expect(Object.keys(catalogue[locale]).sort(), locale).toEqual(fr);
  });

  it('have no empty message and the same placeholders in every language', () => {
    for (const key of Object.keys(catalogue.fr)) {
      for (const locale of locales) {
        const text = catalogue[locale][key] ?? '';
        expect(text.trim(), `${locale}:${key}`).not.toBe('');
        expect(placeholders(text), `${locale}:${key}`).toEqual(placeholders(catalogue.fr[key] ?? ''));
      }
    }
  });

  it('define every key the code asks for by name', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(path.resolve('src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-z0-9_]+(?:\.[a-z0-9_-]+)+)'/g)) used.add(m[1] ?? '');
    }
    expect(used.size).toBeGreaterThan(10);
    const missing = [...used].filter((key) => !(key in catalogue.fr));
    expect(missing).toEqual([]);
  });

  it('has Arabic messages written in Arabic script', () => {
    const arabic = Object.values(catalogue.ar).filter((s) => /[\u0600-\u06FF]/.test(s)).length;
    expect(arabic / Object.keys(catalogue.ar).length).toBeGreaterThan(0.9);
  });
});

describe('locale formatting and negotiation', () => {
  it('formats dates and numbers per locale, with Latin digits in Arabic', () => {
    const date = new Date('2026-03-05T10:00:00Z');
    expect(createTranslator(catalogue, 'fr', 'Africa/Casablanca').formatDate(date)).toBe('5 mars 2026');
    expect(createTranslator(catalogue, 'en', 'Africa/Casablanca').formatDate(date)).toBe('5 March 2026');
    const ar = createTranslator(catalogue, 'ar', 'Africa/Casablanca').formatDate(date);
    expect(ar).toContain('2026');
    expect(ar).toMatch(/[\u0600-\u06FF]/);
    // CLDR's Moroccan French groups digits with dots.
    expect(createTranslator(catalogue, 'fr', 'UTC').formatNumber(1234567)).toBe('1.234.567');
    expect(createTranslator(catalogue, 'en', 'UTC').formatNumber(1234567)).toBe('1,234,567');
  });

  it('interpolates parameters', () => {
    const t = createTranslator(catalogue, 'en', 'UTC');
    expect(t.t('field.too_long', { max: 80 })).toBe('Too long (maximum 80).');
  });

  it('negotiates Accept-Language by quality, falling back to null', () => {
    expect(negotiateLocale('de-DE, ar;q=0.8, en;q=0.9')).toBe('en');
    expect(negotiateLocale('ar-MA')).toBe('ar');
    expect(negotiateLocale('de, it')).toBeNull();
    expect(negotiateLocale(undefined)).toBeNull();
  });
});
