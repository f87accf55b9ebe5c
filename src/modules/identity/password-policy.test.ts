import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { checkPassword, isCommonPassword, passwordKey } from '#src/modules/identity/password-policy';

const noContext = {};

describe('checkPassword length rules', () => {
  it('refuses fewer than 12 characters and accepts exactly 12', () => {
    expect(checkPassword('', noContext)).toBe('password_too_short');
    expect(checkPassword('vK7#qLm2$zR', noContext)).toBe('password_too_short');
    expect(checkPassword('vK7#qLm2$zRw', noContext)).toBeNull();
  });

  it('counts Arabic letters one per code point', () => {
    const eleven = 'نجمةقمرشجرة'; // 11 Arabic letters
    expect([...eleven]).toHaveLength(11);
    expect(checkPassword(eleven, noContext)).toBe('password_too_short');
    expect(checkPassword(`${eleven}ظ`, noContext)).toBeNull();
    // With spaces and diacritics, each code point still counts once.
    expect(checkPassword('شَمسٌ بحرٌ', noContext)).toBe('password_too_short');
    expect(checkPassword('شَمسٌ بحرٌ ريح', noContext)).toBeNull();
  });

  it('counts characters outside the BMP once, not as two UTF-16 units', () => {
    const astralArabic = '\u{1EE00}\u{1EE01}\u{1EE02}\u{1EE03}\u{1EE05}\u{1EE06}\u{1EE07}\u{1EE08}\u{1EE09}\u{1EE0A}\u{1EE0B}';
    expect(astralArabic.length).toBe(22);
    expect(checkPassword(astralArabic, noContext)).toBe('password_too_short');
    expect(checkPassword('🔐🛡️🌍🚀🎯🧩', noContext)).toBe('password_too_short');
    expect(checkPassword('🔐🛡🌍🚀🎯🧩🦉🌵🍉🎲🪁🧭', noContext)).toBeNull();
  });

  it('refuses more than 1024 code points', () => {
    const base = 'Zq8!mW3#rT6^';
    const long = base.repeat(86).slice(0, 1024);
    expect(checkPassword(long, noContext)).toBeNull();
    expect(checkPassword(`${long}x`, noContext)).toBe('too_long');
    expect(checkPassword('نجمة'.repeat(257), noContext)).toBe('too_long');
  });
});

describe('checkPassword common passwords', () => {
  it.each([
    'password1234',
    'PASSWORD1234',
    'qwertyuiop123',
    '123456789012',
    'azertyuiop12',
    'motdepasse123',
    'MotDePasse2024!',
    'marocmaroc12',
    'bonjour12345',
    'soleil123456',
    'Casablanca2024',
    'iloveyou1234!!',
    'P@ssw0rd123456',
    'كلمة المرور 2024',
    '١٢٣٤٥٦٧٨٩٠١٢',
  ])('refuses %j', (password) => {
    expect(checkPassword(password, noContext)).toBe('password_common');
    expect(isCommonPassword(password)).toBe(true);
  });

  it('checks length before the list, so a short common password reports its length', () => {
    expect(isCommonPassword('123456')).toBe(true);
    expect(checkPassword('123456', noContext)).toBe('password_too_short');
  });

  it('does not strip anything but a trailing run of digits and punctuation', () => {
    expect(isCommonPassword('2024soleilbleu')).toBe(false);
    expect(isCommonPassword('soleil-vert-du-matin')).toBe(false);
  });

  it.each([
    'correct-cheval-batterie-agrafe-7',
    'Le chat de Tanger mange des figues',
    'قطتي تحب الشاي بالنعناع',
    'mK9$wQ2!xZ7@pL4',
  ])('accepts the strong passphrase %j', (password) => {
    expect(isCommonPassword(password)).toBe(false);
    expect(checkPassword(password, { email: 'analyste@cert.gov.ma', displayName: 'Nadia Analyste' })).toBeNull();
  });
});

describe('checkPassword personal information', () => {
  const context = { email: 'Fatima.Zahra@example.ma', displayName: 'Fatima Zahra' };

  it('refuses a password containing the e-mail local part, case-insensitively', () => {
    expect(checkPassword('my-fatima.zahra-key-2024', context)).toBe('password_contains_email');
    expect(checkPassword('XXFATIMA.ZAHRAXX', context)).toBe('password_contains_email');
  });

  it('checks the part before a +tag too', () => {
    expect(checkPassword('secret-soc.team-vault', { email: 'soc.team+alerts@cert.gov.ma' })).toBe('password_contains_email');
  });

  it('ignores local parts shorter than 4 characters', () => {
    expect(checkPassword('ali-loves-long-passphrases', { email: 'ali@example.ma' })).toBeNull();
    expect(checkPassword('abcd-loves-long-passphrases', { email: 'abcd@example.ma' })).toBe('password_contains_email');
  });

  it('refuses a password that is only the display name plus trailing digits', () => {
    const user = { displayName: 'Nadia Benjelloun' };
    expect(isCommonPassword('NadiaBenjelloun2024')).toBe(false);
    expect(checkPassword('NadiaBenjelloun2024', user)).toBe('password_common');
    expect(checkPassword('nadia benjelloun 1990!', user)).toBe('password_common');
    expect(checkPassword('Nadia Benjelloun rides camels at dawn', user)).toBeNull();
  });

  it('accepts a password unrelated to the user', () => {
    expect(checkPassword('orange-tramway-sous-la-pluie', context)).toBeNull();
  });
});

describe('common-passwords.txt', () => {
  const text = readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8');
  const entries = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));

  it('holds at least the 10,000 most common passwords, normalised and unique', () => {
    expect(entries.length).toBeGreaterThanOrEqual(10_000);
    expect(new Set(entries).size).toBe(entries.length);
    for (const entry of entries) expect(passwordKey(entry)).toBe(entry);
  });

  it('names its source and licence in comment lines', () => {
    expect(text.startsWith('#')).toBe(true);
    expect(text).toMatch(/^# Source: .*@zxcvbn-ts\/language-common .*licence MIT/m);
  });

  it('starts with the most common passwords', () => {
    expect(entries.slice(0, 3)).toEqual(['123456', 'password', '12345678']);
  });
});
