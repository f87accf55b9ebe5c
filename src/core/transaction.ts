import type { Db, Tx } from '#src/db/database';

/** Runs `work` in one transaction (on SQLite a BEGIN IMMEDIATE one: see src/db/database.ts). */
export async function inTransaction<T>(db: Db, work: (trx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}
