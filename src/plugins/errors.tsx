import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, type FieldError, type FieldMessage, errorStatus } from '#src/core/errors';
import { createTranslator, defaultLocale } from '#src/core/i18n/i18n';
import type { Messages } from '#src/core/i18n/i18n';
import { PublicPage } from '#src/web/layout';
import { pageContext } from '#src/web/page-context';

interface AjvLikeError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

function pathToField(instancePath: string, context: string | undefined): string {
  const parts = instancePath.split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (parts.length > 0) return parts.join('.');
  return context ?? 'body';
}

/** Maps schema validation errors to field errors that name the field and say what is wrong. */
export function fieldErrorsFromValidation(errors: readonly AjvLikeError[], context: string | undefined): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const base = pathToField(e.instancePath, context);
    const join = (name: unknown): string => (e.instancePath ? `${base}.${String(name)}` : String(name));
    let message: FieldMessage = 'invalid';
    let field = base;
    let params: Record<string, string | number> | undefined;
    switch (e.keyword) {
      case 'required':
        field = join(e.params.missingProperty);
        message = 'required';
        break;
      case 'additionalProperties':
        field = join(e.params.additionalProperty);
        message = 'unknown_field';
        break;
      case 'type':
        message = 'invalid_type';
        break;
      case 'minLength':
        message = 'too_short';
        params = { min: Number(e.params.limit) };
        break;
      case 'maxLength':
        message = 'too_long';
        params = { max: Number(e.params.limit) };
        break;
      case 'minItems':
        message = 'too_short';
        params = { min: Number(e.params.limit) };
        break;
      case 'maxItems':
        message = 'too_long';
        params = { max: Number(e.params.limit) };
        break;
      case 'minimum':
      case 'exclusiveMinimum':
        message = 'too_small';
        params = { min: Number(e.params.limit) };
        break;
      case 'maximum':
      case 'exclusiveMaximum':
        message = 'too_large';
        params = { max: Number(e.params.limit) };
        break;
      case 'format':
        message = e.params.format === 'email' ? 'invalid_email' : 'invalid_format';
        break;
      case 'pattern':
        message = 'invalid_format';
        break;
      case 'enum':
      case 'const':
      case 'anyOf':
      case 'oneOf':
        message = 'invalid_choice';
        break;
      default:
        message = 'invalid';
    }
    if (!out.some((o) => o.field === field)) out.push(params ? { field, message, params } : { field, message });
  }
  return out;
}

/**
 * A unique constraint refused a write that the use case's own check let through (two concurrent requests):
 * answered as a conflict, never as an internal error.
 */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Turns any thrown value into an AppError; unknown errors become `internal` and are logged in full. */
export function toAppError(error: unknown, request: FastifyRequest): AppError {
  if (error instanceof AppError) return error;
  const fe = error as FastifyError & { validation?: AjvLikeError[]; validationContext?: string };
  if (fe.validation) return new AppError('validation_failed', fieldErrorsFromValidation(fe.validation, fe.validationContext));
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', [{ field: 'body', message: 'too_large' }]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', [{ field: 'content-type', message: 'invalid_choice' }]);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('validation_failed', [{ field: 'body', message: 'invalid_format' }]);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('malformed_request', [{ field: 'content-length', message: 'invalid' }]);
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return new AppError('malformed_request');
  }
  if (fe.statusCode === 429) return new AppError('rate_limited');
  if (isUniqueViolation(error)) return new AppError('conflict');
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = (Object.entries(errorStatus).find(([, s]) => s === fe.statusCode)?.[0] ?? 'malformed_request') as ErrorCode;
    return new AppError(code);
  }
  request.log.error({ err: error }, 'unhandled error');
  return new AppError('internal');
}

interface ErrorPageProps {
  request: FastifyRequest;
  siteName: string;
  error: AppError;
}

function ErrorPage({ request, siteName, error }: ErrorPageProps) {
  const page = pageContext(request, siteName);
  const t = page.i18n.t;
  const message = error.detail === 'csrf' ? t('error.csrf') : t(`error.${error.code}`);
  return (
    <PublicPage page={page} title={t('error.page_title')} noindex>
      <h1>{message}</h1>
      {error.fields.length > 0 ? (
        <ul>
          {error.fields.map((f) => (
            <li>
              <code>{f.field}</code> : {t(`field.${f.message}`, f.params)}
            </li>
          ))}
        </ul>
      ) : null}
      <p>
        <a href="/">{t('error.back_home')}</a>
      </p>
    </PublicPage>
  );
}

export interface ErrorPluginOptions {
  siteName: string;
  publicUrl: string;
  catalogue: Messages<string>;
  timezone: string;
}

/** Sends an AppError as RFC 9457 problem+json (API) or as a localised error page (HTML). */
export function sendError(reply: FastifyReply, request: FastifyRequest, error: AppError, options: ErrorPluginOptions): FastifyReply {
  // Errors raised before the request was fully set up (e.g. in a parser) still get a translated answer.
  request.i18n ??= createTranslator(options.catalogue, defaultLocale, options.timezone);
  request.auth ??= { kind: 'anonymous' };
  for (const [k, v] of Object.entries(error.headers)) reply.header(k, v);
  const t = request.i18n.t;
  const wantsJson = request.isApi || (request.headers.accept ?? '').includes('application/json') || request.url.startsWith('/.well-known/');
  reply.status(error.status);
  if (wantsJson) {
    const body: Record<string, unknown> = {
      type: `${options.publicUrl}/api/docs#problem-${error.code}`,
      title: error.detail === 'csrf' ? t('error.csrf') : t(`error.${error.code}`),
      status: error.status,
      code: error.code,
      instance: request.url.split('?')[0],
      requestId: request.id,
    };
    if (error.fields.length > 0) {
      body.errors = error.fields.map((f) => ({ field: f.field, code: f.message, message: t(`field.${f.message}`, f.params) }));
      body.detail = error.fields.map((f) => `${f.field}: ${t(`field.${f.message}`, f.params)}`).join('; ');
    }
    return reply.type('application/problem+json; charset=utf-8').send(JSON.stringify(body));
  }
  return reply.page(<ErrorPage request={request} siteName={options.siteName} error={error} />, error.status);
}

/** Error and not-found handlers: never a stack trace or internal detail in a 5xx answer. */
export function registerErrorHandlers(app: FastifyInstance, options: ErrorPluginOptions): void {
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error, request);
    if (appError.status >= 500) request.log.error({ err: error, code: appError.code }, 'request failed');
    return sendError(reply, request, appError, options);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, request, new AppError('not_found'), options));
}
