import { describe, it, expect } from 'vitest';
import {
  cidrContains,
  hasControlCharacters,
  isValidDomain,
  isValidEmail,
  normaliseDomain,
  normaliseEmail,
  normalisePhone,
  parseCidr,
} from '#src/core/validation';

describe('normaliseEmail', () => {
  it('trims and lower-cases both parts', () => {
    expect(normaliseEmail('  Fatima.Zahra@Example.MA \n')).toBe('fatima.zahra@example.ma');
  });

  it('converts a Unicode domain to punycode', () => {
    expect(normaliseEmail('Info@München.de')).toBe('info@xn--mnchen-3ya.de');
  });
});

describe('isValidEmail', () => {
  it.each([
    'a@b.co',
    'soc@cert.gov.ma',
    'First.Last@Example.com',
    'user+tag@sub.example.ma',
    "o'brien@example.ie",
    'x@xn--mnchen-3ya.de',
    'contact@example.xn--p1ai',
    `${'a'.repeat(64)}@example.com`,
  ])('accepts %s', (email) => {
    expect(isValidEmail(email)).toBe(true);
  });

  it.each([
    '',
    'plainaddress',
    '@example.com',
    'a@',
    'a@localhost',
    'a@b',
    'a..b@example.com',
    '.a@example.com',
    'a.@example.com',
    'a b@example.com',
    'a@exa mple.com',
    ' a@example.com',
    'a@b@example.com',
    '"quoted"@example.com',
    'a@-example.com',
    'a@example-.com',
    'a@example..com',
    'a@example.c0m',
    'a@example.c',
    'a@1.2.3.4',
    'a@[127.0.0.1]',
    'a@münchen.de',
    'a@xn--a.com',
    'a\u0000@example.com',
    'a@example.com\u0085',
    `${'a'.repeat(65)}@example.com`,
    `a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(60)}.com`,
  ])('rejects %j', (email) => {
    expect(isValidEmail(email)).toBe(false);
  });

  it('accepts exactly 254 characters and rejects 255 even with valid parts', () => {
    const local = 'x'.repeat(64);
    const fits = `${local}@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(57)}.com`;
    const over = `${local}@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(58)}.com`;
    expect(fits).toHaveLength(254);
    expect(isValidEmail(fits)).toBe(true);
    expect(over).toHaveLength(255);
    expect(isValidEmail(over)).toBe(false);
  });
});

