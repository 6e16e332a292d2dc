// My requests: the team's requests newest first, filtered and paged, and what the team holds of
// each capability against its quotas; a request's own page with its live timeline, outputs, why it
// was matched where it was ("Why here?") and its day-2 actions.

import * as api from './api.js';
import { el, fill, when, duration, stateBadge, STATES } from './format.js';
import { schemaForm } from './schema-form.js';
import { approvalsPanel } from './approvals.js';
import { whyHerePanel } from './decisions.js';

const PAGE = 20;
/** How long a request's page waits for a change it asked for to show before it is drawn again all the same. */
const SETTLE_MS = 10_000;

/** #/requests?state=&capability=&page=: the list; each page's cursor is kept for going back. */
export async function requestsPage(view, params, navigate, signal) {
  const state = params.get('state') || '';
  const capability = params.get('capability') || '';
  const cursors = (params.get('cursors') || '').split(',').filter(Boolean);
  const [page, capabilities, usage] = await Promise.all([
    api.requests({ state, capability, cursor: cursors.at(-1), limit: PAGE, signal }), api.capabilities({ signal }), teamUsage(signal)]);
  if (signal.aborted) return;
  const go = (changes) => {
    const next = new URLSearchParams({ state, capability, cursors: cursors.join(',') });
    Object.entries(changes).forEach(([k, v]) => next.set(k, v));
    [...next.keys()].forEach(k => { if (!next.get(k)) next.delete(k); });
    navigate('#/requests' + (next.toString() ? '?' + next : ''));
  };
  const stateFilter = el('select', { id: 'filter-state' }, el('option', { value: '', text: 'any state' }),
    STATES.map(s => el('option', { value: s, text: s })));
  stateFilter.value = state;
  const capabilityFilter = el('select', { id: 'filter-capability' }, el('option', { value: '', text: 'any capability' }),
    capabilities.map(c => el('option', { value: c.name, text: c.name })));
  capabilityFilter.value = capability;
  stateFilter.addEventListener('change', () => go({ state: stateFilter.value, cursors: '' }));
  capabilityFilter.addEventListener('change', () => go({ capability: capabilityFilter.value, cursors: '' }));
  const rows = page.items.map(r => el('tr', { id: 'request-' + r.id, 'data-id': r.id },
    el('td', {}, el('a', { href: '#/requests/' + encodeURIComponent(r.id), text: r.id.substring(0, 8), title: r.id,
      'aria-label': 'request ' + r.id })),
    el('td', { text: r.capability + ' v' + r.version }),
    el('td', { class: 'state' }, stateBadge(r.state)),
    el('td', { text: r.producerId || '—' }),
    el('td', {}, el('time', { datetime: r.submittedAt, text: when(r.submittedAt) }))));
  fill(view,
    el('h1', { text: 'My requests' }),
    el('form', { class: 'filters', role: 'search', 'aria-label': 'Filter requests', onsubmit: e => e.preventDefault() },
      el('div', { class: 'field' }, el('label', { for: 'filter-state', text: 'State' }), stateFilter),
      el('div', { class: 'field' }, el('label', { for: 'filter-capability', text: 'Capability' }), capabilityFilter)),
    rows.length
      ? el('div', { class: 'table-scroll' }, el('table', { class: 'requests' },
        el('caption', { class: 'visually-hidden', text: 'Requests, newest first' }),
        el('thead', {}, el('tr', {}, ['Request', 'Capability', 'State', 'Producer', 'Submitted'].map(h => el('th', { scope: 'col', text: h })))),
        el('tbody', { id: 'requests' }, rows)))
      : el('p', { class: 'empty', text: 'No request matches.' }),
    el('nav', { class: 'pager', 'aria-label': 'Pages' },
      el('button', { type: 'button', class: 'secondary', id: 'previous-page', disabled: !cursors.length,
        onclick: () => go({ cursors: cursors.slice(0, -1).join(',') }), text: 'Newer' }),
      el('span', { text: 'page ' + (cursors.length + 1) }),
      el('button', { type: 'button', class: 'secondary', id: 'next-page', disabled: !page.next,
        onclick: () => go({ cursors: cursors.concat(page.next).join(',') }), text: 'Older' })),
    usagePanel(usage));
}

