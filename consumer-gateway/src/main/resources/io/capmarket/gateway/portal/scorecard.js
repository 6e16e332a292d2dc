// Scorecard: speed, safety, efficiency and scalability per capability and producer, as numbers
// and as plots. Bars compare producers over the scorecard's window; the trend plots the figures
// this page has seen since it opened (the gateway keeps the latest scorecard only).

import * as api from './api.js';
import { el, fill, duration, percent, number, when, band, bandBadge } from './format.js';
import { barChart, lineChart } from './charts.js';

const TREND_KEY = 'capmarket.trend.';
const TREND_POINTS = 360;

/** Rejections per match made, SLO breaches per finished attempt: rates from the counts. */
export function rates(figures) {
  const finished = figures.safety.fulfilled + figures.safety.failed;
  return {
    failure: figures.safety.failureRate,
    rejection: figures.scalability.matched ? figures.safety.rejected / figures.scalability.matched : 0,
    breach: finished ? figures.safety.sloBreaches / finished : 0
  };
}

/** The largest promise among a producer's offers for a capability (or all of them): the SLO its p95 is held to. */
function promise(capability, producerId) {
  const offers = (capability ? capability.offers : []).filter(o => !producerId || o.producerId === producerId);
  return offers.length ? Math.max(...offers.map(o => o.leadTimeSloMs)) : null;
}

/**
 * #/scorecard, redrawn when a figure changes. uPlot holds each chart (in its own registry, with a
 * listener on window) until destroy(): the charts drawn are destroyed before each redraw and when
 * the user leaves the page.
 */
export async function scorecardPage(view, live) {
  const charts = [];
  const destroy = () => charts.splice(0).forEach(chart => chart.destroy());
  live.signal.addEventListener('abort', destroy, { once: true });
  const refresh = async () => {
    const { capabilities, scores, key } = await api.figures({ signal: live.signal });
    if (live.signal.aborted) return;
    scores.forEach(remember);
    live.again(refresh, 10_000);
    if (!live.changed(key)) return;
    destroy();
    draw(view, capabilities, scores);
    // plots are drawn once their containers are laid out, so that they take the width they have
    view.querySelectorAll('[data-plot]').forEach(container => {
      const chart = container.plot();
      if (chart) charts.push(chart);
    });
  };
  await refresh();
}

function draw(view, capabilities, scores) {
  fill(view,
    el('h1', { text: 'Scorecard' }),
    el('p', { class: 'lead', text: 'What users feel: speed (lead time), safety (failures, rejections, SLO breaches), '
      + 'efficiency (utilisation, waiting) and scalability (throughput, backlog). Bands rate the p95 lead time against '
      + 'the promise: elite within half of it, high within it, medium within twice it, low beyond.' }),
    scores.length ? null : el('p', { class: 'empty', text: 'No scorecard yet: the topology publishes one per capability once it is offered.' }),
    el('div', { id: 'scorecard' }, scores.map(score => scoreSection(score, capabilities.find(c => c.name === score.capability)))));
}

function scoreSection(score, capability) {
  const w = score.window;
  const r = rates(w);
  const slo = promise(capability);
  const windowText = duration(score.windowMs);
  const producers = score.producers || [];
  const labels = producers.map(p => p.producerId);
  return el('section', { class: 'card score', 'data-capability': score.capability, 'aria-labelledby': 'score-' + score.capability },
    el('div', { class: 'capability-head' },
      el('h2', { id: 'score-' + score.capability, text: score.capability }),
      el('p', { class: 'hint', text: `window ${windowText}, computed ${when(score.at)}` })),
    el('div', { class: 'dimensions' },
      dimension('Speed', [
        ['Lead time p50', duration(w.speed.submittedToFulfilled.p50Ms), 'p50'],
        ['Lead time p95', duration(w.speed.submittedToFulfilled.p95Ms), 'p95'],
        ['Time to match p95', duration(w.speed.submittedToMatched.p95Ms)],
        ['Samples', String(w.speed.submittedToFulfilled.samples)]
      ], bandBadge(band(w.speed.submittedToFulfilled.p95Ms, slo))),
      dimension('Safety', [
        ['Failure rate', percent(r.failure), 'failure-rate'],
        ['Rejection rate', percent(r.rejection), 'rejection-rate'],
        ['SLO-breach rate', percent(r.breach), 'breach-rate'],
        ['Fulfilled / failed', `${w.safety.fulfilled} / ${w.safety.failed}`]
      ]),
      dimension('Efficiency', [
        ['Utilisation', percent(w.efficiency.utilization), 'utilization'],
        ['In flight / capacity', `${w.efficiency.inFlight} / ${w.efficiency.capacity}`],
        ['Waiting', String(w.efficiency.waiting), 'waiting'],
        ['Wait to match p50', duration(w.speed.submittedToMatched.p50Ms)]
      ]),
      dimension('Scalability', [
        ['Throughput', number(w.scalability.fulfilledPerMinute) + ' / min', 'throughput'],
        ['Backlog', String(w.scalability.backlog), 'backlog'],
        ['Submitted', String(w.scalability.submitted)],
        ['Matches made', String(w.scalability.matched)]
      ])),
    producers.length ? producerTable(score, capability) : null,
    el('div', { class: 'plots' },
      producers.length ? plot('Lead time by producer', container => barChart(container, {
        title: 'Lead time by producer (log scale)', labels, format: duration, log: true,
        series: [
          { label: 'p50', values: producers.map(p => p.window.speed.submittedToFulfilled.p50Ms) },
          { label: 'p95', values: producers.map(p => p.window.speed.submittedToFulfilled.p95Ms) }],
        marks: { label: 'promised p95', values: producers.map(p => promise(capability, p.producerId)) }
      })) : null,
      producers.length ? plot('Safety by producer', container => barChart(container, {
        title: 'Safety by producer', labels, format: v => percent(v),
        series: [
          { label: 'failure', values: producers.map(p => rates(p.window).failure) },
          { label: 'rejection', values: producers.map(p => rates(p.window).rejection) },
          { label: 'SLO breach', values: producers.map(p => rates(p.window).breach) }]
      })) : null,
      plot('Throughput and backlog', container => {
        const trend = recall(score.capability);
        const to = Date.parse(score.at) / 1000;
        return lineChart(container, {
          title: 'Throughput (per min) and backlog', from: to - score.windowMs / 1000, to, format: number,
          times: trend.map(p => p.t),
          series: [{ label: 'throughput / min', values: trend.map(p => p.throughput) },
            { label: 'backlog', values: trend.map(p => p.backlog) },
            { label: 'utilisation %', values: trend.map(p => p.utilization * 100) }]
        });
      })));
}

