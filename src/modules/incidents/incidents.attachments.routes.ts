import type { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import type { IncidentAttachment } from '#src/modules/incidents/incidents.types';
import type { AttachmentDownload } from '#src/modules/incidents/attachments/read-attachment';
import { AppError } from '#src/core/errors';
import { attachmentLimits } from '#src/modules/incidents/attachments/attachment-store';
import { addAttachment, addReporterAttachment, attachmentTooLargeError } from '#src/modules/incidents/attachments/add-attachment';
import { readAttachment, readAttachmentByTrackingToken } from '#src/modules/incidents/attachments/read-attachment';

const tags = ['incidents'];
const IncidentParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const AttachmentParams = Type.Object({ id: Type.String({ maxLength: 64 }), attachmentId: Type.String({ maxLength: 64 }) });
const TrackingParams = Type.Object({ token: Type.String({ maxLength: 200 }), attachmentId: Type.String({ maxLength: 64 }) });

/** What an upload answers to a client that asks for JSON (browsers are redirected to the incident page instead). */
const AttachmentJson = Type.Object({
  id: Type.String(),
  incidentId: Type.String(),
  visibility: Type.Union([Type.Literal('internal'), Type.Literal('shared')]),
  fileName: Type.String(),
  mediaType: Type.String(),
  size: Type.Integer(),
  sha256: Type.String(),
  uploaderLabel: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

/** Room left in a multipart body for the fields and part headers around the file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
/** How much of a multipart body is read, at most, to find a `_csrf` first field. */
const CSRF_PEEK_BYTES = 4096;

/**
 * The Content-Security-Policy of a download: should a browser ever render one despite the other headers, the
 * document runs no script, loads nothing, and sits in a unique origin (`sandbox`).
 */
export const downloadContentSecurityPolicy = "sandbox; default-src 'none'";

/**
 * `Content-Disposition` of a download: always `attachment` (never rendered inline), with an ASCII fallback name and
 * the exact name in RFC 8187 form (`filename*=UTF-8''…`) for the browsers that read it.
 */
export function contentDisposition(fileName: string): string {
  const ascii =
    fileName
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^\x20-\x7e]/g, '_')
      .replace(/["\\%]/g, '_') || 'attachment';
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** The boundary of a `multipart/form-data` content type, or null when the header is not one. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (contentType === undefined || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2] ?? null;
}

/**
 * Reads the `_csrf` field when it is the first part of a multipart body, as an HTML form sends it (the hidden field
 * placed first). `complete` is false while more bytes are needed to decide; `token` is null when the first part is
 * anything else (the request is then refused by the CSRF check, unless it carries the `x-csrf-token` header).
 */
export function firstCsrfField(prefix: Buffer, boundary: string): { complete: boolean; token: string | null } {
  const text = prefix.toString('latin1');
  const opening = `--${boundary}\r\n`;
  if (text.length < opening.length) return { complete: !opening.startsWith(text), token: null };
  if (!text.startsWith(opening)) return { complete: true, token: null };
  const headersEnd = text.indexOf('\r\n\r\n', opening.length);
  if (headersEnd === -1) return { complete: false, token: null };
  const headers = text.slice(opening.length, headersEnd).split('\r\n');
  const isCsrfField = headers.some((h) => /^content-disposition\s*:\s*form-data\s*;\s*name="_csrf"\s*$/i.test(h));
  if (!isCsrfField || headers.some((h) => /^content-type\s*:/i.test(h) && !/^content-type\s*:\s*text\/plain\b/i.test(h))) return { complete: true, token: null };
  const valueEnd = text.indexOf(`\r\n--${boundary}`, headersEnd + 4);
  if (valueEnd === -1) return { complete: false, token: null };
  const value = text.slice(headersEnd + 4, valueEnd);
  return { complete: true, token: /^[\x21-\x7e]{1,200}$/.test(value) ? value : null };
}

/**
 * Reads the beginning of a stream until `isComplete` says enough is known of its first `limit` bytes or that many are
 * read, then puts every byte read back (`unshift`) so the multipart parser reads the body whole. Resolves null when the body ended first (the
 * bytes are then dropped: such a body never holds a complete first field, so the request is refused anyway).
 */
function peekStream(stream: Readable, limit: number, isComplete: (prefix: Buffer) => boolean): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const cleanup = (): void => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onEnd);
    };
    function onReadable(): void {
      for (let chunk = stream.read() as Buffer | null; chunk !== null; chunk = stream.read() as Buffer | null) {
        chunks.push(chunk);
        length += chunk.length;
        const read = Buffer.concat(chunks, length);
        const prefix = read.subarray(0, limit);
        // Decide on the prefix first: a single chunk may hold the whole body, the field and far more than the limit.
        if (isComplete(prefix) || length >= limit) {
          cleanup();
          stream.unshift(read);
          resolve(prefix);
          return;
        }
      }
    }
    function onEnd(): void {
      cleanup();
      resolve(null);
    }
    function onError(err: Error): void {
      cleanup();
      reject(err);
    }
    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onEnd);
  });
}

