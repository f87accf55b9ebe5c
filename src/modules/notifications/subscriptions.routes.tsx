import type { FastifyRequest } from 'fastify';
import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import type { FormErrors } from '#src/web/components/form';
import type { FormReader } from '#src/web/forms';
import type { FormBody } from '#src/plugins/parsers';
import type { Subscription } from '#src/modules/notifications/subscriptions.types';
import type { CriticalityOption, SubscriptionFormValues } from '#src/web/public/subscribe/subscribe-pages';
import { AppError } from '#src/core/errors';
import { isLocale } from '#src/core/i18n/i18n';
import { FormBodySchema, readForm } from '#src/web/forms';
import { pageContext } from '#src/web/page-context';
import { translateFieldErrors } from '#src/web/components/form';
import { findTerms } from '#src/modules/taxonomies/taxonomies.repository';
import { describeRegistryIds } from '#src/modules/notifications/subscriptions.repository';
import { ConfirmQuery, SubscriptionListQuery, TokenQuery } from '#src/modules/notifications/subscriptions.schemas';
import { requestSubscription } from '#src/modules/notifications/use-cases/request-subscription';
import { confirmSubscription, findConfirmation } from '#src/modules/notifications/use-cases/confirm-subscription';
import { getManagedSubscription, unsubscribeByToken, updateManagedSubscription } from '#src/modules/notifications/use-cases/manage-subscription';
import { listSubscriptions } from '#src/modules/notifications/use-cases/list-subscriptions';
import { ConfirmedPage, ConfirmPage, InvalidLinkPage, LinkNeededPage, ManagePage, SubscribePage, SubscribeSentPage, UnsubscribedPage, UnsubscribePage } from '#src/web/public/subscribe/subscribe-pages';
import { SubscriptionsListPage } from '#src/web/console/subscriptions/subscriptions-list';

function formErrorsOf(request: FastifyRequest, error: unknown): FormErrors | null {
  return error instanceof AppError && error.code === 'validation_failed' ? translateFieldErrors(request.i18n, error.fields) : null;
}

function isNotFound(error: unknown): boolean {
  return error instanceof AppError && error.code === 'not_found';
}

function valuesOf(form: FormReader, fallbackLanguage: string): SubscriptionFormValues {
  const language = form.str('language');
  return { email: form.str('email'), kinds: form.list('kinds'), minCriticality: form.str('min_criticality'), products: form.raw('products').slice(0, 20_000), language: language === '' ? fallbackLanguage : language };
}

function filterInput(values: SubscriptionFormValues) {
  return { kinds: values.kinds, minCriticality: values.minCriticality, products: values.products, language: values.language };
}

const MAX_PART_BYTES = 64 * 1024;

/**
 * A minimal multipart/form-data reader for the one-click route only (RFC 8058 lets mail clients send
 * `List-Unsubscribe=One-Click` as multipart): text fields, no files; anything malformed is a 400.
 */
export function parseSimpleMultipart(body: Buffer, contentType: string): FormBody {
  const boundary = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) throw AppError.field('content-type', 'invalid');
  const out: FormBody = Object.create(null) as FormBody;
  const text = body.toString('latin1');
  for (const part of text.split(`--${marker}`).slice(1)) {
    if (part.startsWith('--')) break;
    const split = part.indexOf('\r\n\r\n');
    if (split === -1 || part.length > MAX_PART_BYTES) throw AppError.field('body', 'invalid_format');
    const name = /content-disposition:\s*form-data;[^\r\n]*\bname="([^"\r\n]{1,200})"/i.exec(part.slice(0, split))?.[1];
    if (!name || name === '__proto__' || name === 'constructor' || name === 'prototype') continue;
    const value = Buffer.from(part.slice(split + 4).replace(/\r\n$/, ''), 'latin1').toString('utf8');
    const existing = out[name];
    if (existing === undefined) out[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[name] = [existing, value];
  }
  return out;
}

