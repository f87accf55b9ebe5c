import { describe, expect, it } from 'vitest';
import type { ChartKind, ChartSpec } from '#src/web/components/charts/render-chart';
import { chartPalette, createChartNumberFormat, estimateTextWidth, makeSvgSafe, previousPeriodColour, renderChart, truncateLabel } from '#src/web/components/charts/render-chart';

const hostile = '<script>alert(1)</script> & "x"';
const kinds: ChartKind[] = ['bar', 'bar-horizontal', 'stacked-bar', 'line'];

function spec(overrides: Partial<ChartSpec> = {}): ChartSpec {
  return {
    kind: 'bar',
    id: 'incidents-by-class',
    title: 'Incidents par classe',
    description: 'Les valeurs sont dans le tableau qui suit.',
    categories: ['Contenu abusif', 'Code malveillant', 'Fraude', 'Disponibilité'],
    series: [
      { name: '2026', values: [12, 1500, null, 7] },
      { name: '2025', values: [10, 1200, 4, null], isPrevious: true },
    ],
    locale: 'fr',
    dir: 'ltr',
    ...overrides,
  };
}

function decode(text: string): string {
  return text.replace(/&(#\d+|amp|lt|gt|quot);/g, (_w, e: string) =>
    e.startsWith('#') ? String.fromCharCode(Number(e.slice(1))) : ({ amp: '&', lt: '<', gt: '>', quot: '"' } as Record<string, string>)[e] ?? '',
  );
}

interface SvgText {
  content: string;
  attrs: string;
  x: number;
  y: number;
}

/** The `<text>` elements of an SVG with their anchor position (transform translation plus x/y). */
function textsOf(svg: string): SvgText[] {
  return [...svg.matchAll(/<text\b([^>]*)>([^<]*)<\/text>/g)].map(([, attrs = '', content = '']) => {
    const translate = /transform="(?:translate\(([-\d.]+) ([-\d.]+)\)|matrix\([-\d.]+,[-\d.]+,[-\d.]+,[-\d.]+,([-\d.]+),([-\d.]+)\))"/.exec(attrs);
    const tx = Number(translate?.[1] ?? translate?.[3] ?? 0);
    const ty = Number(translate?.[2] ?? translate?.[4] ?? 0);
    const dx = Number(/\sx="([-\d.]+)"/.exec(attrs)?.[1] ?? 0);
    const dy = Number(/\sy="([-\d.]+)"/.exec(attrs)?.[1] ?? 0);
    return { content: decode(content), attrs, x: tx + dx, y: ty + dy };
  });
}

function textNamed(svg: string, content: string): SvgText {
  const found = textsOf(svg).find((t) => t.content === content);
  if (!found) throw new Error(`No text "${content}" in the SVG`);
  return found;
}

/** Checks that every opened element is closed in order (the SVG is well-formed as far as tags go). */
function assertBalancedTags(svg: string): void {
  const stack: string[] = [];
  for (const [, closing, name = ''] of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*>/g)) {
    if (closing) expect(stack.pop()).toBe(name);
    else stack.push(name);
  }
  expect(stack).toEqual([]);
}

