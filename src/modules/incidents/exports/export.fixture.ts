import type { IncidentExportInput } from '#src/modules/incidents/exports/export.types';

/** The SHA-256 indicator of the fixture. */
export const SHA256 = '3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea';

/** A realistic phishing incident: fraud/phishing, TLP:AMBER, PAP:GREEN, a URL, a domain, an IPv4, a SHA-256, an e-mail, a CVE. */
export function phishingIncident(overrides: Partial<IncidentExportInput> = {}): IncidentExportInput {
  return {
    id: '01957a3c-8f2e-7b41-9c3d-5e6f7a8b9c0d',
    reference: 'RIBAT-2026-INC-0042',
    title: "Campagne d'hameçonnage visant les clients de la Banque Exemple",
    description: 'Des courriels usurpant la Banque Exemple renvoient vers une fausse page de connexion.\nLes identifiants saisis sont exfiltrés.',
    status: 'in_progress',
    createdAt: new Date('2026-03-02T09:15:00.000Z'),
    updatedAt: new Date('2026-03-03T16:40:12.345Z'),
    detectedAt: new Date('2026-03-02T07:50:00.000Z'),
    awareAt: new Date('2026-03-02T08:05:00.000Z'),
    closedAt: null,
    severity: { code: 'grave', label: 'Grave' },
    priority: 2,
    tlp: 'amber',
    pap: 'green',
    classifications: [{ class: 'fraud', type: 'phishing' }],
    organisation: { name: 'Banque Exemple', sector: 'finance' },
    disposition: null,
    indicators: [
      { type: 'url', value: 'https://banque-exemple-securite.example/ma/connexion?session=1', comment: 'Fausse page de connexion', createdAt: new Date('2026-03-02T09:20:00.000Z') },
      { type: 'domain', value: 'banque-exemple-securite.example', comment: '', createdAt: new Date('2026-03-02T09:20:00.000Z') },
      { type: 'ipv4', value: '198.51.100.7', comment: "Hébergeur de l'hameçonnage", createdAt: new Date('2026-03-02T09:21:00.000Z') },
      { type: 'sha256', value: SHA256, comment: 'Pièce jointe facture.html', createdAt: new Date('2026-03-02T10:02:30.500Z') },
      { type: 'email', value: 'service-client@banque-exemple-securite.example', comment: 'Expéditeur', createdAt: new Date('2026-03-02T09:22:00.000Z') },
      { type: 'cve', value: 'CVE-2024-21413', comment: 'Outlook MonikerLink exploité par la pièce jointe', createdAt: new Date('2026-03-02T11:00:00.000Z') },
    ],
    producer: { name: 'maCERT', namespace: 'https://cert.example.ma' },
    ...overrides,
  };
}
