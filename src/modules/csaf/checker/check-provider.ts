import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import * as openpgp from 'openpgp';
import { csafFileName } from '#src/modules/bulletins/reference';
import type { CsafJson } from '#src/modules/csaf/csaf.types';
import type { CheckOptions, CheckReport, CsafRole, RequirementNumber, RequirementResult, RequirementStatus } from '#src/modules/csaf/checker/checker.types';
import { Fetcher, safeResolve, type FetchOutcome } from '#src/modules/csaf/checker/fetcher';
import { isRecord, readProviderMetadata, type ProviderMetadata } from '#src/modules/csaf/checker/provider-metadata';
import { validateForChecker } from '#src/modules/csaf/checker/document-validation';
import { ALL_REQUIREMENTS, REQUIREMENT_TITLES, requirementsForRole, unmetForRole } from '#src/modules/csaf/checker/requirements';
import { loadCsafValidator } from '#src/modules/csaf/validation';

/** An argument the checker cannot work with (exit code 2). */
export class CheckTargetError extends Error {}

/** Details kept per requirement: the first ones only, so a provider with 10,000 broken files stays readable. */
const MAX_DETAILS = 20;
/** Documents examined at the same time. */
const CONCURRENCY = 4;
/** Hash files the checker knows how to recompute, by extension. */
const HASH_ALGORITHMS: Record<string, string> = { sha256: 'sha256', sha384: 'sha384', sha512: 'sha512', 'sha3-256': 'sha3-256', 'sha3-512': 'sha3-512' };

/** Where a document was listed, and what its listing says about it. */
interface ListedDocument {
  /** URLs to try in order: the one the listing means, then a tolerant fallback (index paths relative to the site root). */
  candidates: string[];
  /** `feed <url>`, `index.txt`, `changes.csv`. */
  sources: Set<string>;
  /** TLP label of the feed that lists it. */
  feedTlp: string | null;
  hashLinks: string[];
  signatureLinks: string[];
  /** The entry as written in index.txt / changes.csv (for messages). */
  entry: string | null;
  /** current_release_date according to changes.csv. */
  changesDate: string | null;
}

/** What the checker learnt about one listed document. */
interface DocumentFinding {
  listed: ListedDocument;
  /** The URL that answered 200, or null. */
  url: string | null;
  /** Why it could not be retrieved. */
  fetchError: string | null;
  /** True when it was found only at the fallback URL. */
  foundAtFallback: boolean;
  json: CsafJson | null;
  parseError: string | null;
  validation: { isValid: boolean; errors: string[] } | null;
  trackingId: string | null;
  initialReleaseDate: string | null;
  currentReleaseDate: string | null;
  tlp: string | null;
  hashProblems: string[];
  hashesVerified: string[];
  hashesNotListed: string[];
  signatureProblem: string | null;
  signatureNotListed: boolean;
  signatureVerified: boolean;
}

/** A collector for one requirement's verdict. */
class Verdict {
  readonly details: string[] = [];
  readonly warnings: string[] = [];
  private failures = 0;
  constructor(readonly requirement: RequirementNumber) {}
  fail(detail: string): void {
    this.failures++;
    if (this.details.length < MAX_DETAILS) this.details.push(detail);
    else if (this.details.length === MAX_DETAILS) this.details.push('… (more not shown)');
  }
  warn(text: string): void {
    if (this.warnings.length < MAX_DETAILS) this.warnings.push(text);
  }
  get failed(): boolean {
    return this.failures > 0;
  }
  get failureCount(): number {
    return this.failures;
  }
}

