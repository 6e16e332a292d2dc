// Insights: catalog hygiene from demand. Offers nobody uses (with, for their producer, how to
// deprecate them), demand no offer fits (a producer to recruit), submits refused for a capability
// or version nobody offers, capabilities that look alike, versions asked for past their sunset,
// and how teams fare. Every text is set with el(..., { text }) or as a text child: nothing is parsed as HTML.

import * as api from './api.js';
import { el, fill, duration, when } from './format.js';

const WINDOWS = ['1d', '7d', '30d', '90d', '365d'];

/** #/insights?window=30d, redrawn when a figure changes. */
export async function insightsPage(view, me, params, navigate, live) {
  const insights = await api.insights(params.get('window'), { signal: live.signal });
  if (live.signal.aborted) return;
  live.again(() => insightsPage(view, me, params, navigate, live), 30_000);
  if (!live.changed(JSON.stringify(Object.assign({}, insights, { at: null })))) return;
  const picker = el('select', { id: 'insights-window' }, [...new Set([insights.window, ...WINDOWS])].map(w =>
    el('option', { value: w, text: w })));
  picker.value = insights.window;
  picker.addEventListener('change', () => navigate('#/insights?window=' + encodeURIComponent(picker.value)));
  fill(view,
    el('h1', { text: 'Insights' }),
    el('p', { class: 'lead', text: 'Catalog hygiene from demand, over the last ' + insights.window + ' (computed '
      + when(insights.at) + '): what nobody uses, what nobody offers, what looks alike.' }),
    el('div', { class: 'field inline' }, el('label', { for: 'insights-window', text: 'Window' }), picker),
    section('unused-offers', 'Unused offers', 'Listed offers no request was matched to within the window.',
      insights.unusedOffers, ['Capability', 'Offer', 'Producer', 'Version', 'Status', 'Last matched'],
      o => [o.capability, o.offerId, o.producerId, 'v' + o.version, o.status, when(o.lastMatchedAt)],
      o => me.role === 'producer' && o.producerId === me.team ? sunsetHint(o) : null),
    section('unused-versions', 'Unused versions', 'Versions no request asked for within the window.',
      insights.unusedVersions, ['Capability', 'Version', 'Last requested'],
      v => [v.capability, 'v' + v.version, when(v.lastRequestedAt)]),
    section('unmet-demand', 'Unmet demand', 'Requests that waited because no offer fits them (version or constraints, not capacity): '
      + 'recruit a producer to offer this.',
      insights.unmetDemand, ['Capability', 'Version', 'Constraints', 'Waited', 'Failed', 'Last'],
      u => [u.capability, 'v' + u.version, constraints(u.constraints), String(u.waited), String(u.failed), when(u.lastAt)]),
    section('refused', 'Refused submits', 'Submits this gateway instance refused because no such capability or version is offered, '
      + 'since ' + when(insights.refusedSince) + ': demand to recruit a producer for.',
      insights.refused, ['Capability', 'Version', 'Reason', 'Count', 'Last'],
      r => [r.capability, r.version === null ? '—' : 'v' + r.version, r.reason, String(r.count), when(r.lastAt)]),
    section('near-duplicates', 'Near duplicates', 'Capabilities whose current parameters (top-level names and types) overlap: '
      + 'perhaps one capability offered twice.',
      insights.nearDuplicates, ['Capabilities', 'Similarity', 'Shared parameters'],
      d => [d.capabilities.join(' · '), Math.round(d.similarity * 100) + '%', d.shared.join(', ')]),
    section('past-sunset', 'Asked for past their sunset', 'Deprecated versions requested after their sunset: teams to help move on.',
      insights.pastSunset, ['Capability', 'Version', 'Sunset', 'Last requested'],
      p => [p.capability, 'v' + p.version, when(p.sunset), when(p.lastRequestedAt)]),
    section('outcomes', 'Outcomes', 'Per capability: teams with a request within the window, teams new in it, the median time '
      + 'from a new team\'s first request to its first FULFILLED, teams back for more, and requests abandoned while waiting (all time).',
      insights.outcomes, ['Capability', 'Active teams', 'New teams', 'New team to first FULFILLED (p50)', 'Repeat teams', 'Abandoned'],
      o => [o.capability, String(o.activeTeams), String(o.newTeams), duration(o.timeToFirstFulfilledP50Ms), String(o.repeatTeams),
        String(o.abandoned)]));
}

/** A card with a table of the items, or a line saying there are none; extra(item) adds a row under an item's. */
function section(id, title, lead, items, headings, cells, extra) {
  const rows = items.flatMap(item => {
    const row = el('tr', {}, cells(item).map((text, i) => i === 0 ? el('th', { scope: 'row', text }) : el('td', { text })));
    const more = extra ? extra(item) : null;
    return more ? [row, el('tr', { class: 'hint-row' }, el('td', { colspan: String(headings.length) }, more))] : [row];
  });
  return el('section', { class: 'card insights', id, 'aria-labelledby': id + '-title' },
    el('h2', { id: id + '-title', text: title + ' (' + items.length + ')' }),
    el('p', { class: 'hint', text: lead }),
    items.length
      ? el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': title },
        el('table', {}, el('thead', {}, el('tr', {}, headings.map(h => el('th', { scope: 'col', text: h })))),
          el('tbody', {}, rows)))
      : el('p', { class: 'empty', text: 'None.' }));
}

/** How the producer deprecates its unused offer: the offer file's lines, or the SDK's call. */
function sunsetHint(offer) {
  return el('div', { class: 'sunset-hint', 'data-offer': offer.offerId },
    el('p', { text: 'Nobody uses ' + offer.offerId + '. To retire it, deprecate it with a sunset: in its offer file' }),
    el('pre', { class: 'json' }, el('code', { text: offer.sunset.yaml })),
    el('p', { text: 'or with the producer SDK:' }),
    el('pre', { class: 'json' }, el('code', { text: offer.sunset.sdk })));
}

function constraints(map) {
  const entries = Object.entries(map || {});
  return entries.length ? entries.map(([name, values]) => name + ' = ' + values.join(' or ')).join('; ') : 'none';
}