function relativeLuminance(hex: string): number {
  const [r = 0, g = 0, b = 0] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

describe('renderChart: output the strict CSP accepts', () => {
  for (const kind of kinds) {
    for (const dir of ['ltr', 'rtl'] as const) {
      it(`${kind} ${dir}: no style attribute, no <style>, no script, no class, no event handler, no link`, async () => {
        const { svg } = await renderChart(spec({ kind, dir, locale: dir === 'rtl' ? 'ar' : 'fr' }));
        expect(svg.startsWith('<svg')).toBe(true);
        expect(svg).not.toMatch(/\sstyle=/);
        expect(svg).not.toMatch(/<style/i);
        expect(svg).not.toMatch(/<script/i);
        expect(svg).not.toMatch(/\sclass=/);
        expect(svg).not.toMatch(/\son[a-z]+=/i);
        expect(svg).not.toMatch(/href=/i);
        expect(svg).not.toMatch(/<animate|@keyframes/);
        // Fonts: the self-hosted families, never a remote URL.
        expect(svg.replace(/\sxmlns(?::\w+)?="[^"]*"/g, '')).not.toMatch(/url\((?!#)|https?:|\/\//);
        expect(svg).toContain(`font-family="'Noto Sans`);
        assertBalancedTags(svg);
      });
    }
  }
});

describe('makeSvgSafe: fails loudly on what it does not expect', () => {
  const options = { idPrefix: 'c', dir: 'ltr' as const, title: 't', description: null };
  it('rejects a script, a foreignObject, an unknown style property, a link', () => {
    expect(() => makeSvgSafe('<svg width="1"><script>alert(1)</script></svg>', options)).toThrow(/element.*script/);
    expect(() => makeSvgSafe('<svg width="1"><foreignObject></foreignObject></svg>', options)).toThrow(/element.*foreignObject/);
    expect(() => makeSvgSafe('<svg width="1"><text style="fill:red">x</text></svg>', options)).toThrow(/style property.*fill/);
    expect(() => makeSvgSafe('<svg width="1"><path xlink:href="#a"></path></svg>', options)).toThrow(/attribute.*href/);
    expect(() => makeSvgSafe('<svg width="1"><path onclick="x()"></path></svg>', options)).toThrow(/attribute.*onclick/);
  });

  it('turns font declarations into presentation attributes', () => {
    const svg = makeSvgSafe('<svg width="1"><text style="font-size:12px;font-family:Noto Sans;font-weight:bold;">x</text></svg>', options);
    expect(svg).toContain('<text font-size="12px" font-family="Noto Sans" font-weight="bold">x</text>');
  });
});

describe('renderChart: accessible', () => {
  it('gives the <svg> role="img" and aria-labelledby pointing to its generated <title> and <desc>', async () => {
    const chart = await renderChart(spec());
    expect(chart.titleId).toBe('incidents-by-class-title');
    expect(chart.descId).toBe('incidents-by-class-desc');
    expect(chart.svg).toMatch(/^<svg [^>]*role="img"[^>]*aria-labelledby="incidents-by-class-title incidents-by-class-desc"/);
    expect(chart.svg).toContain('<title id="incidents-by-class-title">Incidents par classe</title>');
    expect(chart.svg).toContain('<desc id="incidents-by-class-desc">Les valeurs sont dans le tableau qui suit.</desc>');
  });

  it('points aria-labelledby to the title alone when there is no description', async () => {
    const chart = await renderChart(spec({ description: undefined }));
    expect(chart.descId).toBeNull();
    expect(chart.svg).toMatch(/aria-labelledby="incidents-by-class-title"/);
    expect(chart.svg).not.toContain('<desc');
  });

  it('uses palette colours that each reach 4.5:1 against white, grey for the previous period', async () => {
    for (const colour of [...chartPalette, previousPeriodColour]) {
      expect(1.05 / (relativeLuminance(colour) + 0.05)).toBeGreaterThanOrEqual(4.5);
    }
    const { svg } = await renderChart(spec());
    expect(svg).toContain(`fill="${chartPalette[0]}"`);
    expect(svg).toContain(`fill="${previousPeriodColour}"`);
  });

  it('cuts long category labels visibly with "…"', async () => {
    const long = 'Tentative d’intrusion par force brute sur des services exposés';
    const { svg } = await renderChart(spec({ kind: 'bar-horizontal', maxLabelLength: 20, categories: ['A', long, 'B', 'C'] }));
    const shown = textsOf(svg).map((t) => t.content);
    expect(shown).toContain('Tentative d’intrusi…');
    expect(shown).not.toContain(long);
  });
});

describe('renderChart: deterministic', () => {
  it('renders the same bytes for the same input, whatever was rendered in between', async () => {
    const first = await renderChart(spec({ kind: 'line' }));
    await renderChart(spec({ id: 'other', kind: 'stacked-bar' }));
    const again = await renderChart(spec({ kind: 'line' }));
    expect(again.svg).toBe(first.svg);
  });

  it('prefixes every id with the chart id, so two charts on a page never share one', async () => {
    const a = await renderChart(spec({ id: 'chart-a', kind: 'line' }));
    const b = await renderChart(spec({ id: 'chart-b', kind: 'line' }));
    expect(a.svg).not.toMatch(/zr\d+-/);
    // A label that looks like one of zrender's ids is left alone.
    const lookalike = await renderChart(spec({ kind: 'bar-horizontal', categories: ['zr1-c0', 'B', 'C', 'D'] }));
    expect(textsOf(lookalike.svg).map((t) => t.content)).toContain('zr1-c0');
    const idsOf = (svg: string) => [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(idsOf(a.svg).length).toBeGreaterThan(2); // title, desc and at least one clip path
    expect(idsOf(a.svg).every((id) => id.startsWith('chart-a-'))).toBe(true);
    expect(idsOf(b.svg).every((id) => id.startsWith('chart-b-'))).toBe(true);
    for (const [, ref] of a.svg.matchAll(/url\(#([^)]+)\)/g)) expect(idsOf(a.svg)).toContain(ref);
  });
});

describe('renderChart: hostile labels', () => {
  it('escapes <, & and quotes from categories, series names, title and description', async () => {
    const { svg } = await renderChart(
      spec({
        kind: 'bar-horizontal',
        title: hostile,
        description: hostile,
        categories: [hostile, 'B', 'C', 'D'],
        series: [{ name: hostile, values: [1, 2, 3, 4] }, { name: 'x', values: [1, 2, 3, 4] }],
      }),
    );
    expect(svg).not.toMatch(/<script/i);
    expect(svg).not.toContain('"x"');
    expect(svg).toContain('&lt;script&gt;');
    // The label survives as text: the series name in the legend, whole.
    expect(textsOf(svg).map((t) => t.content)).toContain(hostile);
    expect(svg).toContain('<title id="incidents-by-class-title">&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;x&#34;</title>');
    assertBalancedTags(svg);
  });

  it('rejects an id that could break out of an attribute, and values that do not match the categories', async () => {
    await expect(renderChart(spec({ id: 'a" onload="x' }))).rejects.toThrow(/id/);
    await expect(renderChart(spec({ series: [{ name: 's', values: [1, 2] }] }))).rejects.toThrow(/2 values for 4 categories/);
    await expect(renderChart(spec({ series: [{ name: 's', values: [1, Number.NaN, 3, 4] }] }))).rejects.toThrow(/non-finite/);
  });
});

describe('renderChart: right to left', () => {
  const ar = ['محتوى مسيء', 'برمجيات خبيثة', 'احتيال', 'التوفر'];

  it('puts the first category on the left in LTR and on the right in RTL (vertical bars and lines)', async () => {
    for (const kind of ['bar', 'stacked-bar', 'line'] as const) {
      const ltr = await renderChart(spec({ kind }));
      expect(textNamed(ltr.svg, 'Contenu abusif').x).toBeLessThan(textNamed(ltr.svg, 'Disponibilité').x);
      const rtl = await renderChart(spec({ kind, locale: 'ar', dir: 'rtl', categories: ar }));
      expect(textNamed(rtl.svg, ar[0] ?? '').x).toBeGreaterThan(textNamed(rtl.svg, ar[3] ?? '').x);
    }
  });

  it('puts the value axis on the right in RTL', async () => {
    const width = 640;
    const ltr = await renderChart(spec({ width }));
    const rtl = await renderChart(spec({ width, locale: 'ar', dir: 'rtl', categories: ar }));
    expect(textNamed(ltr.svg, '0').x).toBeLessThan(width / 2);
    expect(textNamed(rtl.svg, '0').x).toBeGreaterThan(width / 2);
  });

  it('horizontal bars: first category at the top, labels on the right and bars growing leftwards in RTL', async () => {
    const width = 640;
    const ltr = await renderChart(spec({ kind: 'bar-horizontal', width }));
    expect(textNamed(ltr.svg, 'Contenu abusif').y).toBeLessThan(textNamed(ltr.svg, 'Disponibilité').y);
    expect(textNamed(ltr.svg, 'Contenu abusif').x).toBeLessThan(width / 2);
    const rtl = await renderChart(spec({ kind: 'bar-horizontal', width, locale: 'ar', dir: 'rtl', categories: ar }));
    expect(textNamed(rtl.svg, ar[0] ?? '').y).toBeLessThan(textNamed(rtl.svg, ar[3] ?? '').y);
    expect(textNamed(rtl.svg, ar[0] ?? '').x).toBeGreaterThan(width / 2);
    // The value labels (1.500 is the largest bar) sit to the left of the zero.
    expect(textNamed(rtl.svg, '1.500').x).toBeLessThan(textNamed(rtl.svg, '0').x);
  });

  it('orders the legend right to left and marks Arabic text as right-to-left with mirrored anchors', async () => {
    const rtl = await renderChart(spec({ locale: 'ar', dir: 'rtl', categories: ar, series: [{ name: 'هذه السنة', values: [1, 2, 3, 4] }, { name: 'السنة الماضية', values: [1, 2, 3, 4], isPrevious: true }] }));
    expect(textNamed(rtl.svg, 'هذه السنة').x).toBeGreaterThan(textNamed(rtl.svg, 'السنة الماضية').x);
    expect(textNamed(rtl.svg, ar[0] ?? '').attrs).toContain('direction="rtl"');
    // A Latin label keeps left-to-right order on an Arabic chart; the root pins its own direction.
    const mixed = await renderChart(spec({ locale: 'ar', dir: 'rtl', categories: ['Microsoft', ...ar.slice(1)] }));
    expect(textNamed(mixed.svg, 'Microsoft').attrs).not.toContain('direction=');
    expect(mixed.svg).toMatch(/^<svg [^>]*direction="ltr"/);
    // The same chart in LTR has no right-to-left text, and the value axis anchors are ECharts' own.
    const ltr = await renderChart(spec());
    expect(ltr.svg).not.toContain('direction="rtl"');
    expect(textNamed(ltr.svg, '0').attrs).toContain('text-anchor="end"');
    expect(textNamed(rtl.svg, '0').attrs).toContain('text-anchor="end"'); // "start" (right axis) swapped for RTL
    expect(textNamed(rtl.svg, '0').attrs).toContain('direction="rtl"');
  });
});

describe('renderChart: legend', () => {
  const names = ['Contenu abusif', 'Code malveillant', 'Collecte d’informations', 'Tentative d’intrusion', 'Intrusion', 'Disponibilité', 'Sécurité de l’information', 'Fraude'];
  const months = ['janv.', 'févr.', 'mars', 'avr.'];
  const many = (locale: 'fr' | 'ar', dir: 'ltr' | 'rtl'): ChartSpec =>
    spec({ kind: 'stacked-bar', locale, dir, categories: months, series: names.map((name, i) => ({ name, values: [i + 1, 2, 3, 4] })) });

  it('wraps into rows in series order and keeps the plot below the last row', async () => {
    const { svg } = await renderChart(many('fr', 'ltr'));
    const legend = names.map((n) => textNamed(svg, n));
    const rows = [...new Set(legend.map((t) => t.y))];
    expect(rows.length).toBeGreaterThan(1);
    expect(legend[0]?.y).toBe(Math.min(...rows));
    expect(legend.at(-1)?.y).toBe(Math.max(...rows));
    expect(legend[0]?.x ?? 0).toBeLessThan(legend[1]?.x ?? 0);
    // The top of the value axis (its largest label) is below the legend.
    const axisTop = Math.min(...textsOf(svg).filter((t) => /^\d+$/.test(t.content)).map((t) => t.y));
    expect(axisTop).toBeGreaterThan(Math.max(...rows));
  });

  it('reads each row from the right in RTL', async () => {
    const { svg } = await renderChart(many('ar', 'rtl'));
    const first = textNamed(svg, names[0] ?? '');
    const second = textNamed(svg, names[1] ?? '');
    expect(first.y).toBe(second.y);
    expect(first.x).toBeGreaterThan(second.x);
    expect(first.y).toBe(Math.min(...names.map((n) => textNamed(svg, n).y)));
  });
});

describe('estimateTextWidth', () => {
  it('measures accented letters as their base letter, Arabic letters as half an em, marks as nothing', () => {
    expect(estimateTextWidth('Sécurité', 10)).toBeCloseTo(estimateTextWidth('Securite', 10));
    expect(estimateTextWidth('احتيال', 10)).toBeCloseTo(30);
    expect(estimateTextWidth('92,3\u200e%\u200e', 10)).toBeCloseTo(estimateTextWidth('92,3%', 10));
    expect(estimateTextWidth('1\u00a0234', 10)).toBeCloseTo(estimateTextWidth('1 234', 10));
  });
});

describe('renderChart: missing values', () => {
  it('draws no bar for a null value', async () => {
    const { svg } = await renderChart(spec({ series: [{ name: 's', values: [3, null, 5, null] }] }));
    const bars = [...svg.matchAll(new RegExp(`<path [^>]*fill="${chartPalette[0]}"`, 'g'))];
    expect(bars).toHaveLength(2);
  });

  it('breaks a line at a null value instead of joining the neighbours', async () => {
    const { svg } = await renderChart(spec({ kind: 'line', series: [{ name: 's', values: [3, 4, null, 5] }] }));
    const line = /<path d="([^"]*)" fill="none"[^>]*stroke="#1d3f8f" stroke-width="2.5"/.exec(svg);
    expect(line?.[1]?.match(/M/g)).toHaveLength(2);
  });
});

describe('number formatting', () => {
  it('follows the locale, with Latin digits in Arabic', () => {
    expect(createChartNumberFormat('fr')(1234567)).toBe('1.234.567');
    expect(createChartNumberFormat('en')(1234567)).toBe('1,234,567');
    expect(createChartNumberFormat('ar')(1234567)).toBe('1.234.567');
    expect(createChartNumberFormat('ar')(1234567)).not.toMatch(/[\u0660-\u0669\u06f0-\u06f9]/);
    expect(createChartNumberFormat('fr', { maximumFractionDigits: 1 })(12.345)).toBe('12,3');
    expect(createChartNumberFormat('en', { style: 'percent', maximumFractionDigits: 1 })(0.9234)).toBe('92.3%');
    expect(createChartNumberFormat('en', { style: 'unit', unit: 'day', maximumFractionDigits: 1 })(2.5)).toBe('2.5 days');
  });

  it('formats the value axis with the locale', async () => {
    const fr = textsOf((await renderChart(spec())).svg).map((t) => t.content);
    const en = textsOf((await renderChart(spec({ locale: 'en' }))).svg).map((t) => t.content);
    expect(fr).toContain('1.500');
    expect(en).toContain('1,500');
  });
});

describe('truncateLabel', () => {
  it('keeps short labels and cuts long ones to the given length, "…" included', () => {
    expect(truncateLabel('Fraude', 6)).toBe('Fraude');
    expect(truncateLabel('Disponibilité', 6)).toBe('Dispo…');
    expect(truncateLabel('Code malveillant', 6)).toBe('Code…');
    expect(truncateLabel('برمجيات خبيثة', 8)).toBe('برمجيات…');
  });
});