/** Subscriptions to bulletins: subscribe, confirm, manage, unsubscribe (RFC 8058), and the console list. */
export async function subscriptionsRoutes(app: App, services: AppServices): Promise<void> {
  const { config, database } = services;
  const formRateLimit = { max: config.formRateLimitPerMinute, timeWindow: 60_000 };
  const page = (request: FastifyRequest) => pageContext(request, config.siteName);

  async function criticalityOptions(request: FastifyRequest): Promise<CriticalityOption[]> {
    const terms = await findTerms(database.db, 'criticality', { includeRetired: false });
    const locale = request.i18n.locale;
    return terms.map((term) => ({ value: term.code, label: term.labels[locale] }));
  }

  function storedValues(s: Subscription, products: { label: string }[]): SubscriptionFormValues {
    return { email: s.email, kinds: s.filters.kinds, minCriticality: s.filters.minCriticality ?? '', products: products.map((p) => p.label).join('\n'), language: s.filters.language };
  }

  // Pages reached by secret links are neither cached nor indexed; their secrets stay out of Referer headers
  // (the site's referrer policy is same-origin).
  const noStore = { 'cache-control': 'no-store' };

  // ---- Subscribe ------------------------------------------------------------------------------------------

  app.get('/subscribe', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const values: SubscriptionFormValues = { email: '', kinds: [], minCriticality: '', products: '', language: request.i18n.locale };
    return reply.page(<SubscribePage page={page(request)} values={values} errors={{}} criticality={await criticalityOptions(request)} />);
  });

  app.post('/subscribe', { config: { access: 'public', rateLimit: formRateLimit }, schema: { hide: true, body: FormBodySchema } }, async (request, reply) => {
    const form = readForm(request.body);
    const values = valuesOf(form, request.i18n.locale);
    // A filled honeypot is a bot: it gets the usual answer and nothing happens.
    if (form.str('website') !== '') return reply.page(<SubscribeSentPage page={page(request)} email={values.email} />);
    try {
      await requestSubscription(services, request.ctx, { email: values.email, ...filterInput(values) });
      return reply.page(<SubscribeSentPage page={page(request)} email={values.email} />);
    } catch (error) {
      const errors = formErrorsOf(request, error);
      if (!errors) throw error;
      return reply.page(<SubscribePage page={page(request)} values={values} errors={errors} criticality={await criticalityOptions(request)} />, 400);
    }
  });

  // ---- Confirm (double opt-in) ----------------------------------------------------------------------------

  app.get('/subscribe/confirm', { config: { access: 'public' }, schema: { hide: true, querystring: ConfirmQuery } }, async (request, reply) => {
    reply.headers(noStore);
    if (request.query.token === undefined) return reply.page(<LinkNeededPage page={page(request)} />);
    try {
      const found = await findConfirmation(services, request.ctx, request.query.token, request.query.f);
      const products = await describeRegistryIds(database.db, found.filters.vendorIds, found.filters.productIds);
      return reply.page(
        <ConfirmPage
          page={page(request)}
          token={request.query.token}
          encoded={request.query.f ?? ''}
          isChange={found.isChange}
          email={found.subscription.email}
          filters={found.filters}
          products={products}
          criticality={await criticalityOptions(request)}
        />,
      );
    } catch (error) {
      if (isNotFound(error)) return reply.page(<InvalidLinkPage page={page(request)} />, 404);
      throw error;
    }
  });

  app.post('/subscribe/confirm', { config: { access: 'public', rateLimit: formRateLimit }, schema: { hide: true, body: FormBodySchema } }, async (request, reply) => {
    reply.headers(noStore);
    const form = readForm(request.body);
    try {
      const { manageToken } = await confirmSubscription(services, request.ctx, form.str('token'), form.str('f'));
      return reply.page(<ConfirmedPage page={page(request)} manageHref={`/subscribe/manage?token=${manageToken}&lang=${request.i18n.locale}`} />);
    } catch (error) {
      if (isNotFound(error)) return reply.page(<InvalidLinkPage page={page(request)} />, 404);
      throw error;
    }
  });

  // ---- Manage ---------------------------------------------------------------------------------------------

  app.get('/subscribe/manage', { config: { access: 'public' }, schema: { hide: true, querystring: TokenQuery } }, async (request, reply) => {
    reply.headers(noStore);
    const token = request.query.token;
    if (token === undefined) return reply.page(<LinkNeededPage page={page(request)} />);
    try {
      const s = await getManagedSubscription(services, request.ctx, token);
      const products = await describeRegistryIds(database.db, s.filters.vendorIds, s.filters.productIds);
      return reply.page(
        <ManagePage page={page(request)} token={token} email={s.email} status={s.status} values={storedValues(s, products)} errors={{}} criticality={await criticalityOptions(request)} notice={request.query.done ?? null} />,
      );
    } catch (error) {
      if (isNotFound(error)) return reply.page(<InvalidLinkPage page={page(request)} />, 404);
      throw error;
    }
  });

  app.post('/subscribe/manage', { config: { access: 'public', rateLimit: formRateLimit }, schema: { hide: true, body: FormBodySchema } }, async (request, reply) => {
    reply.headers(noStore);
    const form = readForm(request.body);
    const token = form.str('token');
    try {
      const current = await getManagedSubscription(services, request.ctx, token);
      const values = { ...valuesOf(form, current.filters.language), email: current.email };
      try {
        await updateManagedSubscription(services, request.ctx, token, filterInput(values));
        return reply.redirect(`/subscribe/manage?token=${encodeURIComponent(token)}&done=saved&lang=${request.i18n.locale}`, 303);
      } catch (error) {
        if (error instanceof AppError && error.code === 'conflict') return reply.redirect(`/subscribe/manage?token=${encodeURIComponent(token)}&lang=${request.i18n.locale}`, 303);
        const errors = formErrorsOf(request, error);
        if (!errors) throw error;
        const language = isLocale(values.language) ? values.language : current.filters.language;
        return reply.page(<ManagePage page={page(request)} token={token} email={current.email} status={current.status} values={{ ...values, language }} errors={errors} criticality={await criticalityOptions(request)} notice={null} />, 400);
      }
    } catch (error) {
      if (isNotFound(error)) return reply.page(<InvalidLinkPage page={page(request)} />, 404);
      throw error;
    }
  });

  // ---- Unsubscribe (RFC 8058) -----------------------------------------------------------------------------

  app.get('/subscribe/unsubscribe', { config: { access: 'public' }, schema: { hide: true, querystring: TokenQuery } }, async (request, reply) => {
    reply.headers(noStore);
    const token = request.query.token;
    if (token === undefined) return reply.page(<LinkNeededPage page={page(request)} />);
    try {
      const s = await getManagedSubscription(services, request.ctx, token);
      if (s.status === 'unsubscribed') return reply.page(<UnsubscribedPage page={page(request)} />);
      return reply.page(<UnsubscribePage page={page(request)} token={token} email={s.email} />);
    } catch (error) {
      if (isNotFound(error)) return reply.page(<InvalidLinkPage page={page(request)} />, 404);
      throw error;
    }
  });

  // The one-click POST lives in its own plugin scope, the only one that also reads multipart/form-data bodies.
  await app.register(async (scope: App) => {
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
      try {
        done(null, parseSimpleMultipart(body, String(request.headers['content-type'] ?? '')));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
    scope.post(
      '/subscribe/unsubscribe',
      {
        // RFC 8058 §3.1: mail providers POST `List-Unsubscribe=One-Click` to the List-Unsubscribe URL from their
        // servers, without cookies or form token, so the CSRF check is skipped for this route alone. The secret
        // token in the URL is the credential: only the recipient of the e-mail has it, a forged cross-site POST
        // cannot know it, and all it can ever do is unsubscribe that one address.
        config: { access: 'public', csrfExempt: 'rfc8058-one-click', rateLimit: formRateLimit },
        schema: { hide: true, querystring: TokenQuery, body: FormBodySchema },
      },
      async (request, reply) => {
        reply.headers(noStore);
        const form = readForm(request.body);
        if (form.str('List-Unsubscribe') !== 'One-Click') throw AppError.field('List-Unsubscribe', form.str('List-Unsubscribe') === '' ? 'required' : 'invalid_choice');
        try {
          await unsubscribeByToken(services, request.ctx, request.query.token);
          return reply.page(<UnsubscribedPage page={page(request)} />);
        } catch (error) {
          if (isNotFound(error)) return reply.page(<InvalidLinkPage page={page(request)} />, 404);
          throw error;
        }
      },
    );
  });

  // ---- Console --------------------------------------------------------------------------------------------

  app.get('/console/subscriptions', { config: { access: { permission: 'subscriptions:manage' } }, schema: { hide: true, querystring: SubscriptionListQuery } }, async (request, reply) => {
    const list = await listSubscriptions(database, request.ctx, request.query);
    return reply.page(<SubscriptionsListPage page={page(request)} list={list} status={request.query.status} isFirst={request.query.cursor === undefined} />);
  });
}
