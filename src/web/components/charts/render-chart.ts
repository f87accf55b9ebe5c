import type { BarSeriesOption, EChartsOption, LegendComponentOption, LineSeriesOption, XAXisComponentOption, YAXisComponentOption } from 'echarts';
import type { Locale } from '#src/core/i18n/i18n';
import { intlTagOf } from '#src/core/i18n/i18n';
import { assertNever } from '#src/core/errors';

/**
 * The chart kinds a CERT dashboard needs: counts per category (vertical or horizontal bars, optionally against the
 * previous period), counts per month split by a dimension (stacked bars) and trends (lines).
 */
export type ChartKind = 'bar' | 'bar-horizontal' | 'stacked-bar' | 'line';

/** One series of values, aligned with the chart's categories; null is a missing or suppressed value (a gap). */
export interface ChartSeries {
  /** The series name shown in the legend and as the table column header, already localised. */
  name: string;
  values: readonly (number | null)[];
  /** The comparison series ("previous period"): drawn in grey (dashed for lines) whatever its position. */
  isPrevious?: boolean;
}

/** How values are formatted (axis, labels, table), on top of the locale's conventions. */
export interface ChartNumberFormat {
  style?: 'decimal' | 'percent' | 'unit';
  /** A sanctioned unit identifier (`day`, `hour`…) when style is 'unit'. */
  unit?: string;
  minimumFractionDigits?: number;
  /** Defaults to 0: counts are integers. */
  maximumFractionDigits?: number;
}

/** Everything needed to draw one chart; every string is already localised by the caller. */
export interface ChartSpec {
  kind: ChartKind;
  /** Unique within the page ([a-z][a-z0-9-]*): prefixes the ids inside the SVG (title, description, clip paths). */
  id: string;
  /** The accessible name of the image (the SVG `<title>`). */
  title: string;
  /** A sentence summarising the chart for screen readers (the SVG `<desc>`), e.g. where the data table is. */
  description?: string;
  /** Category labels (x axis, or y axis for horizontal bars), in reading order. */
  categories: readonly string[];
  series: readonly ChartSeries[];
  locale: Locale;
  dir: 'ltr' | 'rtl';
  number?: ChartNumberFormat;
  /** Draws each value next to its bar (useful on print); defaults to true for horizontal bars only. */
  showValues?: boolean;
  /** Category labels longer than this (in characters) are cut with "…" in the chart, never in the table. */
  maxLabelLength?: number;
  /** Intrinsic size in SVG user units; the SVG scales to its container's width. */
  width?: number;
  height?: number;
}

/** A chart drawn by ECharts and made safe for the page; only renderChart produces one. */
export interface RenderedChart {
  readonly spec: ChartSpec;
  /** The SVG markup: ECharts' own output, post-processed (no style attribute, no script, unique ids). */
  readonly svg: string;
  readonly titleId: string;
  readonly descId: string | null;
}

/**
 * Series colours, in order: each has a contrast of at least 4.5:1 against white (WCAG AA, so they would pass even
 * as text colours; 1.4.11 asks 3:1 for graphics). Stacked segments are also separated by a white border so that
 * neighbours stay distinct for readers who do not tell the hues apart. Eleven colours cover RSIT's eleven classes;
 * past that they repeat (group the smallest categories into "other").
 */
export const chartPalette: readonly string[] = [
  '#1d3f8f', // navy 9.7:1
  '#b35c00', // dark orange 4.7:1
  '#0f7a6b', // teal 5.2:1
  '#8e3b8e', // purple 6.6:1
  '#a4161a', // dark red 7.8:1
  '#4d6b16', // olive 6.1:1
  '#0063cb', // blue 5.8:1
  '#c2185b', // raspberry 5.9:1
  '#7a5200', // brown 6.9:1
  '#006a80', // dark cyan 6.2:1
  '#3d4148', // charcoal 10.3:1
];

/** The colour of a "previous period" series: grey, 5.0:1 against white. */
export const previousPeriodColour = '#6b7079';

const textColour = '#1e1e1e'; // 16.7:1
const mutedTextColour = '#555a62'; // 6.9:1
const axisLineColour = '#6b7079'; // 5.0:1
const gridLineColour = '#d5d9e0'; // decorative
const fontSize = 13;

const fontFamilies: Record<Locale, string> = {
  fr: "'Noto Sans', 'Noto Sans Arabic', sans-serif",
  en: "'Noto Sans', 'Noto Sans Arabic', sans-serif",
  ar: "'Noto Sans Arabic', 'Noto Sans', sans-serif",
};

