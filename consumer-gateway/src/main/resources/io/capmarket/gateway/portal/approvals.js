// Approvals: the caller's inbox of requests waiting for an approval it may give, oldest first,
// each with Approve and Reject (a rejection says why); and the approvals panel of a request's page.

import * as api from './api.js';
import { el, fill, when } from './format.js';

const PAGE = 20;

/**
 * Whether the caller may decide an open approval of the request: it waits in PENDING_APPROVAL,
 * the caller did not ask for it, and an approval not yet given names the caller's role or team.
 * The gateway decides; this only chooses what to show.
 */
export function mayDecide(me, request) {
  if (!me || request.state !== 'PENDING_APPROVAL' || (request.requestedBy && request.requestedBy.name === me.name)) return false;
  return (request.approvals || []).some(a => !a.approvedBy
    && (a.approvers || []).some(x => x === 'role:' + me.role || x === 'team:' + me.team));
}

/**
 * Approve and Reject buttons for one request; Reject first asks for the reason. onDone(verb) is
 * called once the gateway took the decision, with 'approved' or 'rejected'.
 */
export function decisionControls(request, onDone) {
  const key = request.id;
  const error = el('div', { class: 'error', role: 'alert', id: 'decision-error-' + key });
  const reason = el('input', { id: 'reason-' + key, maxlength: '1000', placeholder: 'why it is rejected', 'aria-describedby': 'reason-hint-' + key });
  const reasonField = el('div', { class: 'field reason', hidden: true },
    el('label', { for: 'reason-' + key, text: 'Reason for rejecting' }), reason,
    el('span', { class: 'hint', id: 'reason-hint-' + key, text: 'the requester reads it as the reason the request failed' }));
  const approve = el('button', { type: 'button', id: 'approve-' + key, class: 'approve', text: 'Approve' });
  const reject = el('button', { type: 'button', id: 'reject-' + key, class: 'secondary reject', text: 'Reject' });
  const confirm = el('button', { type: 'button', id: 'confirm-reject-' + key, class: 'secondary', text: 'Reject with this reason', hidden: true });
  const buttons = [approve, reject, confirm];
  const decide = async (verb, call) => {
    error.textContent = '';
    buttons.forEach(b => { b.disabled = true; });
    try {
      await call();
      onDone(verb);
    } catch (e) {
      error.textContent = [e.message, ...(e.errors || []).map(err => `${err.field}: ${err.rule}`)].join('\n');
      buttons.forEach(b => { b.disabled = false; });
    }
  };
  approve.addEventListener('click', () => decide('approved', () => api.approve(request.id)));
  reject.addEventListener('click', () => {
    reasonField.hidden = false;
    confirm.hidden = false;
    reject.hidden = true;
    reason.focus();
  });
  confirm.addEventListener('click', () => {
    if (!reason.value.trim()) {
      error.textContent = 'Say why the request is rejected.';
      reason.setAttribute('aria-invalid', 'true');
      reason.focus();
      return;
    }
    reason.removeAttribute('aria-invalid');
    decide('rejected', () => api.reject(request.id, reason.value.trim()));
  });
  return el('div', { class: 'decision', 'data-request-id': request.id }, el('div', { class: 'actions' }, buttons), reasonField, error);
}

/** The approvals a request waits or waited for, who gave each, and until when they may be given. */
export function approvalsPanel(request, me, reload) {
  const approvals = request.approvals || [];
  if (!approvals.length) return null;
  return el('section', { class: 'card', id: 'approvals', 'aria-labelledby': 'approvals-title' },
    el('h2', { id: 'approvals-title', text: 'Approvals' }),
    el('ul', { class: 'approvals' }, approvals.map(a => el('li', { class: 'approval' + (a.approvedBy ? ' given' : ' open'),
      'data-source': a.source },
      el('span', { class: 'source', text: a.source }), ': ',
      a.approvedBy
        ? el('span', { class: 'approved-by', text: 'approved by ' + a.approvedBy + (a.approvedAt ? ', ' + when(a.approvedAt) : '') })
        : el('span', { class: 'waiting', text: 'waiting for ' + a.approvers.join(' or ') })))),
    request.approvalExpiresAt ? el('p', { class: 'hint', id: 'approval-expires' }, 'Fails unless approved by ',
      el('time', { datetime: request.approvalExpiresAt, text: when(request.approvalExpiresAt) })) : null,
    mayDecide(me, request) ? decisionControls(request, reload) : null);
}

