// Bulletin Markdown (description, solutions, workarounds) rendered to safe HTML for the site and to plain text for
// e-mails, feeds and CSAF text fields. One configured markdown-it instance; every security decision is made on the
// token stream (before rendering) so that the HTML and the plain-text outputs agree on what is a link.
import MarkdownIt from 'markdown-it';
import type { StateCore, Token } from 'markdown-it';

/** Schemes a bulletin link may use; anything else (javascript:, vbscript:, data:, file:, ftp:, …) is refused. */
const ALLOWED_SCHEMES: ReadonlySet<string> = new Set(['http', 'https', 'mailto']);

/** `rel` put on every link that leaves the site. */
export const EXTERNAL_LINK_REL = 'noopener noreferrer nofollow';

/** A `#` heading in a bulletin becomes `<h3>`: the page already owns `<h1>` (title) and `<h2>` (sections). */
const HEADING_OFFSET = 2;

// Browsers drop ASCII tab and newline anywhere in a URL and trim C0 controls and spaces around it before they read
// the scheme; invisible format characters (soft hyphen, zero-width, bidi controls, BOM) can hide a scheme from a
// reader. All of them are removed before the scheme is checked, so `java\tscript:` is seen as `javascript:`.
// eslint-disable-next-line no-control-regex, no-misleading-character-class -- single code points, matched one by one on purpose
const INVISIBLE = /[\u0000-\u0020\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]/g;

const SCHEME = /^([a-z][a-z0-9+.-]*):/;