/**
 * Prepares a multipart upload before the application's CSRF check (which runs at preValidation and reads the token
 * from the `_csrf` field of a parsed form or from the `x-csrf-token` header). A multipart body is only parsed later,
 * by the handler, as a stream; so when the header is absent, the `_csrf` field that the HTML form sends first is read
 * here, from the first bytes of the body (put back for the parser), and handed to the CSRF check as the header. The
 * CSRF check itself is unchanged and still compares the token with the browser's: a request without a valid token,
 * in the header or as the first field, is refused 403. A body declared larger than the limit is refused at once.
 */
async function prepareMultipartUpload(request: FastifyRequest): Promise<void> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > attachmentLimits.maxBytes + MULTIPART_OVERHEAD_BYTES) throw attachmentTooLargeError(request.ctx.locale);
  const boundary = multipartBoundary(request.headers['content-type']);
  if (boundary === null || request.headers['x-csrf-token'] !== undefined) return;
  let token: string | null = null;
  const prefix = await peekStream(request.raw, CSRF_PEEK_BYTES, (bytes) => {
    const found = firstCsrfField(bytes, boundary);
    token = found.token;
    return found.complete;
  });
  if (prefix !== null && token !== null) request.headers['x-csrf-token'] = token;
}

/** A file part as received. */
interface UploadedFile {
  fileName: string;
  mediaType: string;
  content: Buffer;
}

/** What an upload form sent: its text fields and its file part named `file` (null when none). */
interface Upload {
  fields: Map<string, string>;
  file: UploadedFile | null;
}

/** Turns a failure of the multipart stream into a client error naming what is wrong (never a 500). */
function uploadError(err: unknown, request: FastifyRequest): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return attachmentTooLargeError(request.ctx.locale);
    case 'FST_FILES_LIMIT':
      return new AppError('payload_too_large', [{ field: 'file', message: 'too_long', params: { max: 1 } }]);
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new AppError('payload_too_large', [{ field: 'body', message: 'too_large', params: { max: 10 } }]);
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new AppError('unsupported_media_type', [{ field: 'content-type', message: 'invalid_choice' }]);
    default:
      // Anything else the parser raises (no boundary, truncated or malformed parts, a prototype key as a name) is the
      // body's fault: the stream being parsed is the request's own.
      return new AppError('malformed_request', [{ field: 'body', message: 'invalid_format' }]);
  }
}

/**
 * Reads a multipart upload: text fields (the `_csrf` field included, already checked) and the one file part named
 * `file`, buffered up to the size limit (the parser stops counting past it and the upload is refused 413). Any other
 * body type is refused 415.
 */
async function readUpload(request: FastifyRequest): Promise<Upload> {
  if (!request.isMultipart()) throw new AppError('unsupported_media_type', [{ field: 'content-type', message: 'invalid_choice' }]);
  const fields = new Map<string, string>();
  let file: UploadedFile | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || file !== null) {
          part.file.resume();
          throw AppError.field(part.fieldname === 'file' ? 'file' : part.fieldname, part.fieldname === 'file' ? 'too_long' : 'unknown_field', part.fieldname === 'file' ? { max: 1 } : undefined);
        }
        file = { fileName: part.filename, mediaType: part.mimetype, content: await part.toBuffer() };
      } else if (typeof part.value === 'string' && !fields.has(part.fieldname)) {
        fields.set(part.fieldname, part.value);
      }
    }
  } catch (err) {
    throw uploadError(err, request);
  }
  return { fields, file };
}

function wantsJson(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('application/json');
}

function toAttachmentJson(a: IncidentAttachment) {
  return { id: a.id, incidentId: a.incidentId, visibility: a.visibility, fileName: a.fileName, mediaType: a.mediaType, size: a.size, sha256: a.sha256, uploaderLabel: a.uploaderLabel, createdAt: a.createdAt.toISOString() };
}

