// Catalog: every capability with its versions and its offers side by side; a capability's
// request page with the form generated from its parameter schema.

import * as api from './api.js';
import { el, fill, duration, percent, when, band, bandBadge, policyText } from './format.js';
import { schemaForm } from './schema-form.js';

/** The scorecard figures of one producer for one capability (window first, all time when the window is empty). */
export function producerFigures(scores, capability, producerId) {
  const score = scores.find(s => s.capability === capability);
  const producer = score && (score.producers || []).find(p => p.producerId === producerId);
  return producer ? producer.window : null;
}

/** #/catalog, redrawn when a figure changes (live load, lead times). */
export async function catalogPage(view, live) {
  const { capabilities, scores, key } = await api.figures({ signal: live.signal });
  if (live.signal.aborted) return;
  live.again(() => catalogPage(view, live), 10_000);
  if (!live.changed(key)) return;
  fill(view,
    el('h1', { text: 'Catalog' }),
    el('p', { class: 'lead', text: `${capabilities.length} ${capabilities.length === 1 ? 'capability' : 'capabilities'}. Each offer shows what its producer promises and what was observed.` }),
    capabilities.length ? null : el('p', { class: 'empty', text: 'No capability is offered yet.' }),
    ...capabilities.map(c => capabilitySection(c, scores)));
}

function capabilitySection(capability, scores) {
  const headingId = 'cap-' + capability.name;
  return el('section', { class: 'capability card', 'data-name': capability.name, 'aria-labelledby': headingId },
    el('div', { class: 'capability-head' },
      el('div', {},
        el('h2', { id: headingId, text: capability.name }),
        capability.description ? el('p', { class: 'description', text: capability.description }) : null),
      el('a', { class: 'button', href: '#/request/' + encodeURIComponent(capability.name), text: 'Request',
        'aria-label': 'Request ' + capability.name })),
    versionList(capability.versions),
    el('div', { class: 'offers', role: 'list', 'aria-label': 'Offers of ' + capability.name },
      capability.offers.map(offer => offerCard(capability, offer, producerFigures(scores, capability.name, offer.producerId)))));
}

function versionList(versions) {
  return el('ul', { class: 'versions', 'aria-label': 'Versions' }, versions.map(v => el('li', { class: 'version' + (v.deprecated ? ' deprecated' : '') },
    'v' + v.version,
    v.deprecated ? el('span', { class: 'badge warn', text: 'deprecated' }) : null,
    v.sunset || v.sunsetAt ? el('span', { class: 'badge warn', text: 'sunset ' + when(v.sunset || v.sunsetAt) }) : null,
    v.approval ? el('span', { class: 'badge warn approval', title: 'the platform\'s approval policy',
      text: 'approval ' + policyText(v.approval) }) : null,
    v.contractOwner ? el('span', { class: 'badge contract', title: 'the owner of this version\'s contract',
      text: 'contract ' + v.contractOwner }) : null)));
}

/** One offer: producer, attributes, load, lead time against the promise, failure rate, liveness. */
export function offerCard(capability, offer, figures) {
  const observed = offer.observed || {};
  const load = offer.capacity ? offer.inFlight / offer.capacity : 0;
  const live = offer.producerLive !== false;
  const rating = band(observed.p95Ms, offer.leadTimeSloMs);
  return el('article', { class: 'offer' + (live ? '' : ' offline'), role: 'listitem', 'data-offer': offer.offerId },
    el('header', {},
      el('h3', { text: offer.producerId }),
      el('span', { class: 'live ' + (live ? 'yes' : 'no'), text: live ? 'live' : 'not live' })),
    el('p', { class: 'offer-id', text: offer.offerId + ' · v' + offer.version + (offer.status && offer.status !== 'ACTIVE' ? ' · ' + offer.status : '') }),
    el('ul', { class: 'attributes', 'aria-label': 'Attributes' },
      Object.entries(offer.attributes || {}).map(([k, v]) => el('li', { text: k + ': ' + v }))),
    offer.approval ? el('p', { class: 'policy', text: 'Approval ' + policyText(offer.approval) }) : null,
    offer.probation ? el('p', { class: 'badge warn probation', title: offer.probation.reason,
      text: 'on probation since ' + when(offer.probation.since) + ' (score x' + offer.probation.scoreFactor + ')' }) : null,
    el('dl', { class: 'figures' },
      el('div', { class: 'figure' }, el('dt', { text: 'Load' }),
        el('dd', { class: 'load' }, `${offer.inFlight} / ${offer.capacity} in flight`,
          el('meter', { min: 0, max: 1, low: 0.7, high: 0.9, optimum: 0.3, value: load, 'aria-label': 'utilisation ' + percent(load) }))),
      el('div', { class: 'figure' }, el('dt', { text: 'Lead time p50 / p95' }),
        el('dd', { class: 'lead-time' },
          el('span', { class: 'p50', text: duration(observed.p50Ms) }), ' / ', el('span', { class: 'p95', text: duration(observed.p95Ms) }),
          ' ', bandBadge(rating))),
      el('div', { class: 'figure' }, el('dt', { text: 'Promised p95' }), el('dd', { class: 'slo', text: duration(offer.leadTimeSloMs) })),
      el('div', { class: 'figure' }, el('dt', { text: 'Failure rate' }),
        el('dd', { class: 'failure-rate', text: figures ? percent(figures.safety.failureRate) : '—' })),
      el('div', { class: 'figure' }, el('dt', { text: 'Samples' }), el('dd', { text: String(observed.samples ?? 0) }))));
}

