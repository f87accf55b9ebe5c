import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths removed from every log line: credentials, tokens and personal data. Structured logs keep request
 * ids, routes and status codes, which is what an operator needs.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.token',
  '*.secret',
  '*.code',
  '*.email',
  '*.phone',
  '*.smtpUrl',
  '*.databaseUrl',
  'password',
  'token',
  'secret',
  'email',
];

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const secretLike = /^[A-Za-z0-9_-]{20,}$/;

/**
 * Masks secrets carried in URLs: one-time links (/setup/…, /activate/…, /password/reset/…) put a bearer
 * token in the path, so any long token-like path segment or query value is replaced; record ids (UUIDs) stay.
 */
export function redactUrl(url: string): string {
  const [path = '', query] = url.split('?', 2);
  const maskedPath = path
    .split('/')
    .map((segment) => (secretLike.test(segment) && !uuid.test(segment) ? '[redacted]' : segment))
    .join('/');
  if (query === undefined) return maskedPath;
  const params = query.split('&').map((pair) => {
    const [key = '', value = ''] = pair.split('=', 2);
    return /token|secret|code|password|cursor/i.test(key) || (secretLike.test(value) && !uuid.test(value)) ? `${key}=[redacted]` : pair;
  });
  return `${maskedPath}?${params.join('&')}`;
}

/** Truncates a client address to its network (IPv4 /24, IPv6 /48): enough to spot abuse, not a person. */
export function truncateAddress(address: string): string {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(address)) return address.replace(/\.\d+$/, '.0');
  const v4mapped = /^::ffff:(\d+\.\d+\.\d+)\.\d+$/i.exec(address);
  if (v4mapped) return `::ffff:${v4mapped[1]}.0`;
  if (address.includes(':')) return `${address.split(':').slice(0, 3).join(':')}::`;
  return address;
}

interface LoggedRequest {
  url?: unknown;
  remoteAddress?: unknown;
  [key: string]: unknown;
}

/** The application logger: JSON lines with secrets and personal data redacted. */
export function createLogger(level: LoggerOptions['level'], destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    base: { service: 'ribat' },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: {
      // Replaces Fastify's request serializer: method, route and host, with secrets in the URL masked and
      // the client address truncated.
      req(req: LoggedRequest & { method?: unknown; ip?: unknown; socket?: { remoteAddress?: unknown }; headers?: Record<string, unknown> }) {
        const address = typeof req.ip === 'string' ? req.ip : typeof req.remoteAddress === 'string' ? req.remoteAddress : req.socket?.remoteAddress;
        return {
          method: req.method,
          url: typeof req.url === 'string' ? redactUrl(req.url) : undefined,
          host: req.headers?.host,
          remoteAddress: typeof address === 'string' ? truncateAddress(address) : undefined,
        };
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
