import type { DatabaseHandle } from '#src/db/database';
import type { Clock } from '#src/core/time';
import { newId } from '#src/core/ids';
import { toDbTime } from '#src/core/time';
import { sectorSeed } from '#src/db/seeds/sectors';
import { criticalitySeed, riskSeed } from '#src/db/seeds/bulletins';
import { incidentDispositionSeed, incidentSeveritySeed, rsitClassSeed, rsitTypeSeed } from '#src/db/seeds/incidents';

const vocabularies: Record<string, readonly { code: string; fr: string; ar: string; en: string }[]> = {
  sector: sectorSeed,
  criticality: criticalitySeed,
  risk: riskSeed,
  rsit_class: rsitClassSeed,
  rsit_type: rsitTypeSeed,
  incident_severity: incidentSeveritySeed,
  incident_disposition: incidentDispositionSeed,
};

/**
 * Inserts the seeded vocabulary terms that are missing. Existing terms are never overwritten, so an admin's
 * edits survive upgrades. Returns how many terms were added.
 */
export async function runSeeds(database: DatabaseHandle, clock: Clock): Promise<number> {
  const now = toDbTime(clock.now());
  let added = 0;
  for (const [vocabulary, terms] of Object.entries(vocabularies)) {
    for (const [position, term] of terms.entries()) {
      const result = await database.db
        .insertInto('vocabulary_term')
        .values({ id: newId(), vocabulary, code: term.code, label_fr: term.fr, label_ar: term.ar, label_en: term.en, position, retired_at: null, created_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['vocabulary', 'code']).doNothing())
        .executeTakeFirst();
      added += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
  }
  return added;
}
