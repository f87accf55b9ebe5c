import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';

/** Longest domain name in presentation form, without the trailing dot (RFC 1035). */
const MAX_DOMAIN_LENGTH = 253;
/** Longest e-mail address usable in SMTP (RFC 5321 path limit less the angle brackets). */
const MAX_EMAIL_LENGTH = 254;
/** Longest local part (RFC 5321 §4.5.3.1.1). */
const MAX_LOCAL_PART_LENGTH = 64;

/** One DNS label: 1–63 characters of [a-z0-9-], not starting or ending with '-'. */
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
/** A top-level domain: alphabetic, or an IDN in punycode. */
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
/** A dot-atom local part (RFC 5322 atext separated by single dots). */
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/i;
/** A dotted-quad IPv4 address in decimal, each octet 0–255 without leading zeros. */
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** C0 and C1 controls except tab, line feed and carriage return, plus DEL and the replacement character. */
const CONTROL = /(?![\t\n\r])[\p{Cc}\uFFFD]/u;
/** Any character outside ASCII. */
const NON_ASCII = /\P{ASCII}/u;
/** An ASCII character other than a letter, digit, '-' or '.'. */
const NON_HOSTNAME_ASCII = /[^\P{ASCII}A-Za-z0-9.-]/u;

/** True if `s` contains a C0/C1 control character other than tab, LF or CR (DEL included), or U+FFFD (a decoding error). */
export function hasControlCharacters(s: string): boolean {
  return CONTROL.test(s);
}

/** Checks an already lower-case ASCII host name: label and TLD rules, at least two labels, valid punycode, ≤ 253 characters. */
function isValidAsciiDomain(d: string): boolean {
  if (d.length === 0 || d.length > MAX_DOMAIN_LENGTH) return false;
  const labels = d.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return false;
  if (!TLD.test(labels[labels.length - 1] ?? '')) return false;
  // domainToASCII rejects malformed punycode ('xn--a') and returns a canonical ASCII form for valid input.
  return !d.includes('xn--') || domainToASCII(d) === d;
}

/**
 * Normalises a domain name: trims, lower-cases, drops one trailing dot and converts a Unicode IDN to punycode.
 * Returns null unless the result has at least two valid labels, an alphabetic or punycode TLD, and at most 253 characters.
 */
export function normaliseDomain(s: string): string | null {
  let d = s.trim();
  if (d.endsWith('.')) d = d.slice(0, -1);
  if (d === '' || hasControlCharacters(d)) return null;
  // Only letters, digits, '-' and '.' among ASCII: domainToASCII would otherwise percent-decode or map them.
  if (NON_HOSTNAME_ASCII.test(d)) return null;
  if (NON_ASCII.test(d)) {
    d = domainToASCII(d);
    if (d === '') return null;
  }
  d = d.toLowerCase();
  return isValidAsciiDomain(d) ? d : null;
}

/** True if `s` is a valid domain name once normalised with {@link normaliseDomain} (Unicode IDNs accepted). */
export function isValidDomain(s: string): boolean {
  return normaliseDomain(s) !== null;
}

/** Trims an e-mail address and lower-cases it; a Unicode domain is converted to punycode when that succeeds. */
export function normaliseEmail(s: string): string {
  const trimmed = s.trim();
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return trimmed.toLowerCase();
  const local = trimmed.slice(0, at).toLowerCase();
  let domain = trimmed.slice(at + 1).toLowerCase();
  if (NON_ASCII.test(domain)) domain = normaliseDomain(domain) ?? domain;
  return `${local}@${domain}`;
}

/**
 * Pragmatic RFC 5321 check: a dot-atom local part of at most 64 characters, '@', and an ASCII domain (IDNs in punycode)
 * with at least one dot and valid labels; at most 254 characters, no spaces or control characters, no quoted forms.
 */
