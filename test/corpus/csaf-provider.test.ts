import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import cvss20 from '@secvisogram/csaf-validator-lib/schemas/cvss-v2.0.js';
import cvss30 from '@secvisogram/csaf-validator-lib/schemas/cvss-v3.0.js';
import cvss31 from '@secvisogram/csaf-validator-lib/schemas/cvss-v3.1.js';
import { corpusFile } from './corpus';
import { buildTestApp, type TestApp } from '../helpers/app';
import { buildOrganisation } from '../helpers/factories';
import { buildPublishedBulletin } from '../helpers/bulletin-factories';
import { generateCsafSigningKey } from '#src/modules/csaf/use-cases/manage-signing-key';
import { systemContext } from '#src/core/context';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsImport as unknown as (ajv: Ajv2020) => Ajv2020;

/** The official CSAF 2.0 provider schema; it references the document schema by $id, so both are registered. */
function providerValidator() {
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  // The document schema references FIRST's CVSS schemas (draft-07) by URL: the copies shipped with the validator
  // library are registered under those URLs (offline), without their own $id/$schema.
  for (const [version, schema] of [['2.0', cvss20], ['3.0', cvss30], ['3.1', cvss31]] as const) {
    const { $id: _id, $schema: _schema, ...rest } = schema;
    ajv.addSchema(rest, `https://www.first.org/cvss/cvss-v${version}.json`);
  }
  ajv.addSchema(JSON.parse(readFileSync(corpusFile('csaf/schemas/csaf_json_schema.json'), 'utf8')) as object);
  return ajv.compile(JSON.parse(readFileSync(corpusFile('csaf/schemas/provider_json_schema.json'), 'utf8')) as object);
}

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ RIBAT_PUBLIC_URL: 'https://cert.example.ma' });
});
afterAll(async () => {
  await t.close();
});

describe('Ribat’s provider-metadata.json against the official provider schema (corpus/csaf/schemas)', () => {
  it('is valid for an empty provider, after publications in every TLP, and after a key rotation', async () => {
    const validate = providerValidator();
    const check = async (): Promise<Record<string, unknown>> => {
      const res = await t.app.inject({ method: 'GET', url: '/.well-known/csaf/provider-metadata.json' });
      expect(res.statusCode).toBe(200);
      const metadata = JSON.parse(res.body) as Record<string, unknown>;
      expect(validate(metadata), JSON.stringify(validate.errors)).toBe(true);
      return metadata;
    };
    await check();
    const org = await buildOrganisation(t.database);
    await buildPublishedBulletin(t, { tlp: 'clear', texts: { en: { title: 'Vulnerabilities in Product X' } } });
    await buildPublishedBulletin(t, { tlp: 'green' });
    await buildPublishedBulletin(t, { tlp: 'amber+strict', recipientOrganisationIds: [org.id] });
    expect((await check()).role).toBe('csaf_trusted_provider');
    await generateCsafSigningKey(t.database, t.config, systemContext('test', t.clock));
    expect(((await check()).public_openpgp_keys as unknown[]).length).toBe(2);
  });

  it('the schema really rejects a broken metadata document (the check is not vacuous)', () => {
    const validate = providerValidator();
    expect(validate({ canonical_url: 'https://x.example/provider-metadata.json', role: 'csaf_trusted_provider' })).toBe(false);
  });
});
