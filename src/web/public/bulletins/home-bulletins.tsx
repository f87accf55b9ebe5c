import type { DatabaseHandle } from '#src/db/database';
import type { Translator } from '#src/core/i18n/i18n';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import type { ListingItem } from '#src/modules/bulletins/listing.repository';
import type { BulletinViewer } from '#src/modules/bulletins/visibility';
import { findPublicBulletins } from '#src/modules/bulletins/listing.repository';
import { findTerms } from '#src/modules/taxonomies/taxonomies.repository';
import { BulletinList } from '#src/web/public/bulletins/bulletin-components';

const LATEST = 8;
const CRITICAL = 5;
const ALERTS = 5;

/** What the home page shows of the bulletins: open alerts, the latest critical ones, the latest of all. */
export interface HomeBulletins {
  alerts: ListingItem[];
  critical: ListingItem[];
  latest: ListingItem[];
  criticalities: VocabularyTerm[];
  /** Code of the most critical level (position 0 of the vocabulary), for the "critical" feed. */
  criticalCode: string | null;
}

/** Reads the home page's bulletins as the viewer may see them, in the interface language where translated. */
export async function loadHomeBulletins(database: DatabaseHandle, viewer: BulletinViewer, i18n: Translator): Promise<HomeBulletins> {
  const { db, dialect } = database;
  const criticalities = await findTerms(db, 'criticality', { includeRetired: true });
  const criticalCode = criticalities.find((c) => c.retiredAt === null)?.code ?? null;
  const [alerts, critical, latest] = await Promise.all([
    findPublicBulletins(db, dialect, viewer, { openAlertsOnly: true }, i18n.locale, null, ALERTS),
    criticalCode ? findPublicBulletins(db, dialect, viewer, { criticality: criticalCode }, i18n.locale, null, CRITICAL) : Promise.resolve([]),
    findPublicBulletins(db, dialect, viewer, {}, i18n.locale, null, LATEST),
  ]);
  return { alerts, critical, latest, criticalities, criticalCode };
}

/** The bulletin sections of the home page. */
export function HomeBulletinSections({ data, i18n }: { data: HomeBulletins; i18n: Translator }) {
  const t = i18n.t;
  return (
    <>
      {data.alerts.length > 0 ? (
        <section aria-labelledby="alerts" class="home-alerts">
          <h2 id="alerts">{t('bulletins.public.home.alerts')}</h2>
          <BulletinList items={data.alerts} i18n={i18n} criticalities={data.criticalities} />
        </section>
      ) : null}
      {data.critical.length > 0 ? (
        <section aria-labelledby="critical">
          <h2 id="critical">{t('bulletins.public.home.critical')}</h2>
          <BulletinList items={data.critical} i18n={i18n} criticalities={data.criticalities} />
        </section>
      ) : null}
      <section aria-labelledby="latest">
        <h2 id="latest">{t('home.latest')}</h2>
        {data.latest.length === 0 ? <p class="muted">{t('bulletins.empty')}</p> : <BulletinList items={data.latest} i18n={i18n} criticalities={data.criticalities} />}
        <p>
          <a href="/bulletins">{t('bulletins.public.home.all')}</a>
        </p>
      </section>
    </>
  );
}