export function isValidEmail(s: string): boolean {
  if (s.length === 0 || s.length > MAX_EMAIL_LENGTH || /\s/.test(s) || hasControlCharacters(s)) return false;
  const at = s.lastIndexOf('@');
  if (at <= 0) return false;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (local.length > MAX_LOCAL_PART_LENGTH || !LOCAL_PART.test(local)) return false;
  if (NON_ASCII.test(domain)) return false;
  return isValidAsciiDomain(domain.toLowerCase());
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Replaces a trailing dotted quad in an IPv6 literal by two hex groups, so that '::1.2.3.4' stays IPv4-compatible. */
function embeddedIpv4ToHex(s: string): string | null {
  const m = /^(.*:)([^:]*\.[^:]*)$/.exec(s);
  if (!m) return s;
  const [head, quad] = [m[1] ?? '', m[2] ?? ''];
  if (!IPV4.test(quad)) return null;
  const [a, b, c, d] = quad.split('.').map(Number) as [number, number, number, number];
  return `${head}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

/** Parses a bare IPv4 (strict dotted decimal) or IPv6 address (no zone identifier); null if invalid. */
function parseAddress(s: string): Address | null {
  if (IPV4.test(s)) return ipaddr.IPv4.parse(s);
  if (!s.includes(':') || !/^[0-9a-f:.]+$/i.test(s)) return null;
  const hex = embeddedIpv4ToHex(s);
  if (hex === null || !ipaddr.IPv6.isValid(hex)) return null;
  return ipaddr.IPv6.parse(hex);
}

/** Zeroes the host bits of an address beyond the prefix length. */
function networkOf(addr: Address, prefix: number): Address {
  const bytes = addr.toByteArray().map((byte, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return byte & ((0xff << (8 - keep)) & 0xff);
  });
  return ipaddr.fromByteArray(bytes);
}

/** Text form of an address: dotted quad for IPv4, RFC 5952 for IPv6 with IPv4-mapped addresses as '::ffff:a.b.c.d'. */
function formatAddress(addr: Address): string {
  if (addr.kind() === 'ipv6') {
    const v6 = addr as ipaddr.IPv6;
    return v6.isIPv4MappedAddress() ? `::ffff:${v6.toIPv4Address().toString()}` : v6.toRFC5952String();
  }
  return addr.toString();
}

/**
 * Parses an IPv4 or IPv6 CIDR block, or a bare address (taken as /32 or /128), into its normalised network form
 * with host bits zeroed ('192.168.1.7/24' → '192.168.1.0/24', '2001:DB8:0:0::1/32' → '2001:db8::/32'); null if invalid.
 */
export function parseCidr(s: string): { cidr: string; version: 4 | 6 } | null {
  const input = s.trim();
  const slash = input.indexOf('/');
  const addr = parseAddress(slash < 0 ? input : input.slice(0, slash));
  if (!addr) return null;
  const version = addr.kind() === 'ipv4' ? 4 : 6;
  const max = version === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = input.slice(slash + 1);
    if (!/^(?:0|[1-9]\d{0,2})$/.test(p)) return null;
    prefix = Number(p);
    if (prefix > max) return null;
  }
  return { cidr: `${formatAddress(networkOf(addr, prefix))}/${prefix}`, version };
}

/** True if the address `ip` lies inside the block `cidr`; an IPv4-mapped IPv6 address also matches its IPv4 block and vice versa. */
export function cidrContains(cidr: string, ip: string): boolean {
  const block = parseCidr(cidr);
  const addr = parseAddress(ip.trim());
  if (!block || !addr) return false;
  const slash = block.cidr.lastIndexOf('/');
  const network = parseAddress(block.cidr.slice(0, slash));
  const prefix = Number(block.cidr.slice(slash + 1));
  if (!network) return false;
  let candidate: Address = addr;
  if (network.kind() === 'ipv4' && addr.kind() === 'ipv6') {
    const v6 = addr as ipaddr.IPv6;
    if (!v6.isIPv4MappedAddress()) return false;
    candidate = v6.toIPv4Address();
  } else if (network.kind() === 'ipv6' && addr.kind() === 'ipv4') {
    candidate = (addr as ipaddr.IPv4).toIPv4MappedAddress();
  }
  return candidate.match(network, prefix);
}

/** Folds Arabic-Indic (U+0660–0669) and Extended Arabic-Indic (U+06F0–06F9) digits to ASCII digits. */
function foldDigits(s: string): string {
  return s.replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (d) => String((d.codePointAt(0) ?? 0) & 0x0f));
}

/**
 * Normalises a telephone number to E.164 ('+' then 8–15 digits, the first not 0), or null.
 * Strips spaces, dots, dashes and parentheses (and a '(0)' trunk marker), reads '00' as '+', and reads the
 * Moroccan national format '0XXXXXXXXX' as '+212XXXXXXXXX'.
 */
export function normalisePhone(s: string): string | null {
  let p = foldDigits(s.trim());
  if (p.startsWith('+') || p.startsWith('00')) p = p.replace(/\(\s*0\s*\)/g, '');
  p = p.replace(/[\s.\-()]/g, '');
  if (p.startsWith('00')) p = `+${p.slice(2)}`;
  else if (/^0\d{9}$/.test(p)) p = `+212${p.slice(1)}`;
  // '+212 06…' : a Moroccan number written with both the country code and the national trunk 0.
  if (/^\+2120\d{9}$/.test(p)) p = `+212${p.slice(5)}`;
  return /^\+[1-9]\d{7,14}$/.test(p) ? p : null;
}
