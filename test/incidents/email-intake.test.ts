/**
 * Incident reports by e-mail, end to end: a real SMTP client (nodemailer) talks to Ribat's SMTP listener on
 * 127.0.0.1, whose messages go through the intake use case into a real database. New reports, threaded replies,
 * retries, automatic mail and evidence attachments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import type { ReportSmtpListener } from '#src/modules/incidents/email/smtp-listener';
import { startIncidentMailIntake } from '#src/modules/incidents/email/mail-intake';
import { receiveReportEmail } from '#src/modules/incidents/use-cases/receive-report-email';
import { buildTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
let listener: ReportSmtpListener;

beforeAll(async () => {
  t = await buildTestApp({ RIBAT_INCIDENT_MAIL_ADDRESSES: 'incident@cert.example,INCIDENTS@cert.example' });
  listener = await startIncidentMailIntake(t.config, t.database, t.services.logger, { host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await listener.close();
  await t.close();
});

function transport() {
  return nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true, tls: { rejectUnauthorized: false } });
}

async function incidentsFrom(address: string) {
  return t.database.db.selectFrom('incident').select(['id', 'reference', 'title', 'description', 'channel', 'status', 'reporter_email', 'reporter_name']).where('reporter_email', '=', address).orderBy('reference').execute();
}

async function mailsTo(address: string) {
  return t.database.db.selectFrom('email_message').select(['subject', 'text_body', 'purpose']).where('to_address', '=', address).orderBy('created_at').execute();
}

describe('e-mail intake over SMTP', () => {
  it('turns a message into a report acknowledged with its reference, and threads the reporter’s reply onto it', async () => {
    await transport().sendMail({ from: '"Samir B." <Samir@Example.org>', to: 'incident@cert.example', subject: 'Site de notre mairie défiguré', text: 'Depuis ce matin la page d’accueil affiche un message de pirates.\nhxxp://mairie[.]example/' });
    const [incident] = await incidentsFrom('samir@example.org');
    expect(incident).toMatchObject({ channel: 'email', status: 'new', title: 'Site de notre mairie défiguré', reporter_name: 'Samir B.' });
    expect(incident?.description).toContain('message de pirates');
    const [ack] = await mailsTo('samir@example.org');
    expect(ack?.subject).toContain(`[${incident?.reference ?? ''}]`);
    expect(ack?.text_body).toContain('/report/track/');

    await transport().sendMail({ from: 'samir@example.org', to: 'INCIDENTS@cert.example', subject: `Re: [${incident?.reference ?? ''}] Signalement reçu`, text: 'Le site est revenu à la normale.', attachments: [{ filename: 'capture.png', content: Buffer.from('not really a png') }] });
    expect(await incidentsFrom('samir@example.org')).toHaveLength(1);
    const comments = await t.database.db.selectFrom('incident_comment').select(['body', 'visibility', 'source']).where('incident_id', '=', incident?.id ?? '').execute();
    expect(comments).toEqual([{ body: 'Le site est revenu à la normale.', visibility: 'shared', source: 'email' }]);
    const files = await t.database.db.selectFrom('incident_attachment').select(['file_name', 'size', 'visibility']).where('incident_id', '=', incident?.id ?? '').execute();
    expect(files).toEqual([{ file_name: 'capture.png', size: 16, visibility: 'shared' }]);
  });

  it('opens a new report when someone else quotes a reference', async () => {
    await transport().sendMail({ from: 'reporter1@example.org', to: 'incident@cert.example', subject: 'Hameçonnage', text: 'Premier signalement.' });
    const [first] = await incidentsFrom('reporter1@example.org');
    await transport().sendMail({ from: 'intruder@example.org', to: 'incident@cert.example', subject: `Re: [${first?.reference ?? ''}]`, text: 'Je veux lire ce dossier.' });
    expect(await incidentsFrom('intruder@example.org')).toHaveLength(1);
    const comments = await t.database.db.selectFrom('incident_comment').select('id').where('incident_id', '=', first?.id ?? '').execute();
    expect(comments).toEqual([]);
  });

  it('takes a retried message once, and never acknowledges automatic mail', async () => {
    const message = { from: 'soc@example.org', to: 'incident@cert.example', subject: 'Scan massif', text: 'Scan de ports depuis 203.0.113.5', messageId: '<retry-1@example.org>' };
    await transport().sendMail(message);
    await transport().sendMail(message);
    expect(await incidentsFrom('soc@example.org')).toHaveLength(1);

    await transport().sendMail({ from: 'robot@example.org', to: 'incident@cert.example', subject: 'Absence du bureau', text: 'Je suis absent.', headers: { 'Auto-Submitted': 'auto-replied' } });
    expect(await incidentsFrom('robot@example.org')).toHaveLength(1);
    expect(await mailsTo('robot@example.org')).toEqual([]);
  });

  it('refuses unknown recipients at the SMTP level and unusable messages for good', async () => {
    await expect(transport().sendMail({ from: 'a@example.org', to: 'someone-else@cert.example', subject: 'x', text: 'y' })).rejects.toThrow(/550/);
    const refused = await receiveReportEmail(t.database, t.config, Buffer.from('Subject: no sender\r\n\r\nbody'), { mailFrom: null });
    expect(refused.outcome).toBe('refused');
  });
});