/**
 * The number formatter of a chart: the locale's conventions (Moroccan, Latin digits in Arabic as Moroccan official
 * statistics use) and the spec's format. The table uses the same one, so both show identical figures.
 */
export function createChartNumberFormat(locale: Locale, format: ChartNumberFormat = {}): (value: number) => string {
  const formatter = new Intl.NumberFormat(intlTagOf(locale), {
    numberingSystem: 'latn',
    style: format.style ?? 'decimal',
    ...(format.unit ? { unit: format.unit } : {}),
    minimumFractionDigits: format.minimumFractionDigits ?? 0,
    maximumFractionDigits: Math.max(format.maximumFractionDigits ?? 0, format.minimumFractionDigits ?? 0),
  });
  return (value) => formatter.format(value);
}

const rtlScript = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cuts a label to at most `max` user-perceived characters, the last one being "…"; shorter labels are unchanged. */
export function truncateLabel(label: string, max: number): string {
  const parts = Array.from(graphemes.segment(label), (s) => s.segment);
  if (parts.length <= max) return label;
  return `${parts.slice(0, Math.max(1, max - 1)).join('').trimEnd()}…`;
}

/*
 * Text widths. On the server ECharts has no canvas to measure text, and its fallback counts every character outside
 * ASCII as one em: accented French and Arabic labels came out far too wide (gaps in legends, room wasted beside
 * axes). This estimate keeps zrender's table for ASCII (Apache-2.0, zrender/src/core/platform.ts), measures an
 * accented letter as its base letter and an Arabic letter as half an em (close to Noto Sans Arabic's average, with
 * joined forms), and ignores combining marks and invisible formatting characters. It is given to ECharts and also
 * used here to lay out the legend rows.
 */
const asciiWidths = "007LLmW'55;N0500LLLLLLLLLL00NNNLzWW\\\\WQb\\0FWLg\\bWb\\WQ\\WrWWQ000CL5LLFLL0LL**F*gLLLL5F0LF\\FFF5.5N";
/** Noto Sans runs a little wider than the metrics of zrender's table. */
const notoWidthFactor = 1.05;

function characterWidthEm(character: string): number {
  const code = character.codePointAt(0) ?? 0;
  if (code >= 32 && code < 127) return ((asciiWidths.charCodeAt(code - 32) - 20) / 100) * notoWidthFactor;
  if (/[\p{M}\p{Cf}]/u.test(character)) return 0;
  if (/\p{Zs}/u.test(character)) return characterWidthEm(' ');
  if (rtlScript.test(character)) return 0.5;
  const base = character.normalize('NFD').charAt(0);
  if (base !== character && base.charCodeAt(0) < 127) return characterWidthEm(base);
  if (character === '\u2019' || character === '\u2018') return characterWidthEm("'");
  return 1;
}

/** Estimated width of a text in pixels (SVG user units) at a font size. */
export function estimateTextWidth(text: string, size: number): number {
  let em = 0;
  for (const character of text) em += characterWidthEm(character);
  return em * size;
}

const idPattern = /^[a-z][a-z0-9-]*$/i;

/** Rejects a spec that cannot be drawn faithfully (a programming error, not user input). */
function assertValidSpec(spec: ChartSpec): void {
  if (!idPattern.test(spec.id)) throw new Error(`Chart id must match ${String(idPattern)}: ${spec.id}`);
  if (spec.series.length === 0) throw new Error(`Chart ${spec.id} has no series`);
  for (const s of spec.series) {
    if (s.values.length !== spec.categories.length) {
      throw new Error(`Chart ${spec.id}: series "${s.name}" has ${s.values.length} values for ${spec.categories.length} categories`);
    }
    for (const v of s.values) {
      if (v !== null && !Number.isFinite(v)) throw new Error(`Chart ${spec.id}: series "${s.name}" has a non-finite value`);
    }
  }
}

function seriesColours(spec: ChartSpec): string[] {
  let next = 0;
  return spec.series.map((s) => {
    if (s.isPrevious) return previousPeriodColour;
    const colour = chartPalette[next % chartPalette.length] ?? previousPeriodColour;
    next += 1;
    return colour;
  });
}

function defaultSize(spec: ChartSpec): { width: number; height: number } {
  const width = spec.width ?? 640;
  if (spec.height) return { width, height: spec.height };
  if (spec.kind === 'bar-horizontal') {
    const perCategory = spec.series.length > 1 ? 14 * spec.series.length + 12 : 28;
    return { width, height: Math.max(160, 64 + spec.categories.length * perCategory + (spec.series.length > 1 ? 32 : 0)) };
  }
  return { width, height: 360 };
}