/** The caller's team's usage and quotas; null when they cannot be read now (the list is shown without them). */
async function teamUsage(signal) {
  try {
    return await api.usage((await api.me({ signal })).team, { signal });
  } catch (e) {
    return null;
  }
}

/** What the team holds of each capability and the quota it is held to; nothing when it holds nothing and has no quota. */
function usagePanel(usage) {
  if (!usage || !usage.items.length) return null;
  const quota = (q) => !q ? 'none' : [q.maxLive !== null ? `${q.maxLive} live` : null,
    q.maxInFlight !== null ? `${q.maxInFlight} in flight` : null].filter(Boolean).join(', ');
  return el('section', { class: 'card', id: 'usage', 'aria-labelledby': 'usage-title' },
    el('h2', { id: 'usage-title', text: 'Usage and quotas of team ' + usage.team }),
    el('p', { class: 'hint', text: 'Resources being provisioned count against the live quota too; a request over a quota waits.' }),
    el('div', { class: 'table-scroll' }, el('table', { class: 'usage' },
      el('caption', { class: 'visually-hidden', text: 'What the team holds of each capability, and its quota' }),
      el('thead', {}, el('tr', {}, ['Capability', 'Live', 'Being provisioned', 'Waiting', 'Pending approval', 'Quota']
        .map(h => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, usage.items.map(item => el('tr', { 'data-capability': item.capability },
        el('td', { text: item.capability }),
        el('td', { class: 'held', text: String(item.live) }),
        el('td', { text: String(item.inFlight) }),
        el('td', { text: String(item.waiting) }),
        el('td', { text: String(item.pendingApproval) }),
        el('td', { class: 'quota', text: quota(item.quota) })))))));
}

/**
 * What the request's team (or an admin) may do to it now: cancel one still being provisioned
 * (waiting for approvals too), deprovision a live one (FULFILLED or UPDATING); the update form is
 * beside them ({@link updateForm}). An approver of another team only decides its approvals.
 * cancel(state) cancels or deprovisions, state the one that follows; busy: one is on its way.
 */
function actions(request, me, cancel, busy) {
  const live = ['FULFILLED', 'UPDATING'].includes(request.state);
  const provisioning = !live && !['FAILED', 'CANCELLED', 'DEPROVISIONING', 'DEPROVISIONED'].includes(request.state);
  const owner = me && (me.role === 'admin' || me.team === request.team);
  if (!owner || !(provisioning || live)) return null;
  return el('div', { class: 'actions' }, el('button', { type: 'button', class: 'secondary', id: live ? 'deprovision' : 'cancel',
    text: live ? 'Deprovision' : 'Cancel request', disabled: busy, onclick: () => cancel(live ? 'DEPROVISIONING' : 'CANCELLED') }));
}

/**
 * Waits, 10 s at most, until the request shows a change the gateway accepted (202) and the topology
 * writes a moment later: state, long-polled while the request has never been in it; else (an update
 * after an earlier one) read again until its revision or its history grows.
 */
async function settled(before, state, signal) {
  if (before.state === state) return;
  if (!(before.history || []).some(t => t.state === state)) {
    await api.request(before.id, { waitFor: state, timeout: SETTLE_MS + 'ms', signal });
    return;
  }
  const deadline = Date.now() + SETTLE_MS;
  for (let wait = 250; Date.now() < deadline && !signal.aborted; wait = Math.min(wait * 2, 2_000)) {
    await api.pause(wait, signal);
    const now = await api.request(before.id, { signal });
    if (now.revision > before.revision || (now.history || []).length > (before.history || []).length) return;
  }
}

/**
 * The update form of a FULFILLED request: a field for each parameter its offer declares updatable,
 * set to the value the resource has; null when there is none (or the offer left the catalog).
 * updated(answer) is called with the gateway's answer once it took the update.
 */
async function updateForm(request, updated, signal) {
  if (request.state !== 'FULFILLED') return null;
  const capability = await api.capability(request.capability, { signal });
  const offer = (capability.offers || []).find(o => o.offerId === request.offerId);
  const version = capability.versions.find(v => v.version === request.version);
  const declared = (version && version.parameterSchema && version.parameterSchema.properties) || {};
  const properties = {};
  for (const name of (offer && offer.updatableParameters) || []) {
    if (!declared[name]) continue;
    const now = request.parameters ? request.parameters[name] : undefined;
    properties[name] = Object.assign({}, declared[name], now !== undefined ? { default: now } : {});
  }
  if (!Object.keys(properties).length) return null;
  const fields = el('div', { id: 'update-parameters' });
  const form = schemaForm(fields, { type: 'object', properties });
  const error = el('div', { id: 'update-error', class: 'error', role: 'alert' });
  const submit = el('button', { type: 'submit', id: 'update', text: 'Update' });
  const node = el('form', { id: 'update-form', class: 'card', novalidate: true, 'aria-labelledby': 'update-title' },
    el('h2', { id: 'update-title', text: 'Update in place' }),
    el('p', { class: 'hint', text: 'The producer changes the resource; the request is FULFILLED again once it is done.' }),
    fields, error, submit);
  node.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    try {
      const answer = await api.update(request.id, { parameters: form.value() });
      await updated(answer);
    } catch (e) {
      const unplaced = e.errors ? form.showErrors(e.errors) : [];
      error.textContent = [e.message, ...unplaced.map(err => `${err.field}: ${err.rule}`)].join('\n');
      submit.disabled = false;
    }
  });
  return node;
}

