import type { Locale, Messages } from '#src/core/i18n/i18n';
import type { OutgoingEmail } from '#src/modules/notifications/mailer';
import type { BulletinContent, Tlp } from '#src/modules/bulletins/bulletins.types';
import type { TermLabels } from '#src/modules/taxonomies/taxonomies.types';
import { createTranslator, directionOf } from '#src/core/i18n/i18n';
import { renderFragment } from '#src/web/render';
import { isSafeLinkUrl, renderMarkdown, markdownToPlainText } from '#src/modules/bulletins/markdown';
import { isRestricted, textIn } from '#src/modules/bulletins/bulletins.types';

/** Who an e-mail is for, which decides its language, its body and its footer. */
export type BulletinRecipient =
  /** A public subscriber (TLP:CLEAR only): their language, List-Unsubscribe headers. */
  | { kind: 'subscriber'; email: string; language: Locale; manageToken: string }
  /** A security officer of one or more constituent organisations: the bulletin's original language. */
  | { kind: 'officer'; email: string; language: Locale; organisations: string[] }
  /** A person named on a TLP:RED bulletin: their interface language, else the original. */
  | { kind: 'named'; email: string; language: Locale; name: string };

/** Everything a bulletin e-mail is built from. */
export interface BulletinEmailInput {
  publicUrl: string;
  siteName: string;
  timezone: string;
  catalogue: Messages<string>;
  reference: string;
  slug: string;
  revision: number;
  changeSummary: string;
  publishedAt: Date;
  content: BulletinContent;
  /** The labels of the revision's criticality (null when the code is not in the vocabulary). */
  criticality: TermLabels | null;
  recipient: BulletinRecipient;
}

/** FIRST's TLP 2.0 colours, with a text label always next to them. */
const tlpColours: Record<Tlp, { fg: string; bg: string }> = {
  clear: { fg: '#000000', bg: '#ffffff' },
  green: { fg: '#33ff00', bg: '#000000' },
  amber: { fg: '#ffc000', bg: '#000000' },
  'amber+strict': { fg: '#ffc000', bg: '#000000' },
  red: { fg: '#ff2b2b', bg: '#000000' },
};

/** `TLP:AMBER+STRICT`. */
export function tlpLabel(tlp: Tlp): string {
  return `TLP:${tlp.toUpperCase()}`;
}

/** The public (or sign-in protected) page of the bulletin, in the recipient's language. */
export function bulletinUrl(publicUrl: string, slug: string, language: Locale): string {
  return `${publicUrl}/bulletins/${encodeURIComponent(slug)}?lang=${language}`;
}

/** The manage and one-click unsubscribe links of a subscriber. */
export function subscriberLinks(publicUrl: string, manageToken: string, language: Locale): { manage: string; unsubscribe: string } {
  return { manage: `${publicUrl}/subscribe/manage?token=${manageToken}&lang=${language}`, unsubscribe: `${publicUrl}/subscribe/unsubscribe?token=${manageToken}&lang=${language}` };
}

interface Section {
  title: string;
  markdown: string;
}

/**
 * Builds the e-mail of one revision for one recipient: plain text and HTML (Preact, no remote image, no
 * script, Markdown through the sanitising renderer), localised, with the TLP label first for restricted
 * bulletins. TLP:RED e-mails carry no body, only the link to the page behind sign-in: e-mail crosses servers
 * we do not control and RED is for the named people only. Subscribers get RFC 8058 List-Unsubscribe headers.
 */
