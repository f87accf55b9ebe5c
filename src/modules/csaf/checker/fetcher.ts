/** The checker's only way to the network: bounded in time, size, hosts and redirects; never throws. */

/** The outcome of one GET. `error` is set when no usable HTTP answer arrived (refused, timeout, too large). */
export interface FetchOutcome {
  url: string;
  /** The URL that answered, after HTTP redirects. */
  finalUrl: string;
  /** 0 when no HTTP answer arrived. */
  status: number;
  contentType: string;
  body: Buffer;
  /** Each redirect followed: "from → to (status)". */
  redirects: string[];
  error: string | null;
}

/** How many HTTP redirects are followed before giving up. */
const MAX_REDIRECTS = 5;

export interface FetcherOptions {
  allowHttp: boolean;
  timeoutMs: number;
  maxBytes: number;
  /** host[:port] values that may be fetched. */
  allowedHosts: Set<string>;
}

/** Fetches resources once each (cached by URL), remembering every redirect and every plain-HTTP location. */
export class Fetcher {
  private readonly cache = new Map<string, Promise<FetchOutcome>>();
  /** Every redirect seen during the run. */
  readonly redirects: string[] = [];
  /** URLs refused because their host is outside the checked site. */
  readonly refusedHosts = new Set<string>();
  /** Plain-HTTP URLs fetched (allowed by option) and https URLs seen. */
  readonly httpUrls = new Set<string>();
  readonly httpsUrls = new Set<string>();

  constructor(readonly options: FetcherOptions) {}

  /** Allows one more host (the DNS path host, the host the metadata was found on). */
  allowHost(host: string): void {
    this.options.allowedHosts.add(host.toLowerCase());
  }

  /** GET `url` (cached). Never rejects: every problem is in `error` or `status`. */
  get(url: string): Promise<FetchOutcome> {
    let pending = this.cache.get(url);
    if (pending === undefined) {
      pending = this.fetchOnce(url);
      this.cache.set(url, pending);
    }
    return pending;
  }

  private async fetchOnce(url: string): Promise<FetchOutcome> {
    const outcome: FetchOutcome = { url, finalUrl: url, status: 0, contentType: '', body: Buffer.alloc(0), redirects: [], error: null };
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const refusal = this.refusal(current);
      if (refusal !== null) return { ...outcome, finalUrl: current, error: refusal };
      let response: Response;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
      try {
        response = await fetch(current, { redirect: 'manual', signal: controller.signal, headers: { accept: '*/*', 'user-agent': 'ribat-csaf-checker' } });
        if (response.status >= 300 && response.status < 400 && response.headers.get('location') !== null) {
          await response.body?.cancel().catch(() => undefined);
          const next = safeResolve(response.headers.get('location') ?? '', current);
          if (next === null) return { ...outcome, finalUrl: current, status: response.status, error: 'redirect to an invalid location' };
          const hopText = `${current} → ${next} (${response.status})`;
          outcome.redirects.push(hopText);
          this.redirects.push(hopText);
          current = next;
          continue;
        }
        this.record(current);
        const body = await readLimited(response, this.options.maxBytes);
        if (body === null) return { ...outcome, finalUrl: current, status: response.status, error: `larger than ${this.options.maxBytes} bytes` };
        return { ...outcome, finalUrl: current, status: response.status, contentType: response.headers.get('content-type') ?? '', body };
      } catch (err) {
        const message = controller.signal.aborted ? `no answer within ${this.options.timeoutMs} ms` : describeError(err);
        return { ...outcome, finalUrl: current, error: message };
      } finally {
        clearTimeout(timer);
      }
    }
    return { ...outcome, finalUrl: current, error: `more than ${MAX_REDIRECTS} redirects` };
  }

  private refusal(url: string): string | null {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'not a valid URL';
    }
    if (parsed.protocol === 'http:' && !this.options.allowHttp) return 'plain http:// URL: not fetched (use --insecure-http to allow)';
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `unsupported scheme ${parsed.protocol}`;
    if (!this.options.allowedHosts.has(parsed.host.toLowerCase())) {
      this.refusedHosts.add(parsed.host.toLowerCase());
      return `host ${parsed.host} is outside the checked site: not fetched (use --allow-host ${parsed.host})`;
    }
    return null;
  }

  private record(url: string): void {
    if (url.startsWith('http:')) this.httpUrls.add(url);
    else this.httpsUrls.add(url);
  }
}

/** Resolves `ref` against `base`; null when it is not a valid URL. */
export function safeResolve(ref: string, base: string): string | null {
  try {
    return new URL(ref, base).toString();
  } catch {
    return null;
  }
}

/** Reads a response body, giving up (null) past `maxBytes`. */
async function readLimited(response: Response, maxBytes: number): Promise<Buffer | null> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return null;
  }
  if (response.body === null) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) {
      const code = (cause as NodeJS.ErrnoException).code;
      return code !== undefined ? `${cause.message} (${code})` : cause.message;
    }
    return err.message;
  }
  return String(err);
}