const legendTop = 4;
const legendRowHeight = 24;
const legendItemGap = 20;
const legendIconWidth = 25;
const legendMargin = 16;

/** Splits legend entries into rows that fit the width, in series order (ECharts would wrap them left to right). */
function packLegendRows(names: readonly string[], available: number): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let used = 0;
  for (const name of names) {
    const width = legendIconWidth + 5 + estimateTextWidth(name, fontSize);
    const needed = row.length === 0 ? width : used + legendItemGap + width;
    if (row.length > 0 && needed > available) {
      rows.push(row);
      row = [name];
      used = width;
    } else {
      row.push(name);
      used = needed;
    }
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

/** Builds the ECharts option for a spec: no animation, no interaction, fixed palette and fonts, mirrored in RTL. */
function buildOption(spec: ChartSpec, size: { width: number; height: number }): EChartsOption {
  const isRtl = spec.dir === 'rtl';
  const format = createChartNumberFormat(spec.locale, spec.number);
  const horizontal = spec.kind === 'bar-horizontal';
  const maxLabel = spec.maxLabelLength ?? (horizontal ? 28 : 16);
  const labels = spec.categories.map((c) => truncateLabel(c, maxLabel));
  const colours = seriesColours(spec);
  const hasLegend = spec.series.length > 1;
  const showValues = spec.showValues ?? horizontal;
  const isCount = (spec.number?.maximumFractionDigits ?? 0) === 0 && (spec.number?.style ?? 'decimal') !== 'percent';

  // Long category labels on a vertical chart are slanted when they cannot sit side by side; mirrored in RTL so
  // that each label still ends at its tick.
  const widest = labels.reduce((m, l) => Math.max(m, estimateTextWidth(l, fontSize)), 0);
  const slot = (size.width - 96) / Math.max(1, labels.length);
  const rotate = !horizontal && widest > slot * 0.9 ? (isRtl ? -40 : 40) : 0;

  const text = { color: mutedTextColour, fontSize, fontFamily: fontFamilies[spec.locale] };
  const categoryAxis = {
    type: 'category' as const,
    data: labels,
    axisTick: { alignWithLabel: true, lineStyle: { color: axisLineColour } },
    axisLine: { lineStyle: { color: axisLineColour } },
    axisLabel: { ...text, interval: 0, rotate, hideOverlap: false },
  };
  const valueAxis = {
    type: 'value' as const,
    minInterval: isCount ? 1 : 0,
    axisLabel: { ...text, formatter: (v: number) => format(v) },
    splitLine: { lineStyle: { color: gridLineColour } },
    axisLine: { show: false },
  };

  let xAxis: XAXisComponentOption;
  let yAxis: YAXisComponentOption;
  if (horizontal) {
    // First category at the top; bars grow from the inline start (from the right in RTL).
    yAxis = { ...categoryAxis, inverse: true, position: isRtl ? 'right' : 'left' };
    xAxis = { ...valueAxis, inverse: isRtl };
  } else {
    // First category at the inline start (on the right in RTL) and the value axis on that side too.
    xAxis = { ...categoryAxis, inverse: isRtl };
    yAxis = { ...valueAxis, position: isRtl ? 'right' : 'left' };
  }

  const valueLabel = {
    show: showValues,
    position: horizontal ? (isRtl ? ('left' as const) : ('right' as const)) : ('top' as const),
    color: textColour,
    fontSize: fontSize - 1,
    fontFamily: fontFamilies[spec.locale],
    formatter: (p: { value: unknown }) => (typeof p.value === 'number' ? format(p.value) : ''),
  };

  const series = spec.series.map((s, i): BarSeriesOption | LineSeriesOption => {
    const colour = colours[i] ?? previousPeriodColour;
    const data = [...s.values];
    switch (spec.kind) {
      case 'bar':
      case 'bar-horizontal':
        return { type: 'bar', name: s.name, data, itemStyle: { color: colour }, barMaxWidth: 40, barGap: '15%', label: valueLabel, silent: true };
      case 'stacked-bar':
        return {
          type: 'bar',
          name: s.name,
          data,
          stack: 'total',
          itemStyle: { color: colour, borderColor: '#ffffff', borderWidth: 1 },
          barMaxWidth: 48,
          label: { ...valueLabel, show: false },
          silent: true,
        };
      case 'line':
        return {
          type: 'line',
          name: s.name,
          data,
          connectNulls: false,
          showSymbol: true,
          showAllSymbol: true,
          symbol: s.isPrevious ? 'rect' : 'circle',
          symbolSize: 7,
          itemStyle: { color: colour },
          lineStyle: { color: colour, width: 2.5, type: s.isPrevious ? 'dashed' : 'solid' },
          label: { ...valueLabel, show: spec.showValues ?? false },
          silent: true,
        };
      default:
        return assertNever(spec.kind);
    }
  });

  const legendRows = hasLegend ? packLegendRows(spec.series.map((s) => s.name), size.width - 2 * legendMargin) : [];
  const legend: LegendComponentOption[] = legendRows.map((row, index) => ({
    top: legendTop + index * legendRowHeight,
    left: 'center',
    // One legend per row, so that in RTL each row reads from the right: first series at the top right, its marker
    // to the right of its name.
    data: isRtl ? [...row].reverse() : row,
    align: isRtl ? 'right' : 'left',
    itemGap: legendItemGap,
    itemWidth: legendIconWidth,
    selectedMode: false,
    textStyle: { ...text, color: textColour },
    icon: spec.kind === 'line' ? undefined : 'rect',
  }));
  const gridTop = legendRows.length > 0 ? legendTop + legendRows.length * legendRowHeight + 12 : 16;

  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { fontFamily: fontFamilies[spec.locale], fontSize },
    color: colours,
    legend,
    grid: { top: gridTop, bottom: 8, left: 12, right: 12, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    tooltip: { show: false },
    xAxis,
    yAxis,
    series,
  };
}

interface EChartsModule {
  init: typeof import('echarts').init;
  setPlatformAPI: typeof import('echarts').setPlatformAPI;
}

let echartsModule: Promise<EChartsModule> | undefined;

/**
 * ECharts is loaded on first use and cached, so only pages that draw charts pay for it. The single-file ES module
 * build is used: it imports several times faster than the multi-file entry (see echarts-dist.d.ts).
 */
function loadECharts(): Promise<EChartsModule> {
  echartsModule ??= import('echarts/dist/echarts.esm.min.mjs').then(
    (echarts) => {
      // This module instance of ECharts is ours alone, so its global text measurement can be replaced.
      echarts.setPlatformAPI({ measureText: (text, font) => ({ width: estimateTextWidth(text, fontSizeOf(font)) }) });
      return echarts;
    },
    (error: unknown) => {
      echartsModule = undefined; // a later call may try again
      throw error;
    },
  );
  return echartsModule;
}

function fontSizeOf(font: string | undefined): number {
  return Number(/(\d+(?:\.\d+)?)px/.exec(font ?? '')?.[1] ?? 12);
}

/** Draws a chart on the server as an accessible SVG string that the page's Content-Security-Policy accepts. */
export async function renderChart(spec: ChartSpec): Promise<RenderedChart> {
  assertValidSpec(spec);
  const echarts = await loadECharts();
  const size = defaultSize(spec);
  // ECharts' own strings (none is drawn here) in one fixed language, whatever the server's environment.
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height, locale: 'EN' });
  let raw: string;
  try {
    chart.setOption(buildOption(spec, size));
    raw = chart.renderToSVGString({ useViewBox: true });
  } finally {
    chart.dispose();
  }
  const titleId = `${spec.id}-title`;
  const descId = spec.description ? `${spec.id}-desc` : null;
  const svg = makeSvgSafe(raw, { idPrefix: spec.id, dir: spec.dir, title: spec.title, description: spec.description ?? null });
  return { spec, svg, titleId, descId };
}

