// The single-file ES module build of ECharts has no declaration file of its own; it exposes exactly the API of the
// package's main entry, so it borrows those types. render-chart.ts loads it because it imports in about a tenth of
// the time of the multi-file `echarts` entry (one file to parse instead of several hundred).
declare module 'echarts/dist/echarts.esm.min.mjs' {
  export * from 'echarts';
}
