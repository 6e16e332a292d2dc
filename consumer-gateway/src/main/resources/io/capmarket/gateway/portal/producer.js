// Producer view: a producer team's offers with their load and lead time against the promise,
// its work in flight, SLO breaches and rejections per capability. A producer sees its own; an
// admin picks any producer.

import * as api from './api.js';
import { el, fill, duration, percent } from './format.js';
import { offerCard, producerFigures } from './catalog.js';
import { rates } from './scorecard.js';

/** #/producer, redrawn when a figure changes. */
export async function producerPage(view, me, params, navigate, live) {
  const { capabilities, scores, key } = await api.figures({ signal: live.signal });
  if (live.signal.aborted) return;
  live.again(() => producerPage(view, me, params, navigate, live), 10_000);
  if (!live.changed(key)) return;
  const producers = [...new Set(capabilities.flatMap(c => c.offers.map(o => o.producerId)))].sort();
  const producerId = me.role === 'admin' ? (params.get('producer') || producers[0] || '') : me.team;
  const mine = capabilities.filter(c => c.offers.some(o => o.producerId === producerId));
  const offers = mine.flatMap(c => c.offers.filter(o => o.producerId === producerId).map(o => ({ capability: c, offer: o })));
  const inFlight = offers.reduce((sum, { offer }) => sum + offer.inFlight, 0);
  const capacity = offers.reduce((sum, { offer }) => sum + offer.capacity, 0);
  const totals = mine.map(c => producerFigures(scores, c.name, producerId)).filter(Boolean)
    .reduce((t, w) => ({ breaches: t.breaches + w.safety.sloBreaches, rejected: t.rejected + w.safety.rejected,
      failed: t.failed + w.safety.failed, fulfilled: t.fulfilled + w.safety.fulfilled }),
    { breaches: 0, rejected: 0, failed: 0, fulfilled: 0 });
  let picker = null;
  if (me.role === 'admin') {
    picker = el('select', { id: 'producer-picker' }, producers.map(p => el('option', { value: p, text: p })));
    picker.value = producerId;
    picker.addEventListener('change', () => navigate('#/producer?producer=' + encodeURIComponent(picker.value)));
  }
  fill(view,
    el('h1', { text: 'Producer ' + producerId }),
    picker ? el('div', { class: 'field inline' }, el('label', { for: 'producer-picker', text: 'Producer' }), picker) : null,
    el('dl', { class: 'figures totals', id: 'producer-totals' },
      total('Offers', String(offers.length), 'offers'),
      total('Work in flight', `${inFlight} / ${capacity}`, 'in-flight'),
      total('SLO breaches (window)', String(totals.breaches), 'breaches'),
      total('Rejections (window)', String(totals.rejected), 'rejections'),
      total('Fulfilled / failed (window)', `${totals.fulfilled} / ${totals.failed}`)),
    offers.length ? null : el('p', { class: 'empty', text: 'No live offer from ' + producerId + '.' }),
    ...mine.map(c => {
      const w = producerFigures(scores, c.name, producerId);
      const r = w ? rates(w) : null;
      return el('section', { class: 'card', 'data-capability': c.name, 'aria-labelledby': 'producer-' + c.name },
        el('h2', { id: 'producer-' + c.name, text: c.name }),
        el('div', { class: 'offers', role: 'list' },
          c.offers.filter(o => o.producerId === producerId).map(o => offerCard(c, o, w))),
        w ? el('dl', { class: 'figures' },
          total('Lead time p95', duration(w.speed.submittedToFulfilled.p95Ms)),
          total('SLO breaches', `${w.safety.sloBreaches} (${percent(r.breach)})`),
          total('Rejections', `${w.safety.rejected} (${percent(r.rejection)})`),
          total('Failure rate', percent(r.failure)),
          total('Utilisation', percent(w.efficiency.utilization))) : el('p', { class: 'hint', text: 'No scorecard yet.' }));
    }));
}

function total(label, value, name) {
  return el('div', { class: 'figure' }, el('dt', { text: label }), el('dd', { class: name || null, text: value }));
}