/** Decodes %XX escapes one level, leaving malformed sequences as they are. */
function percentDecodeOnce(value: string): string {
  return value.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** The forms a browser (or a second decoding by some consumer) could read the URL as, normalised for the check. */
function urlReadings(url: string, unescape: (s: string) => string): string[] {
  const readings = new Set<string>();
  let current = url;
  // Three rounds cover entity-in-percent and percent-in-entity nesting; a longer chain cannot become a scheme in a
  // browser anyway, this is defence in depth on top of markdown-it's own decoding.
  for (let round = 0; round < 3; round += 1) {
    readings.add(current.replace(INVISIBLE, '').toLowerCase());
    const next = percentDecodeOnce(unescape(current));
    if (next === current) break;
    current = next;
  }
  return [...readings];
}

/**
 * True when `url` may be the target of a link in a bulletin: `http:`, `https:` and `mailto:` URLs and relative
 * references only. Case, entities, percent-escapes and hidden whitespace are all seen through.
 */
export function isSafeLinkUrl(url: string): boolean {
  for (const reading of urlReadings(url, markdown.utils.unescapeAll)) {
    const scheme = SCHEME.exec(reading);
    if (scheme !== null) {
      if (!ALLOWED_SCHEMES.has(scheme[1] ?? '')) return false;
      continue;
    }
    // No valid scheme: a colon before the first `/`, `?` or `#` is either a malformed scheme or something a lenient
    // parser could treat as one. Relative links never need it, so refuse.
    const end = reading.search(/[/?#]/);
    const head = end === -1 ? reading : reading.slice(0, end);
    if (head.includes(':')) return false;
  }
  return true;
}

/** True when the link leaves the site: it has a scheme or is protocol-relative (`//host`, `\\host`, `/\host`). */
function isExternalUrl(url: string): boolean {
  const reading = url.replace(INVISIBLE, '').toLowerCase();
  return SCHEME.test(reading) || /^[/\\]{2}/.test(percentDecodeOnce(reading));
}

const markdown = new MarkdownIt('default', {
  html: false,
  linkify: true,
  typographer: false,
  breaks: false,
});

markdown.validateLink = (url: string): boolean => url.trim() !== '' && isSafeLinkUrl(url);

// Only explicit links (`https://…`, `mailto:…`) are made clickable in running text: bare domains are left as text
// because threat notes name attacker infrastructure (`evil-c2.example`) that must not become a link. The
// protocol-relative `//host` form is not linkified either.
markdown.linkify.set({ fuzzyLink: false, fuzzyIP: false, fuzzyEmail: true });
markdown.linkify.add('//', null);
markdown.linkify.add('ftp:', null);

/** Plain text of inline tokens (used for image alternative text). */
function inlineText(tokens: readonly Token[] | null): string {
  if (tokens === null) return '';
  return tokens
    .map((token) => {
      if (token.type === 'text' || token.type === 'code_inline') return token.content;
      if (token.type === 'softbreak' || token.type === 'hardbreak') return ' ';
      if (token.type === 'image') return inlineText(token.children);
      return '';
    })
    .join('');
}

function textToken(state: StateCore, content: string, level: number): Token {
  const token = new state.Token('text', '', 0);
  token.content = content;
  token.level = level;
  return token;
}

/**
 * Rewrites one inline token list: links with an unsafe or empty target lose their anchor (the text stays), external
 * links get `rel`, and images become links to the image (our CSP loads no remote image) or plain text inside a link.
 */
function sanitiseInline(state: StateCore, children: Token[]): Token[] {
  const out: Token[] = [];
  // Stack of decisions for the currently open links: true = anchor kept, false = anchor dropped.
  const openLinks: boolean[] = [];
  for (const token of children) {
    if (token.type === 'link_open') {
      const href = String(token.attrGet('href') ?? '');
      const keep = href.trim() !== '' && isSafeLinkUrl(href) && !openLinks.includes(true);
      openLinks.push(keep);
      if (!keep) continue;
      // Only the attributes markdown-it sets for links survive; `rel` is recomputed here.
      token.attrs = (token.attrs ?? []).filter(([name]) => name === 'href' || name === 'title');
      if (isExternalUrl(href)) token.attrSet('rel', EXTERNAL_LINK_REL);
      out.push(token);
      continue;
    }
    if (token.type === 'link_close') {
      const kept = openLinks.pop() ?? false;
      if (kept) out.push(token);
      continue;
    }
    if (token.type === 'image') {
      const alt = inlineText(token.children);
      const src = String(token.attrGet('src') ?? '');
      const insideLink = openLinks.includes(true);
      if (insideLink || src.trim() === '' || !isSafeLinkUrl(src)) {
        if (alt !== '') out.push(textToken(state, alt, token.level));
        continue;
      }
      const open = new state.Token('link_open', 'a', 1);
      open.attrs = [['href', src]];
      const title = token.attrGet('title');
      if (title !== null && title !== '') open.attrSet('title', String(title));
      if (isExternalUrl(src)) open.attrSet('rel', EXTERNAL_LINK_REL);
      open.level = token.level;
      const close = new state.Token('link_close', 'a', -1);
      close.level = token.level;
      out.push(open, textToken(state, alt === '' ? src : alt, token.level + 1), close);
      continue;
    }
    out.push(token);
  }
  return out;
}

const ALIGN_CLASS: Readonly<Record<string, string>> = {
  'text-align:left': 'align-start',
  'text-align:center': 'align-center',
  'text-align:right': 'align-end',
};

/** Core rule run last: every structural and security rewrite of the token stream. */
function ribatRewrite(state: StateCore): void {
  for (const token of state.tokens) {
    switch (token.type) {
      case 'heading_open':
      case 'heading_close': {
        const level = Number(token.tag.slice(1));
        token.tag = `h${Math.min(6, level + HEADING_OFFSET)}`;
        break;
      }
      case 'table_open':
        token.attrSet('class', 'table');
        break;
      case 'th_open':
      case 'td_open': {
        // Column alignment arrives as an inline style, which the CSP forbids: turn it into a class.
        const style = token.attrGet('style');
        token.attrs = null;
        const cls = style === null ? undefined : ALIGN_CLASS[String(style)];
        if (cls !== undefined) token.attrSet('class', cls);
        break;
      }
      case 'inline':
        if (token.children !== null) token.children = sanitiseInline(state, token.children);
        break;
      default:
        break;
    }
  }
}

markdown.core.ruler.push('ribat_rewrite', ribatRewrite);

// Tables are wrapped so wide ones scroll inside the column instead of widening the page.
markdown.renderer.rules.table_open = (tokens, idx, options, _env, self) =>
  `<div class="table-wrap">\n${self.renderToken(tokens, idx, options)}`;
markdown.renderer.rules.table_close = (tokens, idx, options, _env, self) =>
  `${self.renderToken(tokens, idx, options)}</div>\n`;

/**
 * Renders bulletin Markdown to HTML safe to insert in a page: raw HTML is shown as text, links are limited to
 * http(s), mailto and relative targets, images become links, `#` headings start at `<h3>`, and no `style` attribute
 * is ever produced.
 */
export function renderMarkdown(source: string): string {
  return markdown.render(source);
}

/** Converts inline tokens to plain text: links as `text (url)`, code kept, line breaks kept. */
function inlineToPlainText(tokens: readonly Token[]): string {
  let out = '';
  const links: { href: string; start: number }[] = [];
  for (const token of tokens) {
    switch (token.type) {
      case 'text':
      case 'code_inline':
        out += token.content;
        break;
      case 'softbreak':
      case 'hardbreak':
        out += '\n';
        break;
      case 'link_open':
        links.push({ href: String(token.attrGet('href') ?? ''), start: out.length });
        break;
      case 'link_close': {
        const link = links.pop();
        if (link === undefined) break;
        const text = out.slice(link.start);
        const bare = link.href.startsWith('mailto:') ? link.href.slice('mailto:'.length) : link.href;
        // Autolinks and linkified URLs already show their target: do not print it twice.
        if (text !== link.href && text !== bare && text !== markdown.normalizeLinkText(link.href)) {
          out += ` (${link.href})`;
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/** Prefixes every line of `text`: the first with `first`, the others with `rest`. */
function prefixLines(text: string, first: string, rest: string): string {
  return text
    .split('\n')
    .map((line, index) => (index === 0 ? first : rest) + line)
    .join('\n')
    .replace(/[ \t]+$/gm, '');
}

interface BlockNode {
  token: Token;
  children: BlockNode[];
  close: Token | null;
}

/** Builds the block tree from markdown-it's flat opening/closing token list. */
function blockTree(tokens: readonly Token[]): BlockNode[] {
  const root: BlockNode[] = [];
  const stack: BlockNode[] = [];
  for (const token of tokens) {
    const parent = stack.at(-1);
    const siblings = parent === undefined ? root : parent.children;
    if (token.nesting === 1) {
      const node: BlockNode = { token, children: [], close: null };
      siblings.push(node);
      stack.push(node);
    } else if (token.nesting === -1) {
      const node = stack.pop();
      if (node !== undefined) node.close = token;
    } else {
      siblings.push({ token, children: [], close: null });
    }
  }
  return root;
}

/** Renders a list of sibling blocks, separating them by a blank line (or a single line break in tight lists). */
function blocksToPlainText(nodes: readonly BlockNode[], tight = false): string {
  const parts = nodes.map((node) => blockToPlainText(node)).filter((part) => part !== '');
  return parts.join(tight ? '\n' : '\n\n');
}

function blockToPlainText(node: BlockNode): string {
  const { token } = node;
  switch (token.type) {
    case 'inline':
      return inlineToPlainText(token.children ?? []);
    case 'paragraph_open':
    case 'heading_open':
      return blocksToPlainText(node.children);
    case 'fence':
    case 'code_block':
      return token.content.replace(/\n$/, '');
    case 'hr':
      return '----';
    case 'blockquote_open':
      return prefixLines(blocksToPlainText(node.children), '> ', '> ');
    case 'bullet_list_open':
    case 'ordered_list_open': {
      const ordered = token.type === 'ordered_list_open';
      let number = Number(token.attrGet('start') ?? 1);
      const tight = node.children.every((item) => item.children.every((child) => child.token.hidden || child.token.type !== 'paragraph_open'));
      const items = node.children.map((item) => {
        const marker = ordered ? `${number++}. ` : '- ';
        return prefixLines(blocksToPlainText(item.children, tight), marker, ' '.repeat(marker.length));
      });
      return items.join(tight ? '\n' : '\n\n');
    }
    case 'table_open': {
      const rows: string[] = [];
      const collect = (n: BlockNode): void => {
        if (n.token.type === 'tr_open') {
          rows.push(n.children.map((cell) => blocksToPlainText(cell.children).replace(/\n/g, ' ')).join(' | '));
          return;
        }
        n.children.forEach(collect);
      };
      node.children.forEach(collect);
      return rows.join('\n');
    }
    default:
      return blocksToPlainText(node.children);
  }
}

/**
 * Converts bulletin Markdown to plain text for e-mails, feeds and CSAF text fields: no markup at all, links as
 * `text (url)`, list items as `- ` or `1. `, code kept verbatim. Text is returned as written (a `<` typed by the
 * author stays a `<`): whoever embeds it in another format escapes it for that format.
 */
export function markdownToPlainText(source: string): string {
  const tokens = markdown.parse(source, {});
  return blocksToPlainText(blockTree(tokens)).trim();
}
