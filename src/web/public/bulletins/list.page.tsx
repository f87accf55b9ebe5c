import type { PageContext } from '#src/web/page-context';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import type { ListingItem } from '#src/modules/bulletins/listing.repository';
import type { AlternateLink } from '#src/web/layout';
import type { FormErrors } from '#src/web/components/form';
import { PublicPage } from '#src/web/layout';
import { Pagination, SelectField, TextField } from '#src/web/components/form';
import { bulletinKinds, bulletinLanguages } from '#src/modules/bulletins/bulletins.types';
import { termLabel } from '#src/modules/taxonomies/taxonomies.types';
import { BulletinList, FeedLinks } from '#src/web/public/bulletins/bulletin-components';

/** The values of the filter form, as typed (strings; empty means any). */
export interface ListFilterValues {
  q: string;
  kind: string;
  criticality: string;
  vendor: string;
  product: string;
  cve: string;
  from: string;
  to: string;
  language: string;
}

interface BulletinListPageProps {
  page: PageContext;
  filters: ListFilterValues;
  errors: FormErrors;
  items: readonly ListingItem[];
  criticalities: readonly VocabularyTerm[];
  nextHref: string | null;
  isFirst: boolean;
  alternates: AlternateLink[];
}

/** `/bulletins`: a GET filter form (works without JavaScript) and the matching bulletins, newest first. */
export function BulletinListPage({ page, filters, errors, items, criticalities, nextHref, isFirst, alternates }: BulletinListPageProps) {
  const { i18n } = page;
  const t = i18n.t;
  const any = t('bulletins.public.filter.any');
  const filtered = Object.values(filters).some((v) => v !== '');
  return (
    <PublicPage page={page} title={t('bulletins.title')} alternates={alternates}>
      <h1>{t('bulletins.title')}</h1>
      <p class="lead">{t('bulletins.lead')}</p>
      <form method="get" action="/bulletins" class="bulletin-filters" role="search" aria-labelledby="filter-title">
        <h2 id="filter-title" class="visually-hidden">
          {t('bulletins.public.filter.title')}
        </h2>
        <div class="bulletin-filters__q">
          <TextField name="q" label={t('bulletins.public.filter.q')} hint={t('bulletins.public.filter.qHint')} value={filters.q} errors={errors} type="search" maxLength={200} />
        </div>
        <SelectField name="kind" label={t('bulletins.public.filter.kind')} value={filters.kind} errors={errors} includeEmpty={any} options={bulletinKinds.map((k) => ({ value: k, label: t(`bulletins.public.kind.${k}`) }))} />
        <SelectField name="criticality" label={t('bulletins.public.filter.criticality')} value={filters.criticality} errors={errors} includeEmpty={any} options={criticalities.map((c) => ({ value: c.code, label: termLabel(c, i18n.locale) }))} />
        <SelectField name="language" label={t('bulletins.public.filter.language')} value={filters.language} errors={errors} includeEmpty={any} options={bulletinLanguages.map((l) => ({ value: l, label: t(`bulletins.public.lang.${l}`) }))} />
        <TextField name="vendor" label={t('bulletins.public.filter.vendor')} value={filters.vendor} errors={errors} maxLength={100} />
        <TextField name="product" label={t('bulletins.public.filter.product')} value={filters.product} errors={errors} maxLength={100} />
        <TextField name="cve" label={t('bulletins.public.filter.cve')} value={filters.cve} errors={errors} maxLength={30} dir="ltr" />
        <TextField name="from" label={t('bulletins.public.filter.from')} hint={t('bulletins.public.filter.dateHint')} value={filters.from} errors={errors} type="date" />
        <TextField name="to" label={t('bulletins.public.filter.to')} hint={t('bulletins.public.filter.dateHint')} value={filters.to} errors={errors} type="date" />
        <p class="bulletin-filters__actions">
          <button type="submit" class="button">
            {t('bulletins.public.filter.apply')}
          </button>{' '}
          {filtered ? <a href="/bulletins">{t('bulletins.public.filter.reset')}</a> : null}
        </p>
      </form>
      <section aria-labelledby="results-title">
        <h2 id="results-title">{t('bulletins.public.results')}</h2>
        {items.length === 0 ? <p class="muted">{filtered || !isFirst ? t('bulletins.public.noResults') : t('bulletins.empty')}</p> : <BulletinList items={items} i18n={i18n} criticalities={criticalities} />}
        <Pagination i18n={i18n} nextHref={nextHref} isFirst={isFirst} />
      </section>
      <FeedLinks alternates={alternates} i18n={i18n} />
    </PublicPage>
  );
}
