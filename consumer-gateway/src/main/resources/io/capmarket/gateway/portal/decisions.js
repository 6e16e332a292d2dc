// "Why here?": a request's matching decisions, as GET /v1/requests/{id}/decision gives them. The latest
// one in full (its sentence, the weights, every offer considered with the filter that ruled it out or
// its score per factor), the earlier ones below it, collapsed.

import * as api from './api.js';
import { el, fill, when } from './format.js';

const FACTORS = [['headroom', 'Headroom'], ['speed', 'Speed'], ['reliability', 'Reliability'], ['preference', 'Preference']];

/** A factor, weight or total with two decimals; a dash for none. */
function decimal(value) {
  return value === null || value === undefined ? '—' : Number(value).toFixed(2);
}

/**
 * The offers one decision considered, the chosen one first, as a table; with a Probation column (the
 * factor a total was multiplied by) when a producer was on probation.
 */
function candidatesTable(decision, caption) {
  const candidates = decision.candidates || [];
  const probation = candidates.some(c => c.score && c.score.probation !== undefined && c.score.probation !== 1);
  return el('div', { class: 'table-scroll' }, el('table', { class: 'candidates' },
    el('caption', { class: 'visually-hidden', text: caption }),
    el('thead', {}, el('tr', {}, ['Offer', 'Producer', 'Chosen', 'Ruled out by', 'Detail', ...FACTORS.map(([, label]) => label),
      probation ? 'Probation' : null, 'Total'].filter(Boolean).map(h => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, candidates.map(c => el('tr', { 'data-offer': c.offerId, class: c.chosen ? 'chosen' : null },
      el('th', { scope: 'row', class: 'candidate-offer', text: c.offerId }),
      el('td', { class: 'producer', text: c.producerId }),
      el('td', { class: 'chosen-mark' }, c.chosen ? el('span', { class: 'badge chosen', text: 'chosen' }) : ''),
      el('td', { class: 'filter', text: c.filter || '' }),
      el('td', { class: 'detail', text: c.detail || '' }),
      FACTORS.map(([name]) => el('td', { class: 'factor ' + name, text: c.score ? decimal(c.score[name]) : '' })),
      probation ? el('td', { class: 'factor probation', text: c.score ? '×' + decimal(c.score.probation) : '' }) : null,
      el('td', { class: 'total', text: c.score ? decimal(c.score.total) : '' }))))));
}

/** What the decision says beyond its table: offers not listed, and its note. */
function extras(decision) {
  return [
    decision.unlisted ? el('p', { class: 'hint unlisted', text: `and ${decision.unlisted} more offer(s) considered, not listed` }) : null,
    decision.note ? el('p', { class: 'note', text: decision.note }) : null
  ];
}

/** The latest decision in full. */
function latest(decision) {
  const weights = decision.weights || {};
  return el('div', { class: 'match-decision latest', 'data-outcome': decision.outcome },
    el('p', { class: 'decision-summary', id: 'why-here-summary', text: decision.summary }),
    el('p', { class: 'hint' }, `${decision.outcome} · attempt ${decision.attempt} · `,
      el('time', { datetime: decision.at, text: when(decision.at) })),
    el('h3', { text: 'Weights' }),
    el('dl', { class: 'figures weights' }, FACTORS.map(([name, label]) => el('div', { class: 'figure' },
      el('dt', { text: label }), el('dd', { class: 'weight ' + name, text: decimal(weights[name]) })))),
    (decision.candidates || []).length
      ? candidatesTable(decision, 'The offers considered, the chosen one first')
      : el('p', { class: 'empty', text: 'No offer was considered.' }),
    extras(decision));
}

/** An earlier decision, collapsed under its sentence. */
function earlier(decision) {
  return el('details', { class: 'match-decision earlier', 'data-outcome': decision.outcome },
    el('summary', {}, el('time', { datetime: decision.at, text: when(decision.at) }), ' — ', decision.summary),
    (decision.candidates || []).length ? candidatesTable(decision, 'The offers considered then') : null,
    extras(decision));
}

function render(body, answer) {
  const decisions = answer.decisions || [];
  if (!decisions.length) {
    fill(body, el('p', { class: 'empty', text: 'No matching decision yet: the request has not been matched.' }));
    return;
  }
  const older = decisions.slice(0, -1).reverse();
  fill(body, latest(decisions.at(-1)),
    older.length ? el('h3', { text: 'Earlier decisions' }) : null,
    older.map(earlier));
}

/**
 * The "Why here?" section of a request's page, loading its decisions; refresh() loads them again (after
 * a new match or wait). Only the answer of the latest load is shown; none once the page's signal aborted.
 */
export function whyHerePanel(id, signal) {
  const body = el('div', { id: 'why-here-body', 'aria-live': 'polite' }, el('p', { class: 'hint', text: 'loading…' }));
  const node = el('section', { class: 'card', id: 'why-here', 'aria-labelledby': 'why-here-title' },
    el('h2', { id: 'why-here-title', text: 'Why here?' }),
    el('p', { class: 'hint', text: 'How matching chose the offer serving this request, or why it waits.' }),
    body);
  let loads = 0;
  const refresh = async () => {
    const load = ++loads;
    try {
      const answer = await api.decision(id, { signal });
      if (load === loads && !signal.aborted) render(body, answer);
    } catch (e) {
      if (load === loads && !signal.aborted) fill(body, el('p', { class: 'error', role: 'alert', text: 'The decisions cannot be read now: ' + e.message }));
    }
  };
  refresh();
  return { node, refresh };
}