function dimension(title, figures, badge) {
  return el('div', { class: 'dimension' },
    el('h3', {}, title, badge ? ' ' : null, badge || null),
    el('dl', { class: 'figures' }, figures.map(([label, value, name]) =>
      el('div', { class: 'figure' }, el('dt', { text: label }), el('dd', { class: name || null, text: value })))));
}

function producerTable(score, capability) {
  const rows = score.producers.map(p => {
    const w = p.window;
    const r = rates(w);
    const slo = promise(capability, p.producerId);
    return el('tr', { 'data-producer': p.producerId },
      el('th', { scope: 'row', text: p.producerId }),
      el('td', { text: duration(w.speed.submittedToFulfilled.p50Ms) }),
      el('td', { text: duration(w.speed.submittedToFulfilled.p95Ms) }),
      el('td', { text: duration(slo) }),
      el('td', {}, bandBadge(band(w.speed.submittedToFulfilled.p95Ms, slo))),
      el('td', { text: percent(r.failure) }),
      el('td', { text: percent(r.rejection) }),
      el('td', { text: percent(r.breach) }),
      el('td', { text: percent(w.efficiency.utilization) }),
      el('td', { text: number(w.scalability.fulfilledPerMinute) }),
      el('td', { text: String(w.scalability.backlog) }));
  });
  return el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Figures per producer of ' + score.capability },
    el('table', { class: 'producers' },
      el('caption', { text: 'Per producer, over the window' }),
      el('thead', {}, el('tr', {}, ['Producer', 'p50', 'p95', 'Promise', 'Band', 'Failure', 'Rejection', 'SLO breach',
        'Utilisation', 'Throughput / min', 'Backlog'].map(h => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, rows)));
}

/** A figure holding one chart, drawn by container.plot() once laid out, which answers the chart (null when it failed). */
function plot(title, draw) {
  const container = el('div', { class: 'plot-area' });
  container.dataset.plot = title;
  container.plot = () => {
    try {
      return draw(container);
    } catch (e) {
      fill(container, el('p', { class: 'error', text: 'The plot could not be drawn: ' + e.message }));
      return null;
    }
  };
  return el('figure', { class: 'plot' }, container, el('figcaption', { class: 'visually-hidden', text: title + '; the figures are in the table above.' }));
}

function remember(score) {
  const key = TREND_KEY + score.capability;
  const trend = JSON.parse(sessionStorage.getItem(key) || '[]');
  const t = Date.parse(score.at) / 1000;
  if (!trend.length || trend[trend.length - 1].t < t) {
    const w = score.window;
    trend.push({ t, throughput: w.scalability.fulfilledPerMinute, backlog: w.scalability.backlog, utilization: w.efficiency.utilization });
  }
  const from = t - score.windowMs / 1000;
  sessionStorage.setItem(key, JSON.stringify(trend.filter(p => p.t >= from).slice(-TREND_POINTS)));
}

function recall(capability) {
  return JSON.parse(sessionStorage.getItem(TREND_KEY + capability) || '[]');
}