/**
 * Sends an attachment as a download that no browser renders: always `application/octet-stream` (never the recorded
 * type), `Content-Disposition: attachment`, `nosniff`, never cached, and its SHA-256 as the ETag. The sandboxing
 * Content-Security-Policy is set by the route's onSend hook, after the application's default policy.
 */
function sendDownload(reply: FastifyReply, { attachment, content }: AttachmentDownload): FastifyReply {
  return reply
    .header('content-type', 'application/octet-stream')
    .header('content-disposition', contentDisposition(attachment.fileName))
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .header('etag', `"${attachment.sha256}"`)
    .send(content);
}

/** Replaces the application's page policy by the download policy on successful downloads (errors keep their page's). */
async function downloadHeaders(_request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  if (reply.statusCode === 200) reply.header('content-security-policy', downloadContentSecurityPolicy);
  return payload;
}

/**
 * Incidents: evidence upload (console for handlers, portal for constituents) and download (console, portal, and the
 * public reporter's tracking link). Multipart parsing exists only inside this module's own encapsulated context, for
 * the two upload routes: no other route accepts multipart bodies.
 */
export async function incidentsAttachmentRoutes(app: App, services: AppServices): Promise<void> {
  const { database, config } = services;

  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    await scope.register(multipart, {
      throwFileSizeLimit: true,
      limits: { fileSize: attachmentLimits.maxBytes, files: 1, fields: 10, parts: 12, fieldSize: 8 * 1024, fieldNameSize: 100, headerPairs: 20 },
    });
    scope.addHook('preParsing', async (request, _reply, payload) => {
      if (request.method === 'POST') await prepareMultipartUpload(request);
      return payload;
    });

    scope.post(
      '/console/incidents/:id/attachments',
      { config: { access: { permission: 'incidents:handle' } }, schema: { hide: true, tags, params: IncidentParams, response: { 201: AttachmentJson } } },
      async (request, reply) => {
        const upload = await readUpload(request);
        const attachment = await addAttachment(database, config, request.ctx, request.params.id, {
          fileName: upload.file?.fileName,
          mediaType: upload.file?.mediaType,
          content: upload.file?.content ?? Buffer.alloc(0),
          visibility: upload.fields.get('visibility') ?? 'internal',
        });
        if (wantsJson(request)) return reply.status(201).send(toAttachmentJson(attachment));
        return reply.redirect(`/console/incidents/${encodeURIComponent(attachment.incidentId)}#attachments`, 303);
      },
    );

    scope.post(
      '/portal/incidents/:id/attachments',
      { config: { access: { permission: 'incidents:report' } }, schema: { hide: true, tags, params: IncidentParams, response: { 201: AttachmentJson } } },
      async (request, reply) => {
        const upload = await readUpload(request);
        const attachment = await addReporterAttachment(database, config, request.ctx, request.params.id, {
          fileName: upload.file?.fileName,
          mediaType: upload.file?.mediaType,
          content: upload.file?.content ?? Buffer.alloc(0),
        });
        if (wantsJson(request)) return reply.status(201).send(toAttachmentJson(attachment));
        return reply.redirect(`/portal/incidents/${encodeURIComponent(attachment.incidentId)}#attachments`, 303);
      },
    );
  });

  app.get(
    '/console/incidents/:id/attachments/:attachmentId',
    { config: { access: { permission: 'incidents:read' }, formless: true }, schema: { hide: true, tags, params: AttachmentParams }, onSend: downloadHeaders },
    async (request, reply) => sendDownload(reply, await readAttachment(database, config, request.ctx, request.params.id, request.params.attachmentId)),
  );

  app.get(
    '/portal/incidents/:id/attachments/:attachmentId',
    { config: { access: { permission: 'incidents:follow' }, formless: true }, schema: { hide: true, tags, params: AttachmentParams }, onSend: downloadHeaders },
    async (request, reply) => sendDownload(reply, await readAttachment(database, config, request.ctx, request.params.id, request.params.attachmentId)),
  );

  app.get(
    '/report/track/:token/attachments/:attachmentId',
    { config: { access: 'public', formless: true }, schema: { hide: true, tags, params: TrackingParams }, onSend: downloadHeaders },
    async (request, reply) => sendDownload(reply, await readAttachmentByTrackingToken(database, config, request.params.token, request.params.attachmentId)),
  );
}
