import { describe, expect, it } from 'vitest';
import {
  defang,
  detectIndicatorType,
  extractIndicators,
  indicatorTypes,
  normaliseIndicator,
  refang,
  type IndicatorType,
} from '#src/modules/indicators/indicators';

const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const SHA512 = 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e';

describe('normaliseIndicator', () => {
  it.each<[IndicatorType, string, string]>([
    ['ipv4', ' 192.0.2.10 ', '192.0.2.10'],
    ['ipv4', '192.0.2[.]10', '192.0.2.10'],
    ['ipv6', '2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['ipv6', '[2001:db8::1]', '2001:db8::1'],
    ['ipv6', '::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['cidr', '198.51.100.7/24', '198.51.100.0/24'],
    ['cidr', '2001:DB8::/32', '2001:db8::/32'],
    ['cidr', '203.0.113.5', '203.0.113.5/32'],
    ['domain', 'Evil.Example.', 'evil.example'],
    ['domain', 'evil[.]example', 'evil.example'],
    ['domain', 'bücher.example', 'xn--bcher-kva.example'],
    ['url', 'HTTPS://Evil.Example/Path/../A?Q=1#Frag', 'https://evil.example/Path/../A?Q=1#Frag'],
    ['url', 'hxxp://evil[.]example', 'http://evil.example/'],
    ['url', 'http://evil.example:08080/x', 'http://evil.example:8080/x'],
    ['url', 'http://bank.example@evil.example/login', 'http://bank.example@evil.example/login'],
    ['url', 'http://[2001:DB8::1]:8443/a', 'http://[2001:db8::1]:8443/a'],
    ['url', 'ftp://192.0.2.1/pub/x.bin', 'ftp://192.0.2.1/pub/x.bin'],
    ['url', 'https://bücher.example/ü', 'https://xn--bcher-kva.example/ü'],
    ['email', 'Phisher@Evil.Example', 'phisher@evil.example'],
    ['email', 'phisher[@]evil[.]example', 'phisher@evil.example'],
    ['md5', MD5.toUpperCase(), MD5],
    ['sha1', SHA1, SHA1],
    ['sha256', ` ${SHA256.toUpperCase()} `, SHA256],
    ['sha512', SHA512, SHA512],
    ['filename', 'Invoice 2024.pdf.exe', 'Invoice 2024.pdf.exe'],
    ['filename', 'فاتورة.docx', 'فاتورة.docx'],
    ['cve', 'cve-2024-3094', 'CVE-2024-3094'],
    ['asn', '64500', 'AS64500'],
    ['asn', 'as64500', 'AS64500'],
    ['asn', 'ASN 15169', 'AS15169'],
    ['asn', 'AS1.10', 'AS65546'],
    ['asn', '4294967295', 'AS4294967295'],
  ])('%s %j → %s', (type, input, expected) => {
    expect(normaliseIndicator(type, input)).toEqual({ ok: true, value: expected });
  });

  it.each<[IndicatorType, string, string]>([
    ['ipv4', '', 'empty'],
    ['ipv4', '010.0.0.1', 'leading_zero'],
    ['ipv4', '256.1.1.1', 'invalid'],
    ['ipv4', '1.2.3', 'invalid'],
    ['ipv4', '2001:db8::1', 'invalid'],
    ['ipv6', '192.0.2.1', 'invalid'],
    ['ipv6', 'fe80::1%eth0', 'invalid'],
    ['ipv6', '2001:db8::g', 'invalid'],
    ['ipv6', '2001:db8::/32', 'invalid'],
    ['cidr', '10.0.0.0/33', 'invalid'],
    ['cidr', '010.0.0.0/8', 'leading_zero'],
    ['domain', 'localhost', 'invalid'],
    ['domain', 'evil_host.example', 'invalid'],
    ['domain', '192.0.2.1', 'invalid'],
    ['url', 'javascript:alert(1)', 'invalid'],
    ['url', 'file:///etc/passwd', 'unsupported_scheme'],
    ['url', 'gopher://evil.example/', 'unsupported_scheme'],
    ['url', 'http://evil example/', 'invalid'],
    ['url', 'http://evil.example:70000/', 'invalid'],
    ['url', 'http://999.1.1.1/', 'invalid'],
    ['email', 'not-an-address', 'invalid'],
    ['email', 'a@localhost', 'invalid'],
    ['md5', SHA1, 'invalid'],
    ['sha256', `${SHA256.slice(0, 63)}g`, 'invalid'],
    ['filename', 'C:\\Windows\\evil.exe', 'invalid'],
    ['filename', '/tmp/evil.sh', 'invalid'],
    ['filename', 'evil\u0000.exe', 'invalid'],
    ['filename', '..', 'invalid'],
    ['cve', 'CVE-2014-01234', 'invalid'],
    ['asn', 'AS064500', 'leading_zero'],
    ['asn', '4294967296', 'invalid'],
    ['asn', 'AS-SET', 'invalid'],
  ])('%s %j → %s', (type, input, reason) => {
    expect(normaliseIndicator(type, input)).toEqual({ ok: false, reason });
  });
});

describe('normaliseIndicator: length limits', () => {
  it('refuses a URL longer than 8,192 characters', () => {
    expect(normaliseIndicator('url', `http://evil.example/${'a'.repeat(9000)}`)).toEqual({ ok: false, reason: 'too_long' });
  });

  it('measures file names in UTF-8 bytes (255 at most)', () => {
    expect(normaliseIndicator('filename', `${'é'.repeat(125)}.exe`)).toEqual({ ok: true, value: `${'é'.repeat(125)}.exe` });
    expect(normaliseIndicator('filename', `${'é'.repeat(126)}.exe`)).toEqual({ ok: false, reason: 'too_long' });
  });
});

describe('detectIndicatorType', () => {
  it.each<[string, IndicatorType | null]>([
    ['hxxps://evil[.]example/a', 'url'],
    ['phisher@evil.example', 'email'],
    ['10.0.0.0/8', 'cidr'],
    ['192.0.2.1', 'ipv4'],
    ['1.2.3[.]4', 'ipv4'],
    ['2001:db8::1', 'ipv6'],
    [MD5, 'md5'],
    [SHA1, 'sha1'],
    [SHA256, 'sha256'],
    [SHA512, 'sha512'],
    ['CVE-2021-44228', 'cve'],
    ['AS64500', 'asn'],
    ['invoice.pdf', 'filename'],
    ['evil[.]example', 'domain'],
    ['64500', null],
    ['hello', null],
    ['', null],
    ['abc123', null],
    ['evil.com', 'domain'],
    ['evil.pl', 'domain'],
  ])('%j → %s', (value, type) => {
    expect(detectIndicatorType(value)).toBe(type);
  });
});

describe('refang', () => {
  it.each([
    ['hxxp://evil[.]example/a', 'http://evil.example/a'],
    ['hXXps[:]//evil(.)example', 'https://evil.example'],
    ['fxp://files{.}evil[dot]example', 'ftp://files.evil.example'],
    ['evil [.] example and evil(DOT)example', 'evil.example and evil.example'],
    ['user[@]evil[.]example, user[at]evil[.]example, user (at) evil (dot) example', 'user@evil.example, user@evil.example, user@evil.example'],
    ['hxxps[://]evil[.]example[/]path', 'https://evil.example/path'],
    ['192.168.1[.]1', '192.168.1.1'],
    ['plain text stays plain: http://ok.example', 'plain text stays plain: http://ok.example'],
  ])('%j → %j', (input, expected) => {
    expect(refang(input)).toBe(expected);
  });
});

describe('defang', () => {
  it.each<[IndicatorType, string, string]>([
    ['url', 'https://evil.example/a.b?c=d.e', 'hxxps://evil[.]example/a.b?c=d.e'],
    ['url', 'http://192.0.2.1:8080/', 'hxxp://192[.]0[.]2[.]1:8080/'],
    ['url', 'ftp://files.evil.example/x', 'fxp://files[.]evil[.]example/x'],
    ['domain', 'evil.example', 'evil[.]example'],
    ['ipv4', '1.2.3.4', '1.2.3[.]4'],
    ['cidr', '10.0.0.0/8', '10.0.0[.]0/8'],
    ['email', 'first.last@evil.example', 'first.last[@]evil[.]example'],
    ['ipv6', '2001:db8::1', '2001:db8::1'],
    ['sha256', SHA256, SHA256],
  ])('%s %s → %s', (type, value, expected) => {
    expect(defang(type, value)).toBe(expected);
  });
});

/** A small deterministic pseudo-random generator (mulberry32), so the property tests are reproducible. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(type: IndicatorType, random: () => number): string {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)];
  const label = () => Array.from({ length: 1 + int(10) }, () => pick('abcdefghijklmnopqrstuvwxyz0123456789'.split(''))).join('');
  const domain = () => `${Array.from({ length: 1 + int(3) }, label).join('.')}.${pick(['example', 'ma', 'com', 'xn--p1ai', 'org'])}`;
  const hex = (n: number) => Array.from({ length: n }, () => pick('0123456789abcdef'.split(''))).join('');
  const ipv4 = () => [int(256), int(256), int(256), int(256)].join('.');
  switch (type) {
    case 'ipv4':
      return ipv4();
    case 'ipv6':
      return `2001:db8:${hex(4).replace(/^0+(?=.)/, '')}::${hex(3).replace(/^0+(?=.)/, '')}`;
    case 'cidr': {
      const block = normaliseIndicator('cidr', `${ipv4()}/${int(33)}`);
      return block.ok ? block.value : '10.0.0.0/8';
    }
    case 'domain':
      return domain();
    case 'url':
      return `${pick(['http', 'https', 'ftp'])}://${random() < 0.2 ? ipv4() : domain()}/${label()}/${label()}.php?id=${int(1000)}`;
    case 'email':
      return `${label()}.${label()}@${domain()}`;
    case 'md5':
      return hex(32);
    case 'sha1':
      return hex(40);
    case 'sha256':
      return hex(64);
    case 'sha512':
      return hex(128);
    case 'filename':
      return `${label()}.${pick(['exe', 'pdf', 'docx', 'ps1'])}`;
    case 'cve':
      return `CVE-${1999 + int(27)}-${1000 + int(90000)}`;
    case 'asn':
      return `AS${1 + int(400000)}`;
  }
}

describe('properties', () => {
  const random = prng(20_240_301);
  const samples = indicatorTypes.flatMap((type) => Array.from({ length: 200 }, () => ({ type, value: generate(type, random) })));

  it('generates valid normalised samples of every type', () => {
    for (const { type, value } of samples) expect(normaliseIndicator(type, value)).toEqual({ ok: true, value });
  });

  it('refang(defang(x)) === x for every type', () => {
    for (const { type, value } of samples) expect(refang(defang(type, value))).toBe(value);
  });

  it('a defanged value normalises back to itself', () => {
    for (const { type, value } of samples) expect(normaliseIndicator(type, defang(type, value))).toEqual({ ok: true, value });
  });

  it('normalisation is idempotent', () => {
    for (const { type, value } of samples) {
      const once = normaliseIndicator(type, ` ${value} `);
      expect(once).toEqual({ ok: true, value });
      expect(once.ok && normaliseIndicator(type, once.value)).toEqual(once);
    }
  });

  it('detects the type of every generated value (defanged or not)', () => {
    for (const { type, value } of samples) {
      expect(detectIndicatorType(value)).toBe(type);
      expect(detectIndicatorType(defang(type, value))).toBe(type);
    }
  });
});

describe('extractIndicators', () => {
  const pairs = (text: string) => extractIndicators(text).map((i) => [i.type, i.value]);

  it('extracts every type from a defanged threat note, normalised, in order', () => {
    const text = [
      'Phishing wave reported by CERT: mails from billing[@]evil-corp[.]example lure victims to',
      'hxxps://login.evil-corp[.]example/secure/index.php?id=42 (see CVE-2024-3094).',
      'C2 servers: 203.0.113[.]7, 198.51.100.0/24 and 2001:DB8::BAD:1; hosting on AS64500.',
      `Dropped invoice_2024.pdf.exe (SHA-256 ${SHA256.toUpperCase()}, MD5 ${MD5}).`,
      'Beacon domain: update[.]evil-cdn[.]example.',
    ].join('\n');
    expect(pairs(text)).toEqual([
      ['email', 'billing@evil-corp.example'],
      ['url', 'https://login.evil-corp.example/secure/index.php?id=42'],
      ['cve', 'CVE-2024-3094'],
      ['ipv4', '203.0.113.7'],
      ['cidr', '198.51.100.0/24'],
      ['ipv6', '2001:db8::bad:1'],
      ['asn', 'AS64500'],
      ['filename', 'invoice_2024.pdf.exe'],
      ['sha256', SHA256],
      ['md5', MD5],
      ['domain', 'update.evil-cdn.example'],
    ]);
  });

  it('reports positions in the original (defanged) text', () => {
    const text = 'Go to hxxp://evil[.]example/x now, or mail a[@]evil[.]example.';
    const found = extractIndicators(text);
    expect(found.map((i) => text.slice(i.start, i.end))).toEqual(['hxxp://evil[.]example/x', 'a[@]evil[.]example']);
  });

  it('deduplicates and counts occurrences', () => {
    const found = extractIndicators('1.2.3.4 then 1.2.3[.]4 then 1.2.3.4 and EVIL.example, evil[.]example');
    expect(found).toEqual([
      { type: 'ipv4', value: '1.2.3.4', start: 0, end: 7, occurrences: 3 },
      { type: 'domain', value: 'evil.example', start: 40, end: 52, occurrences: 2 },
    ]);
  });

  it('lets URLs take precedence over the domains, IPs and file names inside them', () => {
    expect(pairs('GET http://192.0.2.1/dl/payload.exe and https://cdn.evil.example/a.js')).toEqual([
      ['url', 'http://192.0.2.1/dl/payload.exe'],
      ['url', 'https://cdn.evil.example/a.js'],
    ]);
  });

  it('trims sentence punctuation and unbalanced brackets after URLs', () => {
    expect(pairs('(see https://evil.example/a_(b).) "http://x.evil.example/q?a=1", http://y.evil.example/.')).toEqual([
      ['url', 'https://evil.example/a_(b)'],
      ['url', 'http://x.evil.example/q?a=1'],
      ['url', 'http://y.evil.example/'],
    ]);
  });

  it('takes file names with a known extension as file names, not domains', () => {
    expect(pairs('Open invoice.pdf, run setup.exe or script.ps1, read notes.docx; the host is files.example.')).toEqual([
      ['filename', 'invoice.pdf'],
      ['filename', 'setup.exe'],
      ['filename', 'script.ps1'],
      ['filename', 'notes.docx'],
      ['domain', 'files.example'],
    ]);
  });

  it('finds file names at the end of Windows and Unix paths', () => {
    expect(pairs('C:\\Users\\Public\\AppData\\svchost32.exe and /tmp/.x/kworker.sh')).toEqual([
      ['filename', 'svchost32.exe'],
      ['filename', 'kworker.sh'],
    ]);
  });

  it('accepts a dotted quad after "version" as an IPv4 address, for the analyst to confirm', () => {
    expect(pairs('Fixed in version 1.2.3.4 (not 1.2.3 nor 1.2.3.4.5).')).toEqual([['ipv4', '1.2.3.4']]);
  });

  it('takes hashes only as whole words of the exact lengths', () => {
    const text = `x${MD5} ${MD5}0 ${SHA1.slice(0, 39)} ${MD5}_suffix sha1:${SHA1} ${SHA512}`;
    expect(pairs(text)).toEqual([
      ['sha1', SHA1],
      ['sha512', SHA512],
    ]);
  });

  it('ignores prose that merely looks like indicators', () => {
    const text = 'Meeting at 10:30:45, MAC 00:1a:2b:3c:4d:5e, std::vector, e.g. i.e. U.S. fig.3, as 2023 ended, 010.001.1.1, 256.1.1.1.';
    expect(pairs(text)).toEqual([]);
  });

  it('reads IPv4-mapped IPv6 addresses and IPv6 prefixes', () => {
    expect(pairs('src ::ffff:192.0.2.1 net 2001:db8:abcd::/48 dst fe80::1%eth0')).toEqual([
      ['ipv6', '::ffff:192.0.2.1'],
      ['cidr', '2001:db8:abcd::/48'],
      ['ipv6', 'fe80::1'],
    ]);
  });

  it('returns nothing for empty text', () => {
    expect(extractIndicators('')).toEqual([]);
  });

  it('processes a 1 MB log with thousands of indicators and a long base64 line', () => {
    const lines: string[] = [];
    let size = 0;
    let i = 0;
    while (size < 1_000_000) {
      const line = `2024-03-01T10:${String(i % 60).padStart(2, '0')}:00Z deny src=10.${(i >> 8) & 255}.${i & 255}.1 dst=hxxp://host${i % 500}[.]evil[.]example/p?i=${i} user=u${i % 100}[@]corp.example`;
      lines.push(line);
      size += line.length + 1;
      i += 1;
    }
    lines.push('A'.repeat(200_000));
    const found = extractIndicators(lines.join('\n'));
    const byType = (t: IndicatorType) => found.filter((f) => f.type === t).length;
    expect(byType('ipv4')).toBe(Math.min(i, 65_536));
    expect(byType('url')).toBe(i);
    expect(byType('email')).toBe(100);
    expect(byType('domain')).toBe(0);
    expect(found.find((f) => f.type === 'email')).toMatchObject({ value: 'u0@corp.example', occurrences: Math.ceil(i / 100) });
  });
});
