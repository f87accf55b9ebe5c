import { describe, expect, it } from 'vitest';
import type { ChartSpec } from '#src/web/components/charts/render-chart';
import { renderChart } from '#src/web/components/charts/render-chart';
import { Chart } from '#src/web/components/charts/chart';
import { renderFragment } from '#src/web/render';

const hostile = '<script>alert(1)</script> & "x"';
const longLabel = 'Tentative d’intrusion par force brute sur des services exposés';

function spec(overrides: Partial<ChartSpec> = {}): ChartSpec {
  return {
    kind: 'bar-horizontal',
    id: 'by-class',
    title: 'Incidents par classe',
    description: 'Les valeurs sont dans le tableau qui suit.',
    categories: ['Contenu abusif', longLabel, hostile],
    series: [
      { name: '2026', values: [1234, null, 7] },
      { name: '2025', values: [1000, 3, null], isPrevious: true },
    ],
    locale: 'fr',
    dir: 'ltr',
    ...overrides,
  };
}

async function renderFigure(chartSpec: ChartSpec, tableCaption?: string): Promise<string> {
  const chart = await renderChart(chartSpec);
  return renderFragment(<Chart chart={chart} caption="Incidents signalés par classe" tableLabels={{ category: 'Classe', missing: '—', caption: tableCaption }} />);
}

/** The cells of the table, row by row, tags stripped. */
function tableRows(html: string): string[][] {
  const table = /<table[\s\S]*<\/table>/.exec(html)?.[0] ?? '';
  return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(([, row = '']) => [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map(([, cell = '']) => cell.replace(/<[^>]+>/g, '')));
}

describe('<Chart>', () => {
  it('renders a figure with its caption, the SVG and a table of the same data', async () => {
    const html = await renderFigure(spec());
    expect(html).toMatch(/^<figure class="chart chart--bar-horizontal"><figcaption class="chart__caption">Incidents signalés par classe<\/figcaption>/);
    expect(html).toContain('<div class="chart__image"><svg ');
    expect(html).toMatch(/<svg [^>]*role="img"[^>]*aria-labelledby="by-class-title by-class-desc"/);
    expect(tableRows(html)).toEqual([
      ['Classe', '2026', '2025'],
      ['Contenu abusif', '1.234', '1.000'],
      [longLabel, '—', '3'],
      // Preact escapes text: `<`, `&` and `"` (a lone `>` is harmless in text).
      ['&lt;script>alert(1)&lt;/script> &amp; &quot;x&quot;', '7', '—'],
    ]);
  });

  it('marks column and row headers with their scope and names the table', async () => {
    const html = await renderFigure(spec());
    expect(html.match(/<th scope="col"/g)).toHaveLength(3);
    expect(html.match(/<th scope="row"/g)).toHaveLength(3);
    expect(html).toContain('<caption class="visually-hidden">Incidents signalés par classe</caption>');
    const captioned = await renderFigure(spec(), 'Données : incidents par classe');
    expect(captioned).toContain('<caption>Données : incidents par classe</caption>');
  });

  it('shows the full label in the table while the chart shows it cut', async () => {
    const html = await renderFigure(spec({ maxLabelLength: 20 }));
    const svg = /<svg[\s\S]*<\/svg>/.exec(html)?.[0] ?? '';
    expect(svg).toContain('Tentative d’intrusi…');
    expect(svg).not.toContain(longLabel);
    expect(tableRows(html).map((r) => r[0])).toContain(longLabel);
  });

  it('keeps hostile labels as text everywhere and adds no inline style or script', async () => {
    const html = await renderFigure(spec({ title: hostile, series: [{ name: hostile, values: [1, 2, 3] }] }));
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).toContain('&lt;script>alert(1)&lt;/script>'); // the table (Preact)
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;'); // the SVG (ECharts)
  });

  it('formats the table numbers like the chart, per locale (Latin digits in Arabic)', async () => {
    const en = tableRows(await renderFigure(spec({ locale: 'en' })));
    expect(en[1]).toEqual(['Contenu abusif', '1,234', '1,000']);
    const ar = tableRows(await renderFigure(spec({ locale: 'ar', dir: 'rtl', categories: ['محتوى مسيء', 'احتيال', 'Microsoft'] })));
    expect(ar[1]).toEqual(['محتوى مسيء', '1.234', '1.000']);
    const percent = tableRows(await renderFigure(spec({ number: { style: 'percent', maximumFractionDigits: 1 }, series: [{ name: 'Taux', values: [0.5, 0.9234, null] }] })));
    expect(percent.slice(1).map((r) => r[1])).toEqual(['50\u00a0%', '92,3\u00a0%', '—']); // a no-break space before %, as fr-MA writes
  });

  it('isolates labels so that a Latin name keeps its order on an Arabic page', async () => {
    const html = await renderFigure(spec({ locale: 'ar', dir: 'rtl', categories: ['محتوى مسيء', 'احتيال', 'Microsoft'] }));
    expect(html).toContain('<th scope="row"><bdi>Microsoft</bdi></th>');
    expect(html).toContain('<th scope="col" class="num"><bdi>2026</bdi></th>');
  });
});