/** Parses the argument: a domain, a provider-metadata.json URL, or a base URL. */
export function parseTarget(target: string, allowHttp: boolean): { url: URL; kind: 'domain' | 'metadata' | 'base' } {
  const trimmed = target.trim();
  if (trimmed === '') throw new CheckTargetError('give a domain, a provider-metadata.json URL or a base URL');
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  let url: URL;
  try {
    url = new URL(hasScheme ? trimmed : `https://${trimmed}`);
  } catch {
    throw new CheckTargetError(`not a domain or URL: ${trimmed}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CheckTargetError(`unsupported scheme ${url.protocol} (use https://)`);
  if (url.protocol === 'http:' && !allowHttp) throw new CheckTargetError('plain http:// needs --insecure-http (CSAF requires HTTPS: requirement 3 will fail)');
  if (url.username !== '' || url.password !== '') throw new CheckTargetError('URLs with credentials are not accepted');
  if (url.pathname.endsWith('.json')) return { url, kind: 'metadata' };
  return { url, kind: url.pathname === '/' || url.pathname === '' ? 'domain' : 'base' };
}

/**
 * Checks a CSAF provider against the distribution requirements 1–20 of CSAF 2.0 section 7.1 and gives a verdict
 * for the role it claims (section 7.2). Fetches only from the target's host (plus `extraHosts`), bounded in
 * time and size; bad data of any kind becomes a failed requirement with its reason, never an exception.
 */
export async function checkProvider(target: string, options: CheckOptions): Promise<CheckReport> {
  const parsed = parseTarget(target, options.allowHttp);
  // Load the validator before any download: its schema compilation blocks for seconds and would time requests out.
  await loadCsafValidator('errors');
  const origin = parsed.url.origin;
  const host = parsed.url.host.toLowerCase();
  const fetcher = new Fetcher({
    allowHttp: options.allowHttp,
    timeoutMs: options.timeoutMs,
    maxBytes: options.maxBytes,
    allowedHosts: new Set([host, ...options.extraHosts.map((h) => h.toLowerCase())]),
  });
  const notes: string[] = [];
  const v = new Map<RequirementNumber, Verdict>(ALL_REQUIREMENTS.map((n) => [n, new Verdict(n)]));
  const verdict = (n: RequirementNumber): Verdict => v.get(n) as Verdict;
  const statusOverride = new Map<RequirementNumber, { status: RequirementStatus; reason: string }>();
  const passReason = new Map<RequirementNumber, string>();
  const na = (n: RequirementNumber, reason: string): void => void statusOverride.set(n, { status: 'not_applicable', reason });
  const failWith = (n: RequirementNumber, reason: string): void => void statusOverride.set(n, { status: 'fail', reason });

  // --- Finding provider-metadata.json (section 7.3.1): well-known URL, security.txt, DNS path. ---
  const wellKnownUrl = `${origin}/.well-known/csaf/provider-metadata.json`;
  const wellKnown = await loadMetadataAt(fetcher, wellKnownUrl);
  if (wellKnown.metadata !== null && wellKnown.metadata.schemaErrors.length === 0) {
    passReason.set(9, `${wellKnownUrl} serves a valid provider-metadata.json`);
  } else {
    verdict(9).fail(`${wellKnownUrl}: ${wellKnown.problem ?? 'not a valid provider-metadata.json (requirement 7)'}`);
  }

  const securityTxt = await readSecurityTxt(fetcher, origin);
  let metadataUrl: string | null = null;
  if (parsed.kind === 'metadata') metadataUrl = parsed.url.toString();
  else if (parsed.kind === 'base') {
    const candidate = safeResolve('provider-metadata.json', parsed.url.toString().endsWith('/') ? parsed.url.toString() : `${parsed.url.toString()}/`);
    const probe = candidate === null ? null : await loadMetadataAt(fetcher, candidate);
    if (candidate !== null && probe?.metadata != null) metadataUrl = candidate;
  }
  if (metadataUrl === null && wellKnown.metadata !== null) metadataUrl = wellKnownUrl;
  if (metadataUrl === null) {
    for (const entry of securityTxt.csafUrls) {
      fetcher.allowHost(new URL(entry).host);
      const probe = await loadMetadataAt(fetcher, entry);
      if (probe.metadata !== null) {
        metadataUrl = entry;
        break;
      }
    }
  }

  // Requirement 8: the security.txt CSAF field.
  if (securityTxt.url === null) verdict(8).fail(`no security.txt at ${origin}/.well-known/security.txt: ${securityTxt.problem ?? 'not found'}`);
  else if (securityTxt.rawEntries.length === 0) verdict(8).fail(`${securityTxt.url} has no CSAF field`);
  else {
    for (const raw of securityTxt.rawEntries) {
      if (!/^https:\/\//i.test(raw)) {
        if (/^http:\/\//i.test(raw) && options.allowHttp) verdict(8).warn(`CSAF: ${raw} is plain HTTP (accepted only because of --insecure-http)`);
        else verdict(8).fail(`CSAF: ${raw} does not begin with https://`);
      }
    }
    const first = securityTxt.csafUrls[0];
    if (first !== undefined) {
      fetcher.allowHost(new URL(first).host);
      const probe = await loadMetadataAt(fetcher, first);
      if (probe.metadata === null) verdict(8).fail(`CSAF: ${first}: ${probe.problem ?? 'not a provider-metadata.json'}`);
      if (securityTxt.csafUrls.includes(wellKnownUrl) && first !== wellKnownUrl && passReason.has(9)) {
        verdict(8).fail(`the well-known URL fulfils requirement 9, so it must be the first CSAF field (first is ${first})`);
      }
    }
    if (securityTxt.csafUrls.length > 1) verdict(8).warn(`${securityTxt.csafUrls.length} CSAF fields: more than one SHOULD NOT be advertised`);
    if (!verdict(8).failed) passReason.set(8, `${securityTxt.url} points to ${first ?? '?'}`);
  }

  // Requirement 10: the DNS path, only looked at when 8 and 9 both fail (section 7.3.1, step 3).
  const hostname = parsed.url.hostname.toLowerCase();
  let dnsMetadataUrl: string | null = null;
  if (isIP(hostname.replace(/^\[|\]$/g, '')) !== 0 || hostname === 'localhost' || !hostname.includes('.')) {
    na(10, `${hostname} is not a domain name: there is no csaf.data.security.${hostname}`);
  } else if (passReason.has(9) || passReason.has(8)) {
    na(10, `not checked: requirement ${passReason.has(9) ? 9 : 8} already locates provider-metadata.json (one of 8–10 suffices; section 7.3.1 checks the DNS path only when both fail)`);
  } else {
    const dnsHost = `csaf.data.security.${hostname}`;
    fetcher.allowHost(dnsHost);
    const dnsUrl = `https://${dnsHost}/`;
    const probe = await loadMetadataAt(fetcher, dnsUrl);
    if (probe.metadata !== null && probe.metadata.schemaErrors.length === 0) {
      passReason.set(10, `${dnsUrl} serves provider-metadata.json`);
      dnsMetadataUrl = dnsUrl;
    } else verdict(10).fail(`${dnsUrl}: ${probe.problem ?? 'not a valid provider-metadata.json'}`);
  }
  if (metadataUrl === null && dnsMetadataUrl !== null) metadataUrl = dnsMetadataUrl;

  // --- Requirement 7: provider-metadata.json itself. ---
  let metadata: ProviderMetadata | null = null;
  if (metadataUrl === null) {
    failWith(7, `no provider-metadata.json found (tried ${wellKnownUrl}${parsed.kind === 'base' ? ', the base URL' : ''}, security.txt${dnsMetadataUrl === null ? '' : ', the DNS path'})`);
  } else {
    fetcher.allowHost(new URL(metadataUrl).host);
    const loaded = await loadMetadataAt(fetcher, metadataUrl);
    if (loaded.metadata === null) failWith(7, `${metadataUrl}: ${loaded.problem ?? 'unreadable'}`);
    else {
      metadata = loaded.metadata;
      for (const e of metadata.schemaErrors) verdict(7).fail(`schema: ${e}`);
      if (metadata.canonicalUrl !== null && metadata.canonicalUrl !== metadataUrl && metadata.canonicalUrl !== loaded.finalUrl) {
        verdict(7).warn(`canonical_url is ${metadata.canonicalUrl}, but the file was found at ${metadataUrl}`);
      }
      if (!verdict(7).failed) passReason.set(7, `${metadataUrl} is valid against the provider metadata schema`);
    }
  }

  const role: CsafRole = options.role ?? metadata?.role ?? 'csaf_publisher';
  const roleSource: CheckReport['roleSource'] = options.role !== null ? 'option' : metadata?.role != null ? 'metadata' : 'default';
  if (roleSource === 'default') notes.push('No role could be read from provider-metadata.json: checked as csaf_publisher, the minimum.');
  const distributions = { directory: (metadata?.directoryUrls.length ?? 0) > 0, rolie: (metadata?.feeds.length ?? 0) > 0 };

  // --- Public OpenPGP keys (requirement 20), needed to verify signatures (19). ---
  const keys: openpgp.Key[] = [];
  if (metadata === null) failWith(20, 'no provider-metadata.json to list public_openpgp_keys');
  else if (metadata.keys.length === 0) failWith(20, 'provider-metadata.json lists no public_openpgp_keys');
  else {
    for (const k of metadata.keys) {
      const outcome = await fetcher.get(k.url);
      const problem = httpProblem(outcome);
      if (problem !== null) {
        verdict(20).fail(`${k.url}: ${problem}`);
        continue;
      }
      const key = await readAnyKey(outcome.body);
      if (key === null) {
        verdict(20).fail(`${k.url}: not an OpenPGP public key`);
        continue;
      }
      if (key.isPrivate()) verdict(20).fail(`${k.url}: contains SECRET key material: only the public part may be published`);
      const fingerprint = key.getFingerprint().toUpperCase();
      if (k.fingerprint !== null && k.fingerprint !== fingerprint) verdict(20).fail(`${k.url}: fingerprint is ${fingerprint}, provider-metadata.json says ${k.fingerprint}`);
      if (k.fingerprint === null) verdict(20).warn(`${k.url}: no fingerprint given in provider-metadata.json`);
      const info = key.getAlgorithmInfo();
      if (typeof info.bits === 'number' && info.algorithm.startsWith('rsa') && info.bits < 3072) verdict(20).warn(`${k.url}: RSA ${info.bits} bits; 3072 or more is considered secure`);
      keys.push(key.toPublic());
    }
    if (!verdict(20).failed) passReason.set(20, `${keys.length} public key(s) published and matching their fingerprints: ${keys.map((k) => k.getFingerprint().toUpperCase()).join(', ')}`);
  }

  // --- Gather the listed documents: ROLIE feeds, index.txt, changes.csv. ---
  const listed = new Map<string, ListedDocument>();
  const listDocument = (primary: string, fallback: string | null, source: string, patch: Partial<ListedDocument>): ListedDocument => {
    let doc = listed.get(primary);
    if (doc === undefined) {
      doc = { candidates: fallback !== null && fallback !== primary ? [primary, fallback] : [primary], sources: new Set(), feedTlp: null, hashLinks: [], signatureLinks: [], entry: null, changesDate: null };
      listed.set(primary, doc);
    }
    doc.sources.add(source);
    if (patch.feedTlp != null) doc.feedTlp = patch.feedTlp;
    if (patch.entry != null) doc.entry = patch.entry;
    if (patch.changesDate != null) doc.changesDate = patch.changesDate;
    for (const h of patch.hashLinks ?? []) if (!doc.hashLinks.includes(h)) doc.hashLinks.push(h);
    for (const s of patch.signatureLinks ?? []) if (!doc.signatureLinks.includes(s)) doc.signatureLinks.push(s);
    return doc;
  };

  // Requirement 15 and 5 (feeds), 16, 17.
  const publicFeedUrls: string[] = [];
  let feedsRead = 0;
  if (metadata !== null && metadata.feeds.length > 0) {
    const labels = new Set(metadata.feeds.map((f) => f.tlpLabel));
    if (!['WHITE', 'GREEN', 'UNLABELED'].some((l) => labels.has(l))) verdict(15).fail('no TLP:WHITE, TLP:GREEN or unlabeled feed: at least one MUST exist');
    for (const label of labels) if (metadata.feeds.filter((f) => f.tlpLabel === label).length > 1) verdict(15).fail(`more than one feed for TLP:${label}: all documents of one TLP level MUST be in a single feed`);
    for (const feed of metadata.feeds) {
      if (feed.tlpLabel === 'AMBER' || feed.tlpLabel === 'RED') {
        const outcome = await fetcher.get(feed.url);
        if (outcome.error === null && outcome.status === 200) verdict(5).fail(`the TLP:${feed.tlpLabel} feed ${feed.url} answers 200 without any authentication`);
        const publicDirs = metadata.feeds.filter((f) => f.tlpLabel !== 'AMBER' && f.tlpLabel !== 'RED').map((f) => dirOf(f.url));
        if (publicDirs.includes(dirOf(feed.url))) verdict(5).fail(`the TLP:${feed.tlpLabel} feed ${feed.url} is in the same folder as a public feed: it MUST be under a different path`);
        continue;
      }
      publicFeedUrls.push(feed.url);
      const outcome = await fetcher.get(feed.url);
      if (outcome.error === null && (outcome.status === 401 || outcome.status === 403)) {
        // TLP:GREEN may be served to authenticated recipients only; the checker has no credentials.
        verdict(15).warn(`the TLP:${feed.tlpLabel} feed ${feed.url} requires authentication (${outcome.status}): its entries were not checked`);
        continue;
      }
      const problem = httpProblem(outcome) ?? htmlRedirectProblem(outcome);
      if (problem !== null) {
        verdict(15).fail(`${feed.url}: ${problem}`);
        if (htmlRedirectProblem(outcome) !== null) verdict(6).fail(`${feed.url}: ${problem}`);
        continue;
      }
      const json = parseJson(outcome.body);
      if (!json.ok) {
        verdict(15).fail(`${feed.url}: not JSON (${json.error})`);
        continue;
      }
      feedsRead++;
      for (const entry of readFeed(json.value, feed.url, verdict(15))) {
        if (entry.url === null) continue;
        listDocument(entry.url, null, `feed ${feed.url}`, { feedTlp: feed.tlpLabel, hashLinks: entry.hashLinks, signatureLinks: entry.signatureLinks });
      }
    }
  } else {
    na(15, metadata === null ? 'no provider-metadata.json to announce ROLIE feeds' : 'provider-metadata.json announces no ROLIE feed (directory-based distribution)');
  }
  if (metadata === null || metadata.services.length === 0) na(16, 'no ROLIE service document is announced (its use is optional)');
  else {
    for (const url of metadata.services) {
      const outcome = await fetcher.get(url);
      const problem = httpProblem(outcome);
      const json = problem === null ? parseJson(outcome.body) : null;
      if (problem !== null || json === null || !json.ok) {
        verdict(16).fail(`${url}: ${problem ?? (json !== null && !json.ok ? `not JSON (${json.error})` : 'unreadable')}`);
        continue;
      }
      const hrefs = readServiceHrefs(json.value, url, verdict(16));
      for (const feedUrl of publicFeedUrls) if (!hrefs.includes(feedUrl)) verdict(16).fail(`${url} does not list the feed ${feedUrl}`);
    }
    if (!verdict(16).failed) passReason.set(16, `${metadata.services.length} service document(s) list every public feed`);
  }
  if (metadata === null || metadata.categories.length === 0) na(17, 'no ROLIE category document is announced (its use is optional)');
  else {
    for (const url of metadata.categories) {
      const outcome = await fetcher.get(url);
      const problem = httpProblem(outcome);
      const json = problem === null ? parseJson(outcome.body) : null;
      if (problem !== null || json === null || !json.ok) {
        verdict(17).fail(`${url}: ${problem ?? (json !== null && !json.ok ? `not JSON (${json.error})` : 'unreadable')}`);
        continue;
      }
      const categories = isRecord(json.value) && isRecord(json.value.categories) ? json.value.categories.category : undefined;
      if (!Array.isArray(categories) || categories.length === 0 || !categories.every((c) => isRecord(c) && typeof c.term === 'string' && c.term !== '')) {
        verdict(17).fail(`${url}: not a ROLIE category document (categories.category must be a list of {term})`);
      }
    }
    if (!verdict(17).failed) passReason.set(17, `${metadata.categories.length} category document(s) are valid`);
  }

  // Requirements 12 and 13: index.txt and changes.csv in each directory distribution.
  const indexEntries = new Map<string, string[]>(); // directory → primary URLs from index.txt
  const changesRows = new Map<string, { primary: string; date: string; line: number }[]>();
  if (metadata !== null && metadata.directoryUrls.length > 0) {
    for (const dir of metadata.directoryUrls) {
      const siteRoot = `${new URL(dir).origin}/`;
      const indexUrl = `${dir}index.txt`;
      const index = await fetcher.get(indexUrl);
      const indexProblem = httpProblem(index);
      if (indexProblem !== null) verdict(12).fail(`${indexUrl}: ${indexProblem}`);
      else {
        const primaries: string[] = [];
        const lines = index.body.toString('utf8').split(/\r?\n/);
        lines.forEach((raw, i) => {
          const entry = raw.trim();
          if (entry === '') return;
          const primary = safeResolve(entry, dir);
          if (primary === null || entry.includes('://') || entry.startsWith('/')) {
            verdict(12).fail(`index.txt line ${i + 1}: "${truncate(entry)}" is not a file name relative to index.txt`);
            if (primary === null) return;
          }
          primaries.push(primary);
          listDocument(primary, safeResolve(entry, siteRoot), 'index.txt', { entry });
        });
        if (primaries.length === 0) verdict(12).warn(`${indexUrl} lists no document`);
        indexEntries.set(dir, primaries);
      }
      const changesUrl = `${dir}changes.csv`;
      const changes = await fetcher.get(changesUrl);
      const changesProblem = httpProblem(changes);
      if (changesProblem !== null) verdict(13).fail(`${changesUrl}: ${changesProblem}`);
      else {
        const rows: { primary: string; date: string; line: number }[] = [];
        const lines = changes.body.toString('utf8').split(/\r?\n/);
        let previous: number | null = null;
        lines.forEach((raw, i) => {
          if (raw.trim() === '') return;
          const fields = parseCsvLine(raw);
          if (fields === null || fields.length !== 2) {
            verdict(13).fail(`changes.csv line ${i + 1}: expected "filename","current_release_date"`);
            return;
          }
          const [entry, date] = fields as [string, string];
          const time = Date.parse(date);
          if (!/^\d{4}-\d{2}-\d{2}T/.test(date) || Number.isNaN(time)) {
            verdict(13).fail(`changes.csv line ${i + 1}: "${truncate(date)}" is not a date-time${i === 0 ? ' (the file MUST NOT have a heading)' : ''}`);
            return;
          }
          if (previous !== null && time > previous) verdict(13).fail(`changes.csv line ${i + 1}: not sorted by current_release_date, latest first`);
          previous = time;
          const primary = safeResolve(entry, dir);
          if (primary === null) {
            verdict(13).fail(`changes.csv line ${i + 1}: "${truncate(entry)}" is not a file name`);
            return;
          }
          rows.push({ primary, date, line: i + 1 });
          listDocument(primary, safeResolve(entry, siteRoot), 'changes.csv', { entry, changesDate: date });
        });
        changesRows.set(dir, rows);
        const inChanges = new Set(rows.map((r) => r.primary));
        for (const primary of indexEntries.get(dir) ?? []) {
          if (!inChanges.has(primary)) verdict(13).fail(`${relativeTo(primary, dir)} is in index.txt but not in changes.csv`);
        }
      }
    }
  } else {
    const reason = metadata === null ? 'no provider-metadata.json to announce a directory_url' : 'provider-metadata.json announces no directory_url (ROLIE-based distribution)';
    na(12, reason);
    na(13, reason);
    na(14, reason);
  }

  // --- Examine every listed document (capped). ---
  const allListed = [...listed.values()];
  if (allListed.length > options.maxDocuments) notes.push(`${allListed.length} documents listed: only the first ${options.maxDocuments} were examined (--max-documents).`);
  const toExamine = allListed.slice(0, options.maxDocuments);
  const findings = await mapLimit(toExamine, CONCURRENCY, (doc) => examineDocument(fetcher, doc, keys));

  // Requirement 12 and 13 verdicts on the entries themselves.
  for (const f of findings) {
    const fromIndex = f.listed.sources.has('index.txt');
    const fromChanges = f.listed.sources.has('changes.csv');
    if (!fromIndex && !fromChanges) continue;
    const name = f.listed.entry ?? f.listed.candidates[0] ?? '?';
    const requirement: RequirementNumber = fromIndex ? 12 : 13;
    if (f.url === null) verdict(requirement).fail(`entry "${truncate(name)}" not found: ${f.fetchError ?? 'no answer'}`);
    else if (f.foundAtFallback) verdict(requirement).fail(`entry "${truncate(name)}" not found relative to ${requirement === 12 ? 'index.txt' : 'changes.csv'}; it exists relative to the site root (${f.url}): entries MUST be relative to the file`);
    if (fromChanges && f.listed.changesDate !== null && f.currentReleaseDate !== null && Date.parse(f.listed.changesDate) !== Date.parse(f.currentReleaseDate)) {
      verdict(13).fail(`${truncate(name)}: changes.csv says ${f.listed.changesDate}, the document's current_release_date is ${f.currentReleaseDate}`);
    }
  }
  // Every document of a directory distribution MUST be in its index.txt (documents found through a feed).
  for (const dir of indexEntries.keys()) {
    const indexed = new Set(findings.filter((f) => f.listed.sources.has('index.txt') && f.url !== null).map((f) => f.url));
    for (const f of findings) {
      if (f.url === null || f.listed.sources.has('index.txt') || !f.url.startsWith(dir) || indexed.has(f.url)) continue;
      verdict(12).fail(`${relativeTo(f.url, dir)} is listed in ${[...f.listed.sources].join(', ')} but not in index.txt`);
    }
  }

  // Feed-related per-document checks (15) and TLP (4, 5).
  for (const f of findings) {
    const feedSources = [...f.listed.sources].filter((s) => s.startsWith('feed '));
    if (feedSources.length > 0) {
      if (f.url === null) verdict(15).fail(`feed entry ${f.listed.candidates[0] ?? '?'}: ${f.fetchError ?? 'not retrievable'}`);
      if (f.listed.feedTlp !== null && f.tlp !== null && f.listed.feedTlp !== 'UNLABELED' && f.tlp !== f.listed.feedTlp) {
        verdict(15).fail(`${fileOf(f.url ?? '')} is TLP:${f.tlp} but listed in the TLP:${f.listed.feedTlp} feed`);
      }
      if (f.listed.feedTlp === 'UNLABELED' && f.tlp !== null) verdict(15).fail(`${fileOf(f.url ?? '')} is TLP:${f.tlp} but listed in the unlabeled feed`);
      for (const h of f.hashesNotListed) verdict(15).fail(`${h} exists but is not listed in the feed entry (link rel "hash")`);
      if (f.signatureNotListed) verdict(15).fail(`${fileOf(f.url ?? '')}.asc exists but is not listed in the feed entry (link rel "signature")`);
    }
    if (f.tlp === 'AMBER' || f.tlp === 'RED') verdict(5).fail(`${f.url ?? '?'} is TLP:${f.tlp} and was downloaded without any authentication`);
    const expectWhite = f.tlp === 'WHITE' || (f.tlp === null && f.listed.feedTlp === 'WHITE');
    if (expectWhite && f.url === null) verdict(4).fail(`TLP:WHITE document ${f.listed.candidates[0] ?? '?'} is not freely accessible: ${f.fetchError ?? 'no answer'}`);
  }
  const whiteCount = findings.filter((f) => f.tlp === 'WHITE').length;
  if (!verdict(4).failed) {
    if (whiteCount === 0) na(4, findings.length === 0 ? 'no document found' : 'no TLP:WHITE document found');
    else passReason.set(4, `${whiteCount} TLP:WHITE document(s) downloaded without authentication`);
  }
  if (!verdict(5).failed) {
    const protectedFeeds = metadata?.feeds.filter((f) => f.tlpLabel === 'AMBER' || f.tlpLabel === 'RED').length ?? 0;
    passReason.set(5, protectedFeeds > 0 ? `${protectedFeeds} TLP:AMBER/RED feed(s) refuse anonymous access, under their own path; no AMBER/RED document is public` : 'no TLP:AMBER or TLP:RED document is publicly accessible');
  }
  if (!verdict(15).failed && !statusOverride.has(15)) passReason.set(15, `${feedsRead} feed(s) read and valid; every entry retrievable, with its hash and signature links`);

  // Requirements 1, 2, 11, 18, 19 per document.
  const retrieved = findings.filter((f) => f.url !== null);
  for (const f of retrieved) {
    const label = fileOf(f.url ?? '');
    if (f.parseError !== null) verdict(1).fail(`${label}: not JSON (${f.parseError})`);
    else if (f.validation !== null && !f.validation.isValid) verdict(1).fail(`${label}: ${f.validation.errors.slice(0, 3).join('; ')}`);
    if (f.htmlRedirect) verdict(6).fail(`${f.url ?? ''}: an HTML page with a meta refresh instead of the document`);
    if (f.trackingId === null) {
      if (f.parseError === null) verdict(2).fail(`${label}: no /document/tracking/id to derive the filename from`);
    } else if (csafFileName(f.trackingId) !== label) verdict(2).fail(`${label}: should be ${csafFileName(f.trackingId)} (tracking id ${truncate(f.trackingId)})`);
    if (f.initialReleaseDate !== null) {
      const year = f.initialReleaseDate.slice(0, 4);
      const folder = folderOf(f.url ?? '');
      if (folder !== year) verdict(11).fail(`${label}: in folder "${folder}", but initial_release_date is in ${year}`);
    } else if (f.parseError === null) verdict(11).fail(`${label}: no initial_release_date to check the year folder`);
    for (const p of f.hashProblems) verdict(18).fail(p);
    if (f.signatureProblem !== null) verdict(19).fail(f.signatureProblem);
  }
  if (findings.length === 0) {
    const reason = 'no document is listed in any feed, index.txt or changes.csv';
    for (const n of [1, 2, 11, 18, 19] as RequirementNumber[]) if (!verdict(n).failed) na(n, reason);
  } else if (retrieved.length === 0) {
    for (const n of [1, 2, 11, 18, 19] as RequirementNumber[]) failWith(n, `none of the ${findings.length} listed document(s) could be retrieved`);
  } else {
    const count = `${retrieved.length} document(s)`;
    passReason.set(1, `${count} valid (CSAF 2.0 schema and every mandatory test)`);
    passReason.set(2, `${count} named after their tracking id`);
    passReason.set(11, `${count} in the folder of their initial release year`);
    passReason.set(18, `${count} with matching hash files (${[...new Set(retrieved.flatMap((f) => f.hashesVerified))].join(', ') || 'none'})`);
    passReason.set(19, `${count} with a valid OpenPGP signature by a published key`);
  }
  if (keys.length === 0 && verdict(19).failed) verdict(19).warn('no public key could be loaded (requirement 20), so no signature can be verified');

  // Requirement 14: directory listings of each directory distribution and its year folders.
  if (metadata !== null && metadata.directoryUrls.length > 0) {
    for (const dir of metadata.directoryUrls) {
      const listing = await fetcher.get(dir);
      const problem = httpProblem(listing);
      if (problem !== null) verdict(14).fail(`${dir}: ${problem}`);
      const text = problem === null ? listing.body.toString('utf8') : '';
      const byFolder = new Map<string, string[]>();
      for (const f of retrieved) {
        if (f.url === null || !f.url.startsWith(dir)) continue;
        const folderUrl = f.url.slice(0, f.url.lastIndexOf('/') + 1);
        byFolder.set(folderUrl, [...(byFolder.get(folderUrl) ?? []), fileOf(f.url)]);
      }
      for (const [folderUrl, files] of byFolder) {
        const name = folderUrl.slice(dir.length).split('/')[0] ?? '';
        if (problem === null && name !== '' && !mentions(text, name)) verdict(14).fail(`${dir} does not list the folder ${name}/`);
        const folderListing = folderUrl === dir ? listing : await fetcher.get(folderUrl);
        const folderProblem = httpProblem(folderListing);
        if (folderProblem !== null) {
          if (folderUrl !== dir) verdict(14).fail(`${folderUrl}: ${folderProblem}`);
          continue;
        }
        const folderText = folderListing.body.toString('utf8');
        for (const file of files) if (!mentions(folderText, file)) verdict(14).fail(`${folderUrl} does not list ${file}`);
      }
    }
    if (!verdict(14).failed) passReason.set(14, 'the distribution folder and its year folders list their files');
  }
  if (metadata !== null && metadata.directoryUrls.length > 0) {
    if (!verdict(12).failed) passReason.set(12, `index.txt lists ${[...indexEntries.values()].reduce((n, l) => n + l.length, 0)} document(s), every one found`);
    if (!verdict(13).failed) passReason.set(13, `changes.csv lists ${[...changesRows.values()].reduce((n, l) => n + l.length, 0)} row(s), latest first, matching the documents`);
  }

  // Requirement 6: redirects (SHOULD NOT; only HTTP header redirects are allowed at all).
  if (fetcher.redirects.length > 0) {
    for (const r of fetcher.redirects.slice(0, MAX_DETAILS)) verdict(6).warn(`HTTP redirect ${r}: redirects SHOULD NOT be used`);
  }
  if (!verdict(6).failed) passReason.set(6, fetcher.redirects.length === 0 ? 'no redirect met' : `only HTTP header redirects (${fetcher.redirects.length}), which are allowed although they SHOULD NOT be used`);

  // Requirement 3: TLS, judged on everything actually downloaded.
  if (fetcher.httpUrls.size > 0) {
    const sample = [...fetcher.httpUrls].slice(0, 3).join(', ');
    failWith(3, `${fetcher.httpUrls.size} resource(s) were served over plain HTTP, without TLS (allowed only by --insecure-http), e.g. ${sample}`);
  } else if (fetcher.httpsUrls.size === 0) failWith(3, 'nothing could be downloaded, so TLS could not be confirmed');
  else passReason.set(3, `all ${fetcher.httpsUrls.size} resource(s) were served over HTTPS with a valid certificate`);
  if (options.allowHttp) notes.push('--insecure-http: plain HTTP was allowed; requirement 3 reports it.');
  if (fetcher.refusedHosts.size > 0) notes.push(`Not fetched (outside the checked site): ${[...fetcher.refusedHosts].join(', ')}. Use --allow-host to include them.`);
  if (!passReason.has(9) && !verdict(9).failed) verdict(9).fail('not found');
  if (options.allowHttp && parsed.url.protocol === 'http:') {
    for (const n of [8, 9] as RequirementNumber[]) if (passReason.has(n)) verdict(n).warn('checked over plain HTTP (--insecure-http): the requirement asks for HTTPS, see requirement 3');
  }

  // --- Assemble. ---
  const { all, oneOf } = requirementsForRole(role, distributions);
  const results: RequirementResult[] = ALL_REQUIREMENTS.map((n) => {
    const ver = verdict(n);
    const override = statusOverride.get(n);
    let status: RequirementStatus;
    let reason: string;
    if (override !== undefined && (override.status === 'fail' || !ver.failed)) {
      status = override.status;
      reason = override.reason;
    } else if (ver.failed) {
      status = 'fail';
      reason = `${ver.failureCount} problem(s)${ver.details[0] !== undefined ? `, first: ${ver.details[0]}` : ''}`;
    } else {
      status = 'pass';
      reason = passReason.get(n) ?? 'no problem found';
    }
    return { requirement: n, title: REQUIREMENT_TITLES[n], status, reason, details: status === 'fail' ? ver.details : [], warnings: ver.warnings, mandatory: all.includes(n) || oneOf.includes(n) };
  });
  const unmetRequirements = unmetForRole(role, distributions, results);
  return {
    target,
    providerMetadataUrl: metadataUrl,
    role,
    roleSource,
    results,
    unmetRequirements,
    isCompliant: unmetRequirements.length === 0,
    documentsChecked: findings.length,
    notes,
  };
}

/** Fetches and reads a provider-metadata.json; `metadata` is null when it is not even a JSON object. */
async function loadMetadataAt(fetcher: Fetcher, url: string): Promise<{ metadata: ProviderMetadata | null; problem: string | null; finalUrl: string }> {
  const outcome = await fetcher.get(url);
  const problem = httpProblem(outcome) ?? htmlRedirectProblem(outcome);
  if (problem !== null) return { metadata: null, problem, finalUrl: outcome.finalUrl };
  const json = parseJson(outcome.body);
  if (!json.ok) return { metadata: null, problem: `not JSON (${json.error})`, finalUrl: outcome.finalUrl };
  if (!isRecord(json.value)) return { metadata: null, problem: 'not a JSON object', finalUrl: outcome.finalUrl };
  return { metadata: readProviderMetadata(json.value, outcome.finalUrl), problem: null, finalUrl: outcome.finalUrl };
}

/** Reads the security.txt of an origin (RFC 9116: /.well-known/security.txt, then the legacy /security.txt). */
async function readSecurityTxt(fetcher: Fetcher, origin: string): Promise<{ url: string | null; rawEntries: string[]; csafUrls: string[]; problem: string | null }> {
  let problem: string | null = null;
  for (const url of [`${origin}/.well-known/security.txt`, `${origin}/security.txt`]) {
    const outcome = await fetcher.get(url);
    const p = httpProblem(outcome);
    if (p !== null) {
      problem ??= p;
      continue;
    }
    const rawEntries: string[] = [];
    for (const line of outcome.body.toString('utf8').split(/\r?\n/)) {
      const match = /^\s*CSAF\s*:\s*(\S+)\s*$/i.exec(line);
      if (match?.[1] !== undefined) rawEntries.push(match[1]);
    }
    const csafUrls = rawEntries.map((e) => safeResolve(e, url)).filter((u): u is string => u !== null);
    return { url, rawEntries, csafUrls, problem: null };
  }
  return { url: null, rawEntries: [], csafUrls: [], problem };
}

/** A feed entry as the checker needs it. */
interface FeedEntry {
  url: string | null;
  hashLinks: string[];
  signatureLinks: string[];
}

/** Reads a ROLIE feed (RFC 8322, JSON), reporting every structural problem to `verdict`. */
function readFeed(json: unknown, feedUrl: string, verdict: Verdict): FeedEntry[] {
  const feed = isRecord(json) ? json.feed : undefined;
  if (!isRecord(feed)) {
    verdict.fail(`${feedUrl}: not a ROLIE feed (no "feed" object)`);
    return [];
  }
  for (const member of ['id', 'title', 'updated'] as const) if (typeof feed[member] !== 'string') verdict.fail(`${feedUrl}: feed has no "${member}"`);
  const links = Array.isArray(feed.link) ? feed.link : [];
  if (!links.some((l) => isRecord(l) && l.rel === 'self')) verdict.fail(`${feedUrl}: feed has no link with rel "self"`);
  const categories = Array.isArray(feed.category) ? feed.category : [];
  if (!categories.some((c) => isRecord(c) && c.scheme === 'urn:ietf:params:rolie:category:information-type' && c.term === 'csaf')) {
    verdict.fail(`${feedUrl}: feed has no category urn:ietf:params:rolie:category:information-type = csaf`);
  }
  if (!Array.isArray(feed.entry)) {
    verdict.fail(`${feedUrl}: feed has no "entry" list`);
    return [];
  }
  const entries: FeedEntry[] = [];
  feed.entry.forEach((raw: unknown, i: number) => {
    const where = `${feedUrl} entry ${i + 1}`;
    if (!isRecord(raw)) {
      verdict.fail(`${where}: not an object`);
      return;
    }
    const label = typeof raw.id === 'string' ? `${where} (${truncate(raw.id)})` : where;
    for (const member of ['id', 'title', 'published', 'updated'] as const) if (typeof raw[member] !== 'string') verdict.fail(`${label}: no "${member}"`);
    const entryLinks = Array.isArray(raw.link) ? raw.link.filter(isRecord) : [];
    const hrefs = (rel: string): string[] => entryLinks.filter((l) => l.rel === rel && typeof l.href === 'string').map((l) => safeResolve(l.href as string, feedUrl)).filter((u): u is string => u !== null);
    for (const l of entryLinks) if (typeof l.rel !== 'string') verdict.fail(`${label}: link ${typeof l.href === 'string' ? truncate(l.href) : ''} has no "rel"${typeof l.ref === 'string' ? ` (it has "ref": "${l.ref}", a misspelling)` : ''}`);
    const self = hrefs('self')[0] ?? null;
    const content = isRecord(raw.content) && typeof raw.content.src === 'string' ? safeResolve(raw.content.src, feedUrl) : null;
    if (self === null) verdict.fail(`${label}: no link with rel "self"`);
    if (content === null) verdict.fail(`${label}: no content.src`);
    if (self !== null && content !== null && self !== content) verdict.fail(`${label}: content.src ${content} differs from the self link ${self}`);
    const format = isRecord(raw.format) ? raw.format : null;
    if (format === null || typeof format.schema !== 'string' || typeof format.version !== 'string') verdict.fail(`${label}: no format {schema, version}`);
    entries.push({ url: self ?? content, hashLinks: hrefs('hash'), signatureLinks: hrefs('signature') });
  });
  return entries;
}

/** The feed URLs a ROLIE service document lists. */
function readServiceHrefs(json: unknown, url: string, verdict: Verdict): string[] {
  const service = isRecord(json) ? json.service : undefined;
  const workspaces = isRecord(service) && Array.isArray(service.workspace) ? service.workspace : null;
  if (workspaces === null) {
    verdict.fail(`${url}: not a ROLIE service document (no service.workspace list)`);
    return [];
  }
  const hrefs: string[] = [];
  for (const w of workspaces) {
    const collections = isRecord(w) && Array.isArray(w.collection) ? w.collection : [];
    for (const c of collections) if (isRecord(c) && typeof c.href === 'string') hrefs.push(safeResolve(c.href, url) ?? c.href);
  }
  return hrefs;
}

/** Downloads one document and its hash and signature files, and checks what can be checked. */
async function examineDocument(fetcher: Fetcher, listed: ListedDocument, keys: openpgp.Key[]): Promise<DocumentFinding & { htmlRedirect: boolean }> {
  const finding: DocumentFinding & { htmlRedirect: boolean } = {
    listed,
    url: null,
    fetchError: null,
    foundAtFallback: false,
    json: null,
    parseError: null,
    validation: null,
    trackingId: null,
    initialReleaseDate: null,
    currentReleaseDate: null,
    tlp: null,
    hashProblems: [],
    hashesVerified: [],
    hashesNotListed: [],
    signatureProblem: null,
    signatureNotListed: false,
    signatureVerified: false,
    htmlRedirect: false,
  };
  let outcome: FetchOutcome | null = null;
  for (const [i, candidate] of listed.candidates.entries()) {
    const attempt = await fetcher.get(candidate);
    if (httpProblem(attempt) === null) {
      outcome = attempt;
      finding.url = attempt.finalUrl;
      finding.foundAtFallback = i > 0;
      break;
    }
    if (i === 0) finding.fetchError = httpProblem(attempt);
  }
  if (outcome === null || finding.url === null) return finding;
  finding.fetchError = null;
  const label = fileOf(finding.url);
  finding.htmlRedirect = htmlRedirectProblem(outcome) !== null;
  const bytes = outcome.body;

  const json = parseJson(bytes);
  if (!json.ok) finding.parseError = json.error;
  else if (!isRecord(json.value)) finding.parseError = 'not a JSON object';
  else {
    finding.json = json.value;
    finding.validation = await validateForChecker(json.value);
    const document = isRecord(json.value.document) ? json.value.document : {};
    const tracking = isRecord(document.tracking) ? document.tracking : {};
    finding.trackingId = typeof tracking.id === 'string' ? tracking.id : null;
    finding.initialReleaseDate = typeof tracking.initial_release_date === 'string' ? tracking.initial_release_date : null;
    finding.currentReleaseDate = typeof tracking.current_release_date === 'string' ? tracking.current_release_date : null;
    const distribution = isRecord(document.distribution) ? document.distribution : {};
    const tlp = isRecord(distribution.tlp) ? distribution.tlp : {};
    finding.tlp = typeof tlp.label === 'string' ? tlp.label.toUpperCase() : null;
  }

  // Requirement 18: hash files, listed in the feed or next to the document.
  const conventional = ['sha256', 'sha512'].map((ext) => `${finding.url ?? ''}.${ext}`);
  const isFeedListed = [...listed.sources].some((s) => s.startsWith('feed '));
  const hashUrls = [...new Set([...listed.hashLinks, ...conventional])];
  for (const hashUrl of hashUrls) {
    const ext = hashUrl.slice(hashUrl.lastIndexOf('.') + 1).toLowerCase();
    const hashOutcome = await fetcher.get(hashUrl);
    const wasListed = listed.hashLinks.includes(hashUrl);
    if (httpProblem(hashOutcome) !== null) {
      if (wasListed) finding.hashProblems.push(`${label}: hash file ${hashUrl} listed in the feed: ${httpProblem(hashOutcome) ?? ''}`);
      continue;
    }
    if (isFeedListed && !wasListed) finding.hashesNotListed.push(hashUrl);
    const algorithm = HASH_ALGORITHMS[ext];
    if (algorithm === undefined) {
      finding.hashProblems.push(`${label}: ${fileOf(hashUrl)}: unknown hash algorithm "${ext}"${ext === 'md5' || ext === 'sha1' ? ' (MD5 and SHA1 SHOULD NOT be used)' : ''}`);
      continue;
    }
    const text = hashOutcome.body.toString('utf8');
    const match = /^([0-9a-fA-F]+)(?:\s+\*?(\S+))?/.exec(text);
    const expected = createHash(algorithm).update(bytes).digest('hex');
    if (match?.[1] === undefined) finding.hashProblems.push(`${label}: ${fileOf(hashUrl)} does not start with a hexadecimal hash`);
    else if (match[1].toLowerCase() !== expected) finding.hashProblems.push(`${label}: ${ext.toUpperCase()} mismatch (file says ${match[1].slice(0, 16)}…, document hashes to ${expected.slice(0, 16)}…)`);
    else finding.hashesVerified.push(ext);
  }
  if (finding.hashesVerified.length === 0 && finding.hashProblems.length === 0) finding.hashProblems.push(`${label}: no hash file (.sha256 or .sha512) found`);

  // Requirement 19: the OpenPGP signature, verified with the keys of provider-metadata.json.
  const signatureUrl = listed.signatureLinks[0] ?? `${finding.url}.asc`;
  const signatureOutcome = await fetcher.get(signatureUrl);
  const signatureProblem = httpProblem(signatureOutcome);
  if (signatureProblem !== null) {
    finding.signatureProblem = `${label}: no signature file ${fileOf(signatureUrl)} (${signatureProblem})`;
  } else {
    if (isFeedListed && listed.signatureLinks.length === 0) finding.signatureNotListed = true;
    finding.signatureProblem = await verifySignature(bytes, signatureOutcome.body, keys, label);
    finding.signatureVerified = finding.signatureProblem === null;
  }
  return finding;
}

/** Null when `signature` is a valid detached OpenPGP signature of `bytes` by one of `keys`; else why not. */
async function verifySignature(bytes: Buffer, signatureBytes: Buffer, keys: openpgp.Key[], label: string): Promise<string | null> {
  let signature: openpgp.Signature;
  try {
    const text = signatureBytes.toString('utf8');
    signature = text.includes('-----BEGIN PGP SIGNATURE-----') ? await openpgp.readSignature({ armoredSignature: text }) : await openpgp.readSignature({ binarySignature: new Uint8Array(signatureBytes) });
  } catch (err) {
    return `${label}: the .asc file is not an OpenPGP signature (${errorText(err)})`;
  }
  const issuers = signature.getSigningKeyIDs().map((id) => id.toHex().toUpperCase());
  if (keys.length === 0) return `${label}: signature by key ${issuers.join(', ') || '?'} cannot be verified: no public key was loaded from provider-metadata.json`;
  try {
    const message = await openpgp.createMessage({ binary: new Uint8Array(bytes) });
    const result = await openpgp.verify({ message, signature, verificationKeys: keys, expectSigned: false });
    for (const s of result.signatures) {
      try {
        if (await s.verified) return null;
      } catch {
        // Tried below: one failing signature packet does not hide a valid one.
      }
    }
    const first = result.signatures[0];
    if (first === undefined) return `${label}: the signature file holds no signature`;
    try {
      await first.verified;
    } catch (err) {
      const message = errorText(err);
      if (/could not find signing key/i.test(message)) return `${label}: signed by key ${issuers.join(', ')}, which is not among the keys of provider-metadata.json`;
      return `${label}: BAD signature (${message})`;
    }
    return `${label}: signature not verified`;
  } catch (err) {
    return `${label}: signature not verified (${errorText(err)})`;
  }
}

async function readAnyKey(bytes: Buffer): Promise<openpgp.Key | null> {
  try {
    const text = bytes.toString('utf8');
    if (text.includes('-----BEGIN PGP')) return await openpgp.readKey({ armoredKey: text });
    return await openpgp.readKey({ binaryKey: new Uint8Array(bytes) });
  } catch {
    return null;
  }
}

/** Null for a 200 answer; otherwise why the resource is not usable. */
function httpProblem(outcome: FetchOutcome): string | null {
  if (outcome.error !== null) return outcome.error;
  if (outcome.status === 200) return null;
  if (outcome.status === 404) return 'not found (404)';
  if (outcome.status === 401 || outcome.status === 403) return `access refused (${outcome.status})`;
  return `HTTP ${outcome.status}`;
}

/** An HTML page that redirects by meta refresh or script, served where a file was expected. */
function htmlRedirectProblem(outcome: FetchOutcome): string | null {
  if (outcome.error !== null || outcome.status !== 200) return null;
  const head = outcome.body.subarray(0, 4096).toString('utf8');
  if (/^\s*</.test(head) && /http-equiv\s*=\s*["']?refresh|window\.location/i.test(head)) return 'an HTML page redirecting by meta refresh or script (only HTTP header redirects are allowed)';
  return null;
}

function parseJson(bytes: Buffer): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch (err) {
    return { ok: false, error: errorText(err) };
  }
}

/** One CSV line of two fields, quoted (RFC 4180) or not; null when malformed. */
export function parseCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) return null;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i];
        i++;
      }
      fields.push(value);
      if (i < line.length && line[i] !== ',') return null;
      i++;
    } else {
      const end = line.indexOf(',', i);
      const value = end === -1 ? line.slice(i) : line.slice(i, end);
      if (value.includes('"')) return null;
      fields.push(value.trim());
      if (end === -1) break;
      i = end + 1;
    }
  }
  return fields;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
  return results;
}

function fileOf(url: string): string {
  const path = url.split(/[?#]/)[0] ?? '';
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
}

function folderOf(url: string): string {
  const parts = (url.split(/[?#]/)[0] ?? '').split('/');
  return parts[parts.length - 2] ?? '';
}

function dirOf(url: string): string {
  return url.slice(0, url.lastIndexOf('/') + 1);
}

function relativeTo(url: string, dir: string): string {
  return url.startsWith(dir) ? url.slice(dir.length) : url;
}

function mentions(listing: string, name: string): boolean {
  return listing.includes(`"${name}`) || listing.includes(`'${name}`) || listing.includes(`/${name}`) || listing.includes(`>${name}`) || listing.split(/\s+/).includes(name);
}

function truncate(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
