/** The checker against Ribat's own trusted provider, served by the real application on 127.0.0.1. */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app';
import { buildOrganisation } from '../helpers/factories';
import { buildPublishedBulletin } from '../helpers/bulletin-factories';
import { JobRunner } from '#src/core/jobs/queue';
import { jobDefinitions, type JobDeps } from '#src/jobs';
import { checkProvider } from '#src/modules/csaf/checker/check-provider';
import { DEFAULT_CHECK_OPTIONS, type CheckReport, type RequirementNumber } from '#src/modules/csaf/checker/checker.types';
import { formatReport } from '#src/modules/csaf/checker/format-report';

let t: TestApp;
let baseUrl: string;

/** A port free right now: the public URL (in every provider file) must name the port the app listens on. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  t = await buildTestApp({ RIBAT_PUBLIC_URL: baseUrl, RIBAT_SITE_NAME: 'CERT Exemple' });
  await t.app.listen({ port, host: '127.0.0.1' });
  const runner = new JobRunner<JobDeps>({
    db: t.database.db,
    dialect: t.database.dialect,
    definitions: jobDefinitions,
    deps: { config: t.config, database: t.database, logger: t.services.logger, clock: t.clock },
    logger: t.services.logger,
    clock: t.clock,
    pollMs: 1000,
  });
  const org = await buildOrganisation(t.database);
  await buildPublishedBulletin(t, { tlp: 'clear', texts: { en: { title: 'Vulnerabilities in Product X' } } });
  await buildPublishedBulletin(t, { tlp: 'clear', originalLanguage: 'en' });
  await buildPublishedBulletin(t, { tlp: 'amber', recipientOrganisationIds: [org.id] });
  await runner.drain();
}, 120_000);

afterAll(async () => {
  await t.close();
});

function result(report: CheckReport, n: RequirementNumber) {
  const r = report.results.find((x) => x.requirement === n);
  if (r === undefined) throw new Error(`no result for ${n}`);
  return r;
}

describe("ribat csaf check against Ribat's own provider", () => {
  it('csaf_trusted_provider: every requirement passes except 3 (TLS: plain HTTP in tests), reported as such', async () => {
    const report = await checkProvider(baseUrl, { ...DEFAULT_CHECK_OPTIONS, allowHttp: true, timeoutMs: 10_000 });
    const failing = report.results.filter((r) => r.status === 'fail');
    expect(failing.map((r) => r.requirement), formatReport(report).join('\n')).toEqual([3]);
    expect(result(report, 3).reason).toMatch(/served over plain HTTP/);
    expect(report.providerMetadataUrl).toBe(`${baseUrl}/.well-known/csaf/provider-metadata.json`);
    expect(report.role).toBe('csaf_trusted_provider');
    expect(report.documentsChecked).toBeGreaterThanOrEqual(2);
    for (const n of [1, 2, 4, 5, 7, 8, 9, 11, 12, 13, 14, 15, 18, 19, 20] as RequirementNumber[]) expect(result(report, n).status, `requirement ${n}`).toBe('pass');
    expect(result(report, 10).status).toBe('not_applicable');
    expect(report.unmetRequirements).toEqual([3]);
  });
});
