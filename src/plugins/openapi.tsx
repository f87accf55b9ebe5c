import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { errorStatus } from '#src/core/errors';
import { PublicPage } from '#src/web/layout';
import { pageContext } from '#src/web/page-context';

interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
}

interface OpenApiOperation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
  security?: unknown[];
}

/** Registers OpenAPI 3.1 generation from the route schemas of /api/v1 (other routes are hidden). */
export async function registerOpenApi(app: FastifyInstance, options: { publicUrl: string; version: string }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Ribat API',
        version: options.version,
        description:
          'JSON API of Ribat. Authenticate with `Authorization: Bearer <token>` (create a token in your account or with `ribat token create`). ' +
          'Lists use cursor pagination (`limit`, `cursor`; follow `nextCursor`). Errors are RFC 9457 problem details. ' +
          'Creations accept an `Idempotency-Key` header: a retry with the same key and body returns the first answer.',
      },
      servers: [{ url: options.publicUrl }],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearerAuth: [] }],
    },
    transform: ({ schema, url }) => {
      const isApi = url.startsWith('/api/v1/');
      return { schema: { ...(schema as object), hide: !isApi || (schema as { hide?: boolean } | undefined)?.hide === true }, url };
    },
  });
}

/** The machine-readable document and a self-hosted, script-free reference page. */
export function registerOpenApiRoutes(app: FastifyInstance, siteName: string): void {
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    return reply.type('application/json; charset=utf-8').send(app.swagger());
  });

  app.get('/api/docs', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const doc = app.swagger() as unknown as OpenApiDocument;
    const page = pageContext(request, siteName);
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    );
    return reply.page(
      <PublicPage page={page} title="API">
        <h1>{doc.info.title}</h1>
        <p class="lead">{doc.info.description}</p>
        <p>
          <a href="/api/openapi.json">openapi.json</a> (OpenAPI {String((doc as unknown as { openapi: string }).openapi)})
        </p>
        <h2>Operations</h2>
        <ul>
          {ops.map(({ path, method }) => (
            <li>
              <a href={`#op-${method}-${path}`}>
                <code>
                  {method} {path}
                </code>
              </a>
            </li>
          ))}
        </ul>
        {ops.map(({ path, method, op }) => (
          <section id={`op-${method}-${path}`}>
            <h3>
              <code>
                {method} {path}
              </code>
            </h3>
            {op.summary ? <p>{op.summary}</p> : null}
            {op.parameters && op.parameters.length > 0 ? (
              // Focusable and named: should the table still scroll sideways on a narrow screen, keyboards can reach it.
              <div class="table-wrap" tabIndex={0} role="region" aria-label={`${method} ${path}: parameters`}>
                <table class="table">
                  <caption class="visually-hidden">Parameters</caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">In</th>
                      <th scope="col">Required</th>
                      <th scope="col">Schema</th>
                    </tr>
                  </thead>
                  <tbody>
                    {op.parameters.map((p) => (
                      <tr>
                        <td>
                          <code>{p.name}</code>
                        </td>
                        <td>{p.in}</td>
                        <td>{p.required ? 'yes' : 'no'}</td>
                        <td>
                          <code class="code-wrap">{JSON.stringify(p.schema)}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
            {op.requestBody?.content ? (
              <details>
                <summary>Request body</summary>
                <pre>{JSON.stringify(Object.values(op.requestBody.content)[0]?.schema, null, 2)}</pre>
              </details>
            ) : null}
            {op.responses ? (
              <p>
                Responses:{' '}
                {Object.keys(op.responses).map((status) => (
                  <code>{status} </code>
                ))}
              </p>
            ) : null}
          </section>
        ))}
        <h2>Problem types</h2>
        <dl class="summary-list">
          {Object.entries(errorStatus).map(([code, status]) => (
            <>
              <dt id={`problem-${code}`}>
                <code>{code}</code>
              </dt>
              <dd>
                HTTP {status} — {page.i18n.t(`error.${code}`)}
              </dd>
            </>
          ))}
        </dl>
      </PublicPage>,
    );
  });
}