/**
 * #/requests/{id}: the request, its approvals (decided here by whoever may), its outputs, its
 * timeline, followed live, and why it was matched where it was (loaded again on each new match or wait).
 */
export async function requestDetailPage(view, id, me, signal, navigate) {
  const request = await api.request(id, { signal });
  if (signal.aborted) return;
  const reload = () => {
    if (!signal.aborted) navigate('#/requests/' + encodeURIComponent(request.id), true);
  };
  // the topology writes UPDATING, DEPROVISIONING or CANCELLED a moment after the gateway's 202: drawn again at
  // once, the page would still read FULFILLED and its stream end there, so it waits for the change (a wait
  // that fails, the page left or the gateway busy, only draws it sooner)
  const reloadWhen = (before, state) => settled(before, state, signal).catch(() => null).then(reload);
  const timeline = el('ol', { id: 'live', class: 'timeline', 'data-request-id': request.id, 'aria-live': 'polite' });
  const liveStatus = el('p', { class: 'hint', id: 'live-status', text: 'following live…' });
  const outputs = el('div', { id: 'outputs' });
  const summary = el('dl', { class: 'figures summary' });
  const actionSlot = el('div', {});
  const actionError = el('div', { id: 'action-error', class: 'error', role: 'alert' });
  const approvalSlot = el('div', {});
  const whyHere = whyHerePanel(request.id, signal);
  const decided = (state) => ['MATCHED', 'WAITING'].includes(state);
  // the request as the page knows it: as loaded, then with each event of its stream applied
  let current = request;
  let cancelling = false;
  let shownApprovals = null;
  // cancels or deprovisions, its button disabled meanwhile; a refusal (409, 429, 503...) is shown as the gateway words it
  const cancel = async (state) => {
    cancelling = true;
    actionError.textContent = '';
    show(current);
    let before;
    try {
      before = await api.cancel(request.id);
    } catch (e) {
      cancelling = false;
      show(current);
      actionError.textContent = e.message;
      return;
    }
    await reloadWhen(before, state);
  };
  const parameters = el('pre', { class: 'json', tabindex: '0' });
  const show = (r) => {
    parameters.textContent = JSON.stringify(r.parameters, null, 2);
    fill(summary,
      figureRow('State', stateBadge(r.state), 'request-state'),
      figureRow('Capability', r.capability + ' v' + r.version),
      figureRow('Offer', r.offerId ? `${r.offerId} of ${r.producerId}` : '—'),
      figureRow('Attempt', String(r.attempt || 0)),
      figureRow('Priority', r.priority),
      figureRow('Submitted', when(r.submittedAt)),
      figureRow('Lead time', leadTime(r)),
      r.sloBreached ? figureRow('SLO', el('span', { class: 'badge warn', text: 'breached' })) : null,
      r.orphaned ? figureRow('Orphan', el('span', { class: 'badge warn', text: 'needs an operator' })) : null,
      r.pendingParameters ? figureRow('Updating to', el('code', { text: JSON.stringify(r.pendingParameters) })) : null,
      r.expiresAt ? figureRow('Expires', el('time', { datetime: r.expiresAt, text: when(r.expiresAt) }), 'expires-at') : null,
      r.requestedBy ? figureRow('Asked by', r.requestedBy.name, 'requested-by') : null,
      r.reason ? figureRow('Reason', r.reason) : null);
    const entries = Object.entries(r.outputs || {});
    fill(outputs, entries.length
      ? el('dl', { class: 'outputs' }, entries.map(([k, v]) => el('div', { class: 'figure' }, el('dt', { text: k }), el('dd', {}, el('code', { text: v })))))
      : el('p', { class: 'empty', text: 'No outputs yet: they arrive with fulfilment.' }));
    fill(actionSlot, actions(r, me, cancel, cancelling) || '');
    // redrawn only when the approvals change, so that a reason being written stays
    const approvalsKey = JSON.stringify([r.state, r.approvals, r.approvalExpiresAt]);
    if (approvalsKey !== shownApprovals) {
      shownApprovals = approvalsKey;
      fill(approvalSlot, approvalsPanel(r, me, reload) || '');
    }
  };
  const update = await updateForm(request, (answer) => answer.accepted ? reloadWhen(answer.request, 'UPDATING') : reload(), signal);
  if (signal.aborted) return;
  show(request);
  fill(view,
    el('p', { class: 'crumbs' }, el('a', { href: '#/requests', text: 'My requests' }), ' / ', request.id),
    el('h1', { text: 'Request ' + request.id.substring(0, 8) }),
    actionSlot,
    actionError,
    approvalSlot,
    el('div', { class: 'split' },
      el('section', { class: 'card', 'aria-labelledby': 'summary-title' }, el('h2', { id: 'summary-title', text: 'Summary' }), summary,
        el('h2', { text: 'Parameters' }), parameters,
        el('h2', { text: 'Outputs' }), outputs),
      el('section', { class: 'card', 'aria-labelledby': 'timeline-title' },
        el('h2', { id: 'timeline-title', text: 'Timeline' }), liveStatus, timeline)),
    whyHere.node,
    update);
  // a snapshot of the whole request first, then each transition as a delta: its history entry and the fields that changed
  const entry = (index, t) => el('li', { class: 'transition', 'data-state': t.state },
    el('span', { class: 'step', text: index + '. ' + t.state + (t.detail ? ' — ' + t.detail : '') }),
    el('time', { datetime: t.at, text: when(t.at) }));
  const status = (text, className) => {
    liveStatus.textContent = text;
    liveStatus.className = className;
  };
  // not awaited: the page is drawn, and the stream (opened again when it breaks) keeps it current until it ends
  api.follow(request.id, (event) => {
    if (event.name === 'snapshot') {
      const before = (current.history || []).length;
      current = JSON.parse(event.data);
      if ((current.history || []).slice(before).some(t => decided(t.state))) whyHere.refresh();
      show(current);
      fill(timeline, current.history.map((t, i) => entry(i + 1, t)));
    } else if (event.name === 'transition') {
      const t = JSON.parse(event.data);
      const step = { state: t.state, at: t.at, detail: t.detail, attempt: t.attempt, offerId: t.offerId };
      current = Object.assign({}, current, t.changes || {}, { history: (current.history || []).concat([step]) });
      timeline.append(entry(t.index, t));
      show(current);
      if (decided(t.state)) whyHere.refresh();
    } else if (event.name === 'end') {
      current = JSON.parse(event.data);
      show(current);
      status('finished: ' + current.state, 'end');
    } else {
      timeline.append(el('li', { class: 'error', text: event.data }));
    }
  }, signal, ({ state, error }) => {
    if (state === 'live') status('following live…', 'hint');
    else if (state === 'reconnecting') status('reconnecting…' + (error ? ' (' + error.message + ')' : ''), 'hint');
    else status('not following live: ' + error.message, 'error');
  });
}

/** From submission to the first FULFILLED (an update later is not the request's lead time); a dash before it. */
function leadTime(request) {
  const fulfilled = (request.history || []).find(t => t.state === 'FULFILLED');
  return fulfilled ? duration(Date.parse(fulfilled.at) - Date.parse(request.submittedAt)) : '—';
}

function figureRow(label, value, name) {
  return el('div', { class: 'figure' }, el('dt', { text: label }), el('dd', { class: name || null }, value));
}
