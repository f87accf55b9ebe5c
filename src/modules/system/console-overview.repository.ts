import type { Db } from '#src/db/database';

/** Users per account status (active, disabled), every status present. */
export async function countUsersByStatus(db: Db): Promise<{ active: number; disabled: number }> {
  const rows = await db.selectFrom('user_account').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  const out = { active: 0, disabled: 0 };
  for (const r of rows) if (r.status === 'active' || r.status === 'disabled') out[r.status] = Number(r.n);
  return out;
}

/** Organisations per status (active, suspended), every status present. */
export async function countOrganisationsByStatus(db: Db): Promise<{ active: number; suspended: number }> {
  const rows = await db.selectFrom('organisation').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  const out = { active: 0, suspended: 0 };
  for (const r of rows) if (r.status === 'active' || r.status === 'suspended') out[r.status] = Number(r.n);
  return out;
}
