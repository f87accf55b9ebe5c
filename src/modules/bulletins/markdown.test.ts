import { describe, expect, it } from 'vitest';
import { EXTERNAL_LINK_REL, isSafeLinkUrl, markdownToPlainText, renderMarkdown } from '#src/modules/bulletins/markdown';

/** Every href value in the rendered HTML (attribute values are double-quoted by markdown-it). */
function hrefs(html: string): string[] {
  return [...html.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1] ?? '');
}

/** Names of all attributes in all tags; the markup is markdown-it's own, so values are always double-quoted. */
function attributeNames(html: string): string[] {
  const names: string[] = [];
  for (const tag of html.matchAll(/<[a-z][a-z0-9]*((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/gi)) {
    for (const attr of (tag[1] ?? '').matchAll(/\s+([^\s=>]+)(?:="[^"]*")?/g)) names.push((attr[1] ?? '').toLowerCase());
  }
  return names;
}

/** Asserts the three properties a harmless rendering must have. */
function expectHarmless(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<(img|svg|iframe|object|embed)\b/i);
  // Attribute names of every tag, quoted values skipped: no event handler, no inline style.
  for (const name of attributeNames(html)) {
    expect(name).not.toMatch(/^on/);
    expect(name).not.toBe('style');
  }
  for (const href of hrefs(html)) {
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is stripped here
    const decoded = href.replace(/&#x?[0-9a-f]+;|&[a-z]+;/gi, '').replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
    expect(decoded).not.toMatch(/^(javascript|vbscript|data|file):/);
    expect(href.toLowerCase()).not.toContain('javascript:');
  }
}

describe('renderMarkdown: XSS vectors are harmless', () => {
  const vectors: [string, string][] = [
    ['javascript: link', '[x](javascript:alert(1))'],
    ['mixed-case scheme', '[x](JaVaScRiPt:alert(1))'],
    ['tab entity inside the scheme', '[x](java&#x09;script:alert(1))'],
    ['decimal entity for the first letter', '[x](&#106;avascript:alert(1))'],
    ['named entity for the colon', '[x](javascript&colon;alert(1))'],
    ['percent-encoded first letter', '[x](%6Aavascript:alert(1))'],
    ['angle-bracketed destination', '[x](<javascript:alert(1)>)'],
    ['reference-style definition', '[x]: javascript:alert(1)\n\n[x]'],
    ['vbscript: link', '[x](vbscript:msgbox(1))'],
    ['file: link', '[x](file:///etc/passwd)'],
    ['raw script element', '<script>alert(1)</script>'],
    ['img with onerror', '<img src=x onerror=alert(1)>'],
    ['autolink with javascript:', '<javascript:alert(1)>'],
    ['data: SVG image', '![x](data:image/svg+xml,<svg/onload=alert(1)>)'],
    ['data: HTML link', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['HTML entities spelling a tag', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['title breaking out of its attribute', '[a](https://example.com "t\\" onmouseover=alert(1) x=\\"")'],
    ['HTML block', '<div onclick="alert(1)">x</div>'],
    ['fenced code containing a script', '```html\n<script>alert(1)</script>\n```'],
    ['linkified javascript text', 'see javascript:alert(1) now'],
  ];

  it.each(vectors)('%s', (_name, source) => {
    expectHarmless(renderMarkdown(source));
  });

  it('keeps the text of a refused link but drops the anchor', () => {
    const html = renderMarkdown('[x](javascript:alert(1))');
    expect(hrefs(html)).toEqual([]);
    expect(html).toContain('[x](javascript:alert(1))');
  });

  it('shows raw HTML as escaped text', () => {
    expect(renderMarkdown('<b>bold</b>')).toBe('<p>&lt;b&gt;bold&lt;/b&gt;</p>\n');
  });

  it('escapes a quote in a link title so no attribute can be injected', () => {
    const html = renderMarkdown('[a](https://example.com "t\\" onmouseover=alert(1) x=\\"")');
    expect(html).toContain('title="t&quot; onmouseover=alert(1) x=&quot;"');
    // The attribute scanner used by expectHarmless sees exactly the real attributes.
    expect(attributeNames(html)).toEqual(['href', 'title', 'rel']);
  });
});

describe('isSafeLinkUrl', () => {
  it.each(['https://example.com/a?b=c#d', 'http://example.com', 'mailto:cert@example.ma', '/bulletins/RIBAT-2026', 'bulletins/1', '#section', '?page=2', '../up'])(
    'accepts %s',
    (url) => {
      expect(isSafeLinkUrl(url)).toBe(true);
    },
  );

  it.each([
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'java\u200bscript:alert(1)',
    'java&#x09;script:alert(1)',
    'javascript&colon;alert(1)',
    '%6Aavascript:alert(1)',
    'javascript%3Aalert(1)',
    'vbscript:msgbox(1)',
    'VBScript:msgbox(1)',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    'ftp://example.com/',
    'tel:+212500000000',
  ])('refuses %j', (url) => {
    expect(isSafeLinkUrl(url)).toBe(false);
  });
});

describe('renderMarkdown: structure', () => {
  it('shifts headings so # is h3 and deeper levels stop at h6', () => {
    const html = renderMarkdown('# One\n\n## Two\n\n#### Four\n\n###### Six');
    expect(html).toContain('<h3>One</h3>');
    expect(html).toContain('<h4>Two</h4>');
    expect(html).toContain('<h6>Four</h6>');
    expect(html).toContain('<h6>Six</h6>');
    expect(html).not.toMatch(/<h[12]/);
  });

  it('marks external links with rel and leaves relative links alone', () => {
    const html = renderMarkdown('[vendor](https://vendor.example/advisory) and [previous](/bulletins/RIBAT-2026-BUL-0001)');
    expect(html).toContain(`<a href="https://vendor.example/advisory" rel="${EXTERNAL_LINK_REL}">vendor</a>`);
    expect(html).toContain('<a href="/bulletins/RIBAT-2026-BUL-0001">previous</a>');
  });

  it('renders images as links to the image, and as text inside another link', () => {
    expect(renderMarkdown('![diagram](https://cdn.example/d.png)')).toBe(
      `<p><a href="https://cdn.example/d.png" rel="${EXTERNAL_LINK_REL}">diagram</a></p>\n`,
    );
    expect(renderMarkdown('[![logo](https://a.example/l.png)](https://b.example)')).toBe(
      `<p><a href="https://b.example" rel="${EXTERNAL_LINK_REL}">logo</a></p>\n`,
    );
  });

  it('linkifies explicit URLs and e-mail addresses but not bare domains (threat notes name attacker hosts)', () => {
    const html = renderMarkdown('Patch: https://vendor.example/fix. C2: evil-c2.example. Contact cert@dgssi.gov.ma');
    expect(hrefs(html)).toEqual(['https://vendor.example/fix', 'mailto:cert@dgssi.gov.ma']);
    expect(html).toContain('C2: evil-c2.example.');
  });

  it('renders tables with the site classes and alignment as classes, never inline styles', () => {
    const html = renderMarkdown('| Produit | Version |\n|:--|--:|\n| FortiOS | 7.4.3 |\n\n| c |\n|:-:|\n| x |');
    expect(html).toContain('<div class="table-wrap">\n<table class="table">');
    expect(html).toContain('<th class="align-start">Produit</th>');
    expect(html).toContain('<td class="align-end">7.4.3</td>');
    expect(html).toContain('<td class="align-center">x</td>');
    expect(html).not.toContain('style');
  });

  it('keeps fenced code verbatim (escaped)', () => {
    expect(renderMarkdown('```\nif (a < b) { run(); }\n```')).toBe('<pre><code>if (a &lt; b) { run(); }\n</code></pre>\n');
  });

  it('round-trips French text with accents and typographic characters untouched', () => {
    const text = 'Une vulnérabilité « critique » a été découverte dans l’interface d’administration — mettez à jour.';
    expect(renderMarkdown(text)).toBe(`<p>${text}</p>\n`);
    expect(markdownToPlainText(text)).toBe(text);
  });

  it('round-trips Arabic text with diacritics untouched', () => {
    const text = 'تمَّ اكتشاف ثغرة أمنية خطيرة في نظام التشغيل، يُرجى تحديث الأنظمة فوراً.';
    expect(renderMarkdown(`## تنبيه\n\n${text}`)).toBe(`<h4>تنبيه</h4>\n<p>${text}</p>\n`);
    expect(markdownToPlainText(text)).toBe(text);
  });
});

describe('markdownToPlainText', () => {
  it('produces no markup: headings, emphasis and code become text', () => {
    const text = markdownToPlainText('# Résumé\n\nUne **faille** _grave_ dans `libssh`.');
    expect(text).toBe('Résumé\n\nUne faille grave dans libssh.');
    expect(text).not.toMatch(/[<>*_`#]/);
  });

  it('writes links as text (url), and autolinks once', () => {
    expect(markdownToPlainText('Voir [l’avis](https://vendor.example/a) et <https://x.example/b> ou cert@example.ma.')).toBe(
      'Voir l’avis (https://vendor.example/a) et https://x.example/b ou cert@example.ma.',
    );
  });

  it('writes images as their text and URL and drops refused links to their source text', () => {
    expect(markdownToPlainText('![schéma](https://cdn.example/s.png)')).toBe('schéma (https://cdn.example/s.png)');
    expect(markdownToPlainText('[x](javascript:alert(1))')).toBe('[x](javascript:alert(1))');
  });

  it('writes lists with - and numbers, nested lists indented', () => {
    expect(markdownToPlainText('- FortiOS 7.4\n- FortiProxy\n  - 7.2\n  - 7.4\n\n3. un\n4. deux')).toBe(
      '- FortiOS 7.4\n- FortiProxy\n  - 7.2\n  - 7.4\n\n3. un\n4. deux',
    );
  });

  it('keeps code blocks verbatim, quotes prefixed and table rows separated by |', () => {
    const source = 'Commande :\n\n```sh\napt-get install --only-upgrade openssh-server\n```\n\n> Citation\n\n| Produit | Version |\n|---|---|\n| OpenSSH | < 9.8 |';
    expect(markdownToPlainText(source)).toBe(
      'Commande :\n\napt-get install --only-upgrade openssh-server\n\n> Citation\n\nProduit | Version\nOpenSSH | < 9.8',
    );
  });

  it('decodes entities to the characters they stand for and leaves author text unescaped', () => {
    expect(markdownToPlainText('AT&amp;T &lt;script&gt; & <b>')).toBe('AT&T <script> & <b>');
  });

  it('returns an empty string for empty input', () => {
    expect(markdownToPlainText('')).toBe('');
    expect(renderMarkdown('')).toBe('');
  });
});