describe('normaliseDomain / isValidDomain', () => {
  it.each([
    ['Example.COM', 'example.com'],
    ['example.com.', 'example.com'],
    ['  www.cert.gov.ma  ', 'www.cert.gov.ma'],
    ['münchen.de', 'xn--mnchen-3ya.de'],
    ['موقع.وزارة-الاتصالات.مصر', 'xn--4gbrim.xn----ymcbaaajlc6dj7bxne2c.xn--wgbh1c'],
    ['foo.рф', 'foo.xn--p1ai'],
    ['xn--mnchen-3ya.de', 'xn--mnchen-3ya.de'],
    ['a-b--c.example', 'a-b--c.example'],
    ['123.example.com', '123.example.com'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normaliseDomain(input)).toBe(expected);
    expect(isValidDomain(input)).toBe(true);
  });

  it.each([
    '',
    '.',
    'localhost',
    'com',
    '1.2.3.4',
    '0x7f.1',
    'example.c',
    'example.123',
    '-example.com',
    'example-.com',
    'exa_mple.com',
    'exa mple.com',
    'example..com',
    '.example.com',
    'example.com..',
    'foo%2e.com',
    'user@example.com',
    'https://example.com',
    'xn--a.com',
    'example.com\u0000',
    `${'a'.repeat(64)}.com`,
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}.com`,
  ])('rejects %j', (input) => {
    expect(normaliseDomain(input)).toBeNull();
    expect(isValidDomain(input)).toBe(false);
  });

  it('accepts a label of exactly 63 characters', () => {
    expect(normaliseDomain(`${'a'.repeat(63)}.ma`)).toBe(`${'a'.repeat(63)}.ma`);
  });
});

describe('parseCidr', () => {
  it.each([
    ['192.168.1.7/24', '192.168.1.0/24', 4],
    ['10.0.0.1', '10.0.0.1/32', 4],
    ['0.0.0.0/0', '0.0.0.0/0', 4],
    ['255.255.255.255/31', '255.255.255.254/31', 4],
    ['172.16.5.4/12', '172.16.0.0/12', 4],
    [' 41.248.0.0/16 ', '41.248.0.0/16', 4],
    ['2001:DB8:0:0::1/32', '2001:db8::/32', 6],
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', '2001:db8::ff00:42:8329/128', 6],
    ['2001:db8::1/64', '2001:db8::/64', 6],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1/128', 6],
    ['2001:db8:1:2:3:4:5:6/127', '2001:db8:1:2:3:4:5:6/127', 6],
    ['::1', '::1/128', 6],
    ['::', '::/128', 6],
    ['::/0', '::/0', 6],
    ['fe80::1/10', 'fe80::/10', 6],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1/128', 6],
    ['::ffff:c000:0201/120', '::ffff:192.0.2.0/120', 6],
    ['::192.0.2.1', '::c000:201/128', 6],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304/128', 6],
  ] as const)('normalises %j to %j', (input, cidr, version) => {
    expect(parseCidr(input)).toEqual({ cidr, version });
  });

  it.each([
    '',
    'abc',
    '010.1.1.1',
    '10.01.1.1/8',
    '0x0a.0.0.1',
    '127.1',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '1.2.3.4/33',
    '1.2.3.4/-1',
    '1.2.3.4/',
    '1.2.3.4/08',
    '1.2.3.4/24/8',
    '/24',
    '::1/129',
    '2001:db8::/+32',
    '1::2::3',
    ':::',
    '12345::',
    '1:2:3:4:5:6:7:8:9',
    'fe80::1%eth0',
    'fe80::1%eth0/64',
    '::ffff:01.2.3.4',
    '::ffff:1.2.3.256',
    '[::1]',
    '2001:db8::g',
  ])('rejects %j', (input) => {
    expect(parseCidr(input)).toBeNull();
  });
});

describe('cidrContains', () => {
  it('matches IPv4 addresses inside and outside the block', () => {
    expect(cidrContains('10.0.0.0/8', '10.255.3.4')).toBe(true);
    expect(cidrContains('10.0.0.0/8', '11.0.0.0')).toBe(false);
    expect(cidrContains('192.168.1.7/24', '192.168.1.200')).toBe(true);
    expect(cidrContains('192.168.1.0/24', '192.168.2.1')).toBe(false);
    expect(cidrContains('0.0.0.0/0', '8.8.8.8')).toBe(true);
    expect(cidrContains('203.0.113.5', '203.0.113.5')).toBe(true);
    expect(cidrContains('203.0.113.5', '203.0.113.6')).toBe(false);
  });

  it('matches IPv6 addresses inside and outside the block', () => {
    expect(cidrContains('2001:db8::/32', '2001:DB8:ffff::1')).toBe(true);
    expect(cidrContains('2001:db8::/32', '2001:db9::1')).toBe(false);
    expect(cidrContains('::/0', '2a00:1450::1')).toBe(true);
    expect(cidrContains('2001:db8::1/128', '2001:db8:0:0:0:0:0:1')).toBe(true);
  });

  it('matches IPv4-mapped IPv6 addresses against IPv4 blocks and back', () => {
    expect(cidrContains('10.0.0.0/8', '::ffff:10.1.2.3')).toBe(true);
    expect(cidrContains('10.0.0.0/8', '::ffff:11.1.2.3')).toBe(false);
    expect(cidrContains('::ffff:10.0.0.0/104', '10.9.9.9')).toBe(true);
    expect(cidrContains('10.0.0.0/8', '2001:db8::1')).toBe(false);
    expect(cidrContains('2001:db8::/32', '10.0.0.1')).toBe(false);
  });

  it('is false for an invalid block or address', () => {
    expect(cidrContains('10.0.0.0/33', '10.0.0.1')).toBe(false);
    expect(cidrContains('10.0.0.0/8', '010.0.0.1')).toBe(false);
    expect(cidrContains('10.0.0.0/8', '10.0.0.1/32')).toBe(false);
    expect(cidrContains('10.0.0.0/8', 'not an ip')).toBe(false);
  });
});

describe('normalisePhone', () => {
  it.each([
    ['+212 6 12 34 56 78', '+212612345678'],
    ['+212-6-12-34-56-78', '+212612345678'],
    ['00212612345678', '+212612345678'],
    ['0612345678', '+212612345678'],
    ['06 12 34 56 78', '+212612345678'],
    ['05.37.12.34.56', '+212537123456'],
    ['(0537) 12-34-56', '+212537123456'],
    ['+212 (0)6 12 34 56 78', '+212612345678'],
    ['+212 06 12 34 56 78', '+212612345678'],
    ['+33 (0)1 23 45 67 89', '+33123456789'],
    ['+1 (202) 555-0143', '+12025550143'],
    ['0033 1 23 45 67 89', '+33123456789'],
    ['٠٦١٢٣٤٥٦٧٨', '+212612345678'],
    ['+12345678', '+12345678'],
    ['+123456789012345', '+123456789012345'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normalisePhone(input)).toBe(expected);
  });

  it.each([
    '',
    '+',
    'abc',
    '612345678',
    '212612345678',
    '06123456789',
    '061234567',
    '+1234567',
    '+1234567890123456',
    '+0123456789',
    '+212 6 12 34 56 78 ext. 5',
    '+212/612345678',
    '++212612345678',
    '06 12 34 56 7a',
  ])('rejects %j', (input) => {
    expect(normalisePhone(input)).toBeNull();
  });
});

describe('hasControlCharacters', () => {
  it('allows ordinary text, tab, newline and carriage return', () => {
    expect(hasControlCharacters('Bulletin CERT\tn° 42\r\nمرحبا')).toBe(false);
    expect(hasControlCharacters('')).toBe(false);
  });

  it.each([
    ['NUL', '\u0000'],
    ['BEL', 'a\u0007b'],
    ['vertical tab', '\u000B'],
    ['form feed', '\u000C'],
    ['escape', '\u001B[31m'],
    ['DEL', '\u007F'],
    ['NEL (C1)', '\u0085'],
    ['CSI (C1)', '\u009B'],
    ['replacement character', 'caf\uFFFD'],
  ])('flags %s', (_name, s) => {
    expect(hasControlCharacters(s)).toBe(true);
  });

  it('does not flag format characters outside C0/C1', () => {
    expect(hasControlCharacters('\u00A0\u200B\u200F')).toBe(false);
  });
});