/** Escapes text for an XML text node or a double-quoted attribute value. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The direction of a text by its first strong character (like `dir="auto"`), or the chart's for neutral text. */
function textDirection(escaped: string, fallback: 'ltr' | 'rtl'): 'ltr' | 'rtl' {
  // zrender's escapes hold letters ("&amp;"): drop them before looking for the first letter.
  const firstLetter = /\p{L}/u.exec(escaped.replace(/&(?:#\d+|[a-z]+);/g, ' '));
  if (!firstLetter) return fallback;
  return rtlScript.test(firstLetter[0]) ? 'rtl' : 'ltr';
}

/** SVG elements ECharts emits for these chart kinds (plus the title and description we add). */
const allowedElements = new Set(['svg', 'g', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text', 'tspan', 'defs', 'clipPath', 'title', 'desc']);

const styleToAttribute: Record<string, string> = {
  'font-size': 'font-size',
  'font-family': 'font-family',
  'font-weight': 'font-weight',
  'font-style': 'font-style',
};

/**
 * Post-processes ECharts' SVG for the page.
 *
 * Why string processing is sound here: zrender escapes every text node (`& < > " '`), so each literal `<`, `>` and
 * `"` in its output is markup, never data; attribute values come from our option only (colours, numbers, our font
 * names), never from labels. The checks at the end fail loudly if a future ECharts version emits anything else.
 *
 * - The `<style>` element (hover rules only) and `class` attributes go: CSP `style-src 'self'` would block them.
 * - `style="font-…"` on text becomes presentation attributes (allowed by the CSP, same rendering).
 * - zrender numbers its ids with a process-wide counter (`zr3-c0`): they are renamed after the chart id, so the
 *   output is deterministic and two charts on one page never share a clip path id.
 * - `ecmeta_*` attributes (interaction hints) are dropped.
 * - Direction: ECharts lays text out left to right. A text whose first strong character is right-to-left (an
 *   Arabic label, also inside a French chart), or a neutral one (a number) in an RTL chart, gets `direction="rtl"`
 *   with its start/end anchor swapped: same geometry, but mixed Arabic/Latin labels order correctly. The root pins
 *   `direction="ltr"` so that a right-to-left page does not flip the anchors of the other texts.
 * - The root gets `role="img"`, `aria-labelledby` and a `<title>`/`<desc>` (escaped here).
 */
export function makeSvgSafe(raw: string, options: { idPrefix: string; dir: 'ltr' | 'rtl'; title: string; description: string | null }): string {
  const { idPrefix, dir } = options;
  let svg = raw.replace(/<style\b[^>]*>[\s\S]*?<\/style>\s*/g, '');
  svg = svg.replace(/\sclass="[^"]*"/g, '').replace(/\secmeta_[a-z_]+="[^"]*"/g, '');
  // Only ids and references to them: a label could contain the text "zr1-".
  svg = svg.replace(/(\sid="|url\(#)zr\d+-/g, `$1${idPrefix}-`);
  svg = svg.replace(/\sstyle="([^"]*)"/g, (_whole, declarations: string) => {
    const attributes: string[] = [];
    for (const declaration of declarations.split(';')) {
      const colon = declaration.indexOf(':');
      if (colon < 0) continue;
      const property = declaration.slice(0, colon).trim();
      const value = declaration.slice(colon + 1).trim();
      const attribute = styleToAttribute[property];
      if (!attribute) throw new Error(`Unexpected style property in chart SVG: ${property}`);
      attributes.push(` ${attribute}="${value.replace(/"/g, "'")}"`);
    }
    return attributes.join('');
  });
  svg = svg.replace(/<text\b([^>]*)>([^<]*)/g, (_whole, attrs: string, content: string) => {
    if (textDirection(content, dir) === 'ltr') return `<text${attrs}>${content}`;
    const swapped = attrs.replace(/\stext-anchor="(start|end)"/, (_a, anchor: string) => ` text-anchor="${anchor === 'start' ? 'end' : 'start'}"`);
    return `<text direction="rtl"${swapped}>${content}`;
  });

  const titleId = `${idPrefix}-title`;
  const descId = `${idPrefix}-desc`;
  const labelledBy = options.description ? `${titleId} ${descId}` : titleId;
  const accessible =
    `<title id="${titleId}">${escapeXml(options.title)}</title>` +
    (options.description ? `<desc id="${descId}">${escapeXml(options.description)}</desc>` : '');
  let rootFound = false;
  svg = svg.replace(/^<svg\b([^>]*)>/, (_whole, attrs: string) => {
    rootFound = true;
    const kept = attrs.replace(/\s(?:version|baseProfile)="[^"]*"/g, '');
    return `<svg${kept} role="img" aria-labelledby="${labelledBy}" direction="ltr">${accessible}`;
  });
  if (!rootFound) throw new Error('Chart SVG does not start with <svg>');

  for (const match of svg.matchAll(/<\/?([a-zA-Z][\w:-]*)/g)) {
    if (!allowedElements.has(match[1] ?? '')) throw new Error(`Unexpected element in chart SVG: ${match[1]}`);
  }
  for (const match of svg.matchAll(/<[a-zA-Z][^>]*>/g)) {
    // Attribute names only: values are quoted and cannot contain a `"`.
    const names = match[0].replace(/"[^"]*"/g, '""').matchAll(/\s([a-zA-Z_:][\w:.-]*)=/g);
    for (const [, name = ''] of names) {
      if (name === 'style' || name === 'class' || /^on/i.test(name) || /href$/i.test(name)) {
        throw new Error(`Unexpected attribute in chart SVG: ${name}`);
      }
    }
  }
  return svg;
}