export function buildBulletinEmail(input: BulletinEmailInput): OutgoingEmail {
  const { content, recipient } = input;
  const lang = recipient.language;
  const t = createTranslator(input.catalogue, lang, input.timezone).t;
  const i18n = createTranslator(input.catalogue, lang, input.timezone);
  const { text, language: textLanguage } = textIn(content, lang);
  const restricted = isRestricted(content.tlp);
  const withBody = content.tlp !== 'red';
  const criticality = input.criticality ? input.criticality[lang] : content.criticality;
  const kind = t(`subscriptions.kind.${content.kind}`);
  const url = bulletinUrl(input.publicUrl, input.slug, lang);
  const subject = [restricted ? `[${tlpLabel(content.tlp)}]` : null, input.reference, criticality, text.title].filter((p): p is string => p !== null && p !== '').join(' · ');

  const sections: Section[] = withBody
    ? [
        { title: t('subscriptions.bulletin.description'), markdown: text.description },
        { title: t('subscriptions.bulletin.solution'), markdown: text.solution },
        { title: t('subscriptions.bulletin.workarounds'), markdown: text.workarounds },
      ].filter((s) => s.markdown.trim() !== '')
    : [];
  const affected = withBody ? content.affected.map((a) => `${a.vendor} ${a.product}${a.versions ? ` (${a.versions})` : ''}`) : [];
  const cves = withBody ? content.cves.map((c) => (c.exploited ? `${c.id} (${t('subscriptions.bulletin.exploited')})` : c.id)) : [];
  const references = withBody ? content.references : [];
  const facts: [string, string][] = [
    [t('subscriptions.bulletin.reference'), input.reference],
    [t('subscriptions.bulletin.kind'), kind],
    [t('subscriptions.bulletin.criticality'), criticality],
    [t('subscriptions.bulletin.published'), i18n.formatDateTime(input.publishedAt)],
  ];
  if (input.revision > 1) facts.push([t('subscriptions.bulletin.revision'), t('subscriptions.bulletin.revision_value', { number: input.revision })]);

  let footer: string[];
  let headers: Record<string, string> = {};
  switch (recipient.kind) {
    case 'subscriber': {
      const links = subscriberLinks(input.publicUrl, recipient.manageToken, lang);
      footer = [t('subscriptions.bulletin.footer.subscriber', { site: input.siteName }), `${t('subscriptions.bulletin.footer.manage')} ${links.manage}`, `${t('subscriptions.bulletin.footer.unsubscribe')} ${links.unsubscribe}`];
      headers = { 'List-Unsubscribe': `<${links.unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
      break;
    }
    case 'officer':
      footer = [t('subscriptions.bulletin.footer.officer', { organisations: recipient.organisations.join(', '), site: input.siteName }), t('subscriptions.bulletin.footer.officer_change', { link: `${input.publicUrl}/organisation`, site: input.siteName })];
      break;
    case 'named':
      footer = [t('subscriptions.bulletin.footer.named', { name: recipient.name, site: input.siteName })];
      break;
  }

  const tlpNotice = restricted ? `${tlpLabel(content.tlp)} — ${t(`subscriptions.bulletin.tlp.${content.tlp}`)}` : null;

  // ---- Plain text ----
  const lines: string[] = [];
  if (tlpNotice) lines.push(tlpNotice, '');
  lines.push(text.title, '='.repeat(Math.min(72, Math.max(3, text.title.length))), '');
  for (const [label, value] of facts) lines.push(`${label} : ${value}`);
  lines.push('');
  if (input.revision > 1 && input.changeSummary.trim() !== '') lines.push(`${t('subscriptions.bulletin.changes')} : ${input.changeSummary}`, '');
  if (withBody && text.summary.trim() !== '') lines.push(text.summary, '');
  if (affected.length > 0) lines.push(t('subscriptions.bulletin.affected'), ...affected.map((a) => `- ${a}`), '');
  if (cves.length > 0) lines.push(t('subscriptions.bulletin.cves'), ...cves.map((c) => `- ${c}`), '');
  for (const s of sections) lines.push(s.title, '-'.repeat(Math.min(72, s.title.length)), markdownToPlainText(s.markdown), '');
  if (references.length > 0) lines.push(t('subscriptions.bulletin.references'), ...references.map((r) => `- ${r.title ? `${r.title} ` : ''}${r.url}`), '');
  lines.push(restricted ? t('subscriptions.bulletin.read_restricted') : t('subscriptions.bulletin.read'), url, '', '-- ', ...footer);
  const plain = lines.join('\n');

  // ---- HTML ----
  const colours = tlpColours[content.tlp];
  const html = `<!doctype html>${renderFragment(
    <html lang={lang} dir={directionOf(lang)}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{subject}</title>
      </head>
      <body style="font-family: Arial, Helvetica, sans-serif; line-height: 1.5; color: #1b1b1b; max-width: 42em; margin: 0 auto; padding: 1em;">
        {tlpNotice ? (
          <p style={`font-weight: bold; padding: 0.5em; color: ${colours.fg}; background: ${colours.bg};`}>{tlpNotice}</p>
        ) : null}
        <p style="color: #555555;">{input.siteName}</p>
        <div lang={textLanguage} dir={directionOf(textLanguage)}>
          <h1 style="font-size: 1.5em;">{text.title}</h1>
        </div>
        <table role="presentation" style="border-collapse: collapse; margin-bottom: 1em;">
          {facts.map(([label, value]) => (
            <tr>
              <th scope="row" style="text-align: start; padding: 0.2em 1em 0.2em 0; font-weight: bold;">
                {label}
              </th>
              <td style="padding: 0.2em 0;">{value}</td>
            </tr>
          ))}
        </table>
        {input.revision > 1 && input.changeSummary.trim() !== '' ? (
          <p>
            <strong>{t('subscriptions.bulletin.changes')}</strong> : {input.changeSummary}
          </p>
        ) : null}
        <div lang={textLanguage} dir={directionOf(textLanguage)}>
          {withBody && text.summary.trim() !== '' ? <p style="font-size: 1.1em;">{text.summary}</p> : null}
          {affected.length > 0 ? (
            <>
              <h2 style="font-size: 1.2em;">{t('subscriptions.bulletin.affected')}</h2>
              <ul>
                {affected.map((a) => (
                  <li>{a}</li>
                ))}
              </ul>
            </>
          ) : null}
          {cves.length > 0 ? (
            <>
              <h2 style="font-size: 1.2em;">{t('subscriptions.bulletin.cves')}</h2>
              <ul>
                {cves.map((c) => (
                  <li>{c}</li>
                ))}
              </ul>
            </>
          ) : null}
          {sections.map((s) => (
            <>
              <h2 style="font-size: 1.2em;">{s.title}</h2>
              {/* renderMarkdown escapes raw HTML and keeps only safe links: the output is safe to embed. */}
              <div dangerouslySetInnerHTML={{ __html: renderMarkdown(s.markdown) }} />
            </>
          ))}
          {references.length > 0 ? (
            <>
              <h2 style="font-size: 1.2em;">{t('subscriptions.bulletin.references')}</h2>
              <ul>
                {references.map((r) => (
                  <li>{isSafeLinkUrl(r.url) ? <a href={r.url}>{r.title || r.url}</a> : `${r.title} ${r.url}`.trim()}</li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
        <p>
          <a href={url} style="font-weight: bold;">
            {restricted ? t('subscriptions.bulletin.read_restricted') : t('subscriptions.bulletin.read')}
          </a>
        </p>
        <hr />
        {recipient.kind === 'subscriber' ? (
          <p style="font-size: 0.9em; color: #555555;">
            {footer[0]}{' '}
            <a href={subscriberLinks(input.publicUrl, recipient.manageToken, lang).manage}>{t('subscriptions.bulletin.footer.manage_link')}</a>
            {' · '}
            <a href={subscriberLinks(input.publicUrl, recipient.manageToken, lang).unsubscribe}>{t('subscriptions.bulletin.footer.unsubscribe_link')}</a>
          </p>
        ) : (
          footer.map((f) => <p style="font-size: 0.9em; color: #555555;">{f}</p>)
        )}
      </body>
    </html>,
  )}`;
  return { purpose: 'bulletin', to: recipient.email, subject, text: plain, html, headers };
}
