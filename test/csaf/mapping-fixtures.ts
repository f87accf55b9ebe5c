import type { Config } from '#src/config/config';
import type { Bulletin, BulletinContent, BulletinRevision } from '#src/modules/bulletins/bulletins.types';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import type { CsafMappingInput } from '#src/modules/csaf/mapping';
import { loadConfig } from '#src/config/config';
import { criticalitySeed, riskSeed } from '#src/db/seeds/bulletins';

/** A configuration with a fixed public URL and CSAF publisher, for golden output. */
export function goldenConfig(env: Record<string, string> = {}): Config {
  return loadConfig(
    {
      RIBAT_SECRET: 'test-secret-test-secret-test-secret-0123',
      RIBAT_DATA_DIR: '/tmp/ribat-golden-unused',
      RIBAT_PUBLIC_URL: 'https://cert.example.ma',
      RIBAT_SITE_NAME: 'CERT Exemple',
      RIBAT_SECURITY_CONTACT: 'mailto:security@cert.example.ma',
      RIBAT_CSAF_ISSUING_AUTHORITY: 'National CERT designated by decree',
      RIBAT_TIMEZONE: 'Africa/Casablanca',
      ...env,
    },
    { createSecret: false },
  );
}

function terms(vocabulary: 'criticality' | 'risk', seed: readonly { code: string; fr: string; ar: string; en: string }[]): VocabularyTerm[] {
  const at = new Date('2026-01-01T00:00:00Z');
  return seed.map((s, i) => ({ id: `${vocabulary}-${s.code}`, vocabulary, code: s.code, labels: { fr: s.fr, ar: s.ar, en: s.en }, position: i, retiredAt: null, createdAt: at, updatedAt: at, version: 1 }));
}

/** The seeded vocabularies as terms. */
export const goldenCriticalities: VocabularyTerm[] = terms('criticality', criticalitySeed);
export const goldenRisks: VocabularyTerm[] = terms('risk', riskSeed);

/** The content of revision 2 of the golden bulletin: two CVEs, three products (CPE, purl, none), French with an English translation, AMBER+STRICT. */
export function goldenContent(): BulletinContent {
  return {
    kind: 'bulletin',
    originalLanguage: 'fr',
    texts: {
      fr: {
        title: 'Multiples vulnérabilités dans Ivanti Connect Secure',
        summary: 'De multiples vulnérabilités ont été découvertes dans Ivanti Connect Secure et dans la bibliothèque libexample.',
        description: 'Elles permettent à un attaquant **non authentifié** d’exécuter du code arbitraire à distance.\n\n- CVE-2025-0282 : débordement de pile\n- CVE-2025-22457 : voir [l’avis](https://forums.ivanti.com/s/article/KB-CVE-2025-0282).',
        solution: 'Appliquer la version **22.7R2.6** publiée par l’éditeur.',
        workarounds: 'Restreindre l’accès à l’interface d’administration.',
      },
      en: {
        title: 'Multiple vulnerabilities in Ivanti Connect Secure',
        summary: 'Multiple vulnerabilities were found in Ivanti Connect Secure and in the libexample library.',
        description: 'They let an **unauthenticated** attacker execute arbitrary code remotely.',
        solution: 'Apply version 22.7R2.6 published by the vendor.',
        workarounds: '',
      },
    },
    criticality: 'critical',
    risks: ['remote-code-execution', 'security-bypass'],
    affected: [
      { productId: 'p1', vendor: 'Ivanti', product: 'Connect Secure', versions: '< 22.7R2.6', cpe: 'cpe:2.3:a:ivanti:connect_secure:*:*:*:*:*:*:*:*', purl: null },
      { productId: 'p2', vendor: 'Ivanti', product: 'Policy Secure', versions: '22.7R1.2', cpe: null, purl: null },
      { productId: 'p3', vendor: 'Example', product: 'libexample', versions: '1.4.2', cpe: null, purl: 'pkg:npm/libexample@1.4.2' },
    ],
    cves: [
      { id: 'CVE-2025-0282', cvss31: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', cvss40: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', cwe: 'CWE-121', exploited: true },
      { id: 'CVE-2025-22457', cvss31: null, cvss40: null, cwe: 'CWE-99999', exploited: false },
    ],
    references: [{ title: 'Avis Ivanti', url: 'https://forums.ivanti.com/s/article/KB-CVE-2025-0282' }],
    relations: [{ type: 'follows', reference: 'CERT-2024-AVI-0099' }],
    indicators: [],
    tlp: 'amber+strict',
    recipientOrganisationIds: ['org-1'],
    recipientUserIds: [],
  };
}

/** The golden bulletin after its second publication. */
export function goldenInput(): CsafMappingInput {
  const content = goldenContent();
  const first: BulletinContent = { ...content, cves: content.cves.slice(0, 1) };
  const revisions: BulletinRevision[] = [
    { id: 'r1', bulletinId: 'b1', number: 1, publishedAt: new Date('2026-01-10T09:00:00.000Z'), publishedBy: 'u1', approvedBy: 'u2', changeSummary: '', content: first },
    { id: 'r2', bulletinId: 'b1', number: 2, publishedAt: new Date('2026-01-12T15:30:00.000Z'), publishedBy: 'u1', approvedBy: 'u2', changeSummary: 'Ajout de CVE-2025-22457.', content },
  ];
  const bulletin: Bulletin = {
    id: 'b1',
    kind: 'bulletin',
    reference: 'CERT-2026-AVI-0007',
    slug: 'cert-2026-avi-0007',
    aliases: ['DGSSI-VA-2026-001'],
    state: 'published',
    publication: 'published',
    draft: content,
    publishedRevision: 2,
    changeSummary: '',
    authorId: 'u3',
    submittedBy: null,
    approvedBy: 'u2',
    approvedAt: new Date('2026-01-12T15:00:00.000Z'),
    scheduledAt: null,
    firstPublishedAt: new Date('2026-01-10T09:00:00.000Z'),
    lastPublishedAt: new Date('2026-01-12T15:30:00.000Z'),
    closedAt: null,
    withdrawnAt: null,
    withdrawalReason: null,
    createdAt: new Date('2026-01-09T09:00:00.000Z'),
    updatedAt: new Date('2026-01-12T15:30:00.000Z'),
    version: 9,
  };
  return { bulletin, revisions, aliases: ['DGSSI-VA-2026-001'], config: goldenConfig(), criticalities: goldenCriticalities, risks: goldenRisks };
}
