import type { ComponentChildren } from 'preact';
import type { RenderedChart } from '#src/web/components/charts/render-chart';
import { createChartNumberFormat } from '#src/web/components/charts/render-chart';

/** The words of a chart's data table, already localised by the caller. */
export interface ChartTableLabels {
  /** Header of the first column (the category: "Classe", "Mois"…). */
  category: string;
  /** Shown in place of a missing or suppressed value, e.g. "—". */
  missing: string;
  /** A visible table caption; without one, the figure caption names the table for screen readers only. */
  caption?: string;
}

interface ChartProps {
  /** The output of renderChart (drawn before the page is rendered: ECharts is loaded asynchronously). */
  chart: RenderedChart;
  /** The visible caption of the figure. */
  caption: string;
  tableLabels: ChartTableLabels;
  /** Extra content below the table: a definition, a source, a suppression note. */
  children?: ComponentChildren;
}

/**
 * A chart as a `<figure>`: the caption, the server-drawn SVG and, below it, a real table of the same data with the
 * full labels and the exact values. The table is always visible rather than folded in a `<details>`: it is the
 * accessible and exact form of the figure (screen readers, keyboard, suppressed values shown as text), it prints
 * without depending on whether a reader left a disclosure open, and it costs a few rows on screen. Labels are
 * isolated (`<bdi>`): a Latin organisation or vendor name keeps its order on an Arabic page.
 */
export function Chart({ chart, caption, tableLabels, children }: ChartProps) {
  const { spec } = chart;
  const format = createChartNumberFormat(spec.locale, spec.number);
  return (
    <figure class={`chart chart--${spec.kind}`}>
      <figcaption class="chart__caption">
        {caption}
      </figcaption>
      {/* Only ECharts' own output, made CSP-safe by renderChart: every label in it is escaped by the library. */}
      <div class="chart__image" dangerouslySetInnerHTML={{ __html: chart.svg }} />
      {/* Focusable and named: on a narrow screen the table scrolls sideways, and keyboards must reach it. */}
      <div class="table-wrap chart__data" tabIndex={0} role="region" aria-label={caption}>
        <table class="table chart__table">
          {/* Without a caption of its own, the table repeats the figure's for screen readers only (it is visible above). */}
          {tableLabels.caption ? <caption>{tableLabels.caption}</caption> : <caption class="visually-hidden">{caption}</caption>}
          <thead>
            <tr>
              <th scope="col">{tableLabels.category}</th>
              {spec.series.map((s) => (
                <th scope="col" class="num">
                  <bdi>{s.name}</bdi>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {spec.categories.map((category, row) => (
              <tr>
                <th scope="row">
                  <bdi>{category}</bdi>
                </th>
                {spec.series.map((s) => {
                  const value = s.values[row] ?? null;
                  return <td class="num">{value === null ? tableLabels.missing : format(value)}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {children}
    </figure>
  );
}
