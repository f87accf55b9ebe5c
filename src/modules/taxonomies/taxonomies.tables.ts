import type { Generated } from 'kysely';
import type { DbTime } from '#src/db/core.tables';

export interface VocabularyTermTable {
  id: string;
  vocabulary: string;
  code: string;
  label_fr: string;
  label_ar: string;
  label_en: string;
  position: Generated<number>;
  retired_at: DbTime | null;
  created_at: DbTime;
  updated_at: DbTime;
  version: Generated<number>;
}