/** #/approvals: the caller's inbox, kept current; each request's page is a click away. */
export async function approvalsPage(view, params, navigate, live) {
  const cursors = (params.get('cursors') || '').split(',').filter(Boolean);
  const page = await api.approvals({ cursor: cursors.at(-1), limit: PAGE, signal: live.signal });
  if (live.signal.aborted) return;
  const go = (next) => navigate('#/approvals' + (next.length ? '?cursors=' + next.join(',') : ''), true);
  live.again(() => approvalsPage(view, params, navigate, live), 10_000);
  if (!live.changed(JSON.stringify(page))) return;
  if (view.querySelector('.decision .reason:not([hidden])')) {
    live.shown = null; // a reason being written is not wiped out: redrawn at a later refresh
    return;
  }
  const status = el('p', { id: 'approvals-status', role: 'status', class: 'hint' });
  const inbox = el('ul', { id: 'approvals-inbox', class: 'inbox', 'aria-label': 'Requests waiting for your approval' });
  const empty = el('p', { class: 'empty', id: 'approvals-empty', text: 'Nothing waits for your approval.' });
  for (const request of page.items) {
    const item = el('li', { class: 'card pending', id: 'pending-' + request.id, 'data-id': request.id },
      el('div', { class: 'capability-head' },
        el('h2', {}, el('a', { href: '#/requests/' + encodeURIComponent(request.id), text: request.capability + ' v' + request.version,
          'aria-label': 'request ' + request.id })),
        el('span', { class: 'team', text: 'team ' + request.team })),
      el('dl', { class: 'figures' },
        el('div', { class: 'figure' }, el('dt', { text: 'Asked by' }), el('dd', { class: 'requested-by', text: request.requestedBy.name })),
        el('div', { class: 'figure' }, el('dt', { text: 'Submitted' }),
          el('dd', {}, el('time', { datetime: request.submittedAt, text: when(request.submittedAt) }))),
        el('div', { class: 'figure' }, el('dt', { text: 'Fails unless approved by' }), el('dd', {}, request.approvalExpiresAt
          ? el('time', { datetime: request.approvalExpiresAt, text: when(request.approvalExpiresAt) }) : '—'))),
      el('p', { class: 'waiting-for', text: 'Waiting for ' + (request.approvals || []).filter(a => !a.approvedBy)
        .map(a => a.approvers.join(' or ') + ' (' + a.source + ')').join(' and ') }),
      el('pre', { class: 'json', tabindex: '0', 'aria-label': 'parameters', text: JSON.stringify(request.parameters, null, 2) }));
    item.append(decisionControls(request, (verb) => {
      status.textContent = `Request ${request.id.substring(0, 8)} ${verb}; the marketplace takes it from here.`;
      item.remove();
      if (!inbox.children.length) inbox.replaceWith(empty);
      live.shown = null;
    }));
    inbox.append(item);
  }
  fill(view,
    el('h1', { text: 'Approvals' }),
    el('p', { class: 'lead', text: 'Requests waiting for an approval you may give, oldest first. Approve to let the marketplace '
      + 'match them; reject, saying why, to fail them.' }),
    status,
    page.items.length ? inbox : empty,
    el('nav', { class: 'pager', 'aria-label': 'Pages' },
      el('button', { type: 'button', class: 'secondary', id: 'previous-page', disabled: !cursors.length,
        onclick: () => go(cursors.slice(0, -1)), text: 'Older' }),
      el('span', { text: 'page ' + (cursors.length + 1) }),
      el('button', { type: 'button', class: 'secondary', id: 'next-page', disabled: !page.next,
        onclick: () => go(cursors.concat(page.next)), text: 'Newer' })));
}
