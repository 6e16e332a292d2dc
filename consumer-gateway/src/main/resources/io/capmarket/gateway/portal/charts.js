// Charts drawn with uPlot (from its WebJar, served by the gateway). Each chart has a text
// alternative: the figures it draws are always printed beside it as numbers. Each function answers
// its chart, which its page destroy()s when it redraws or is left: until then uPlot keeps the chart
// in a registry of its own and a listener on window.

import uPlot from 'uplot';

/** Colours that keep 3:1 contrast against white and stay apart for common colour blindness. */
export const PALETTE = ['#1f5fa8', '#c2410c', '#15803d', '#7e22ce', '#a16207', '#0f766e'];

function width(container) {
  return Math.max(240, Math.min(560, container.clientWidth || 480));
}

/**
 * Grouped bars: one group per category (labels), one bar per series. series: [{label, values}];
 * optional marks, one dot per category (e.g. the promised SLO); log: a logarithmic value axis,
 * for figures that differ by orders of magnitude (a lead time of milliseconds against a promise of minutes).
 */
export function barChart(container, { title, labels, series, marks, format, log }) {
  const x = labels.map((_, i) => i);
  const count = series.length;
  const size = Math.min(0.8 / count, 0.3);
  const data = [x, ...series.map(s => s.values.map(v => v ?? null))];
  const config = series.map((s, i) => ({
    label: s.label, stroke: PALETTE[i % PALETTE.length], fill: PALETTE[i % PALETTE.length] + 'cc',
    width: 1, paths: groupedBars((i - count / 2) * size, size), fillTo: log ? (u => u.scales.y.min) : 0,
    points: { show: false }, value: (u, v) => v === null ? '—' : format(v)
  }));
  if (marks) {
    data.push(marks.values.map(v => v ?? null));
    config.push({ label: marks.label, stroke: '#222', dash: [6, 4], width: 2, points: { show: true, size: 6, fill: '#222' },
      paths: uPlot.paths.points(), value: (u, v) => v === null ? '—' : format(v) });
  }
  const chart = new uPlot({
    title, width: width(container), height: 220,
    scales: { x: { time: false, range: [-0.6, labels.length - 0.4] }, y: log ? logScale() : { range: (u, min, max) => [0, Math.max(max, 1) * 1.1] } },
    axes: [
      { values: (u, ticks) => ticks.map(t => Number.isInteger(t) ? labels[t] ?? '' : ''), splits: () => x, grid: { show: false } },
      log ? { values: (u, ticks) => ticks.map(t => t === null ? '' : format(t)), size: 70,
        splits: (u, axis, min, max) => LOG_STEPS.filter(s => s >= min && s <= max), filter: (u, splits) => splits }
        : { values: (u, ticks) => ticks.map(format), size: 70 }
    ],
    legend: { live: false },
    series: [{ label: 'producer', value: (u, v) => v === null ? '—' : labels[v] }, ...config],
    cursor: { points: { show: false } }
  }, data, container);
  return chart;
}

// durations people read on a log axis: 10 ms, 100 ms, 1 s, 10 s, 1 min, 10 min, 1 h, 10 h, 1 d
const LOG_STEPS = [1, 10, 100, 1e3, 1e4, 6e4, 6e5, 3.6e6, 3.6e7, 8.64e7];

// a log axis from the step at or below the smallest figure to the step at or above the largest
function logScale() {
  return {
    distr: 3, log: 10,
    range: (u, min, max) => [LOG_STEPS.filter(s => s <= Math.max(min ?? 1, 1)).at(-1),
      LOG_STEPS.find(s => s >= (max ?? 1)) ?? LOG_STEPS.at(-1)]
  };
}

// Each series of a group is drawn from its own left edge (in x units), the group centred on its category.
function groupedBars(offset, size) {
  return uPlot.paths.bars({
    disp: {
      x0: { unit: 1, values: (u) => u.data[0].map(x => x + offset) },
      size: { unit: 1, values: () => [size] }
    }
  });
}

/** A line per series over time (x in seconds since the epoch), within [from, to]. */
export function lineChart(container, { title, times, series, from, to, format }) {
  return new uPlot({
    title, width: width(container), height: 200,
    scales: { x: { time: true, range: [from, to] }, y: { range: (u, min, max) => [0, Math.max(max ?? 0, 1) * 1.1] } },
    axes: [{}, { values: (u, ticks) => ticks.map(format), size: 70 }],
    legend: { live: false },
    series: [{}, ...series.map((s, i) => ({
      label: s.label, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: true,
      points: { show: true, size: 6 }, value: (u, v) => v === null ? '—' : format(v)
    }))]
  }, [times, ...series.map(s => s.values)], container);
}