/** #/request/{name}: the capability's offers and its request form. */
export async function requestPage(view, name, navigate, signal) {
  const [capability, scores] = await Promise.all([api.capability(name, { signal }), api.scorecard({ signal })]);
  if (signal.aborted) return;
  const versionSelect = el('select', { id: 'version' }, capability.versions.map(v =>
    el('option', { value: String(v.version), text: 'v' + v.version + (v.deprecated ? ' (deprecated)' : '') })));
  const newest = capability.versions.filter(v => !v.deprecated).at(-1) || capability.versions.at(-1);
  versionSelect.value = String(newest.version);
  const fields = el('div', { id: 'parameters' });
  const formError = el('div', { id: 'form-error', class: 'error', role: 'alert' });
  const deprecation = el('p', { class: 'badge warn', hidden: true });
  let form;
  const render = () => {
    const version = capability.versions.find(v => String(v.version) === versionSelect.value);
    form = schemaForm(fields, version.parameterSchema);
    deprecation.hidden = !version.deprecated;
    deprecation.textContent = version.deprecated ? 'This version is deprecated' + (version.sunset ? '; sunset ' + when(version.sunset) : '') : '';
  };
  versionSelect.addEventListener('change', render);
  const constraints = el('input', { id: 'constraints', placeholder: 'region=eu-west, tier=gold', 'aria-describedby': 'constraints-hint' });
  const priority = el('select', { id: 'priority' }, ['LOW', 'NORMAL', 'HIGH', 'CRITICAL'].map(p => el('option', { value: p, text: p })));
  priority.value = 'NORMAL';
  const submit = el('button', { type: 'submit', id: 'submit', text: 'Submit request' });
  const requestForm = el('form', { id: 'request-form', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'version', text: 'Version' }), versionSelect), deprecation,
    el('h2', { text: 'Parameters' }), fields,
    el('h2', { text: 'Placement' }),
    el('div', { class: 'field' }, el('label', { for: 'constraints', text: 'Constraints' }), constraints,
      el('span', { class: 'hint', id: 'constraints-hint', text: 'attribute=value, comma-separated; only offers that match are considered' })),
    el('div', { class: 'field' }, el('label', { for: 'priority', text: 'Priority' }), priority),
    formError, submit);
  // The Idempotency-Key of the request the form holds: chosen as the form is drawn and kept while the
  // body stays the same, so that submitting again after a 503 or a lost answer gets the request a first
  // try may have made instead of a second one; a new key once the body changes or a request was made.
  let order = { key: api.newKey(), body: null };
  requestForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    formError.textContent = '';
    submit.disabled = true;
    try {
      const body = { capability: capability.name, version: Number(versionSelect.value),
        parameters: form.value(), constraints: parseConstraints(constraints.value), priority: priority.value };
      const text = JSON.stringify(body);
      if (order.body !== null && order.body !== text) order = { key: api.newKey(), body: null };
      order.body = text;
      const created = await api.submit(body, order.key);
      order = { key: api.newKey(), body: null };
      navigate('#/requests/' + encodeURIComponent(created.id));
    } catch (e) {
      const unplaced = e.errors ? form.showErrors(e.errors) : [];
      const rest = unplaced.map(err => `${err.field}: ${err.rule}` + (err.value != null ? ` (was ${err.value})` : ''));
      formError.textContent = [e.message, ...rest].join('\n');
    } finally {
      submit.disabled = false;
    }
  });
  render();
  fill(view,
    el('p', { class: 'crumbs' }, el('a', { href: '#/catalog', text: 'Catalog' }), ' / ', capability.name),
    el('h1', { id: 'chosen', text: capability.name }),
    capability.description ? el('p', { class: 'lead', text: capability.description }) : null,
    el('div', { class: 'split' },
      el('section', { class: 'card', 'aria-labelledby': 'form-title' }, el('h2', { id: 'form-title', text: 'New request' }), requestForm),
      el('section', { 'aria-labelledby': 'offers-title' }, el('h2', { id: 'offers-title', text: 'Offers' }),
        versionList(capability.versions),
        el('div', { class: 'offers stacked', role: 'list' },
          capability.offers.map(o => offerCard(capability, o, producerFigures(scores, capability.name, o.producerId)))))));
}

function parseConstraints(text) {
  const result = {};
  text.split(',').map(s => s.trim()).filter(Boolean).forEach(pair => {
    const [key, value] = pair.split('=').map(s => s.trim());
    (result[key] = result[key] || []).push(value ?? '');
  });
  return result;
}
