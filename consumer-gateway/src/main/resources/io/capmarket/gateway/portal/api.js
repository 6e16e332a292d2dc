// The gateway's public API, as the portal uses it. The token stays in this tab's sessionStorage.

const TOKEN_KEY = 'capmarket.token';

/** An answer of application/problem+json: title, detail and the errors naming each field. */
export class ProblemError extends Error {
  constructor(status, problem) {
    super(`${problem.title || status}: ${problem.detail || ''}`);
    this.status = status;
    this.problem = problem;
    this.errors = problem.errors || [];
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function headers(extra = {}) {
  return Object.assign({ 'Authorization': 'Bearer ' + token(), 'Accept': 'application/json' }, extra);
}

/** A JSON call; an error answer becomes a ProblemError. */
export async function call(path, options = {}) {
  const response = await fetch(path, Object.assign({}, options, { headers: headers(options.headers) }));
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (e) {
    throw new ProblemError(response.status, { title: `${response.status} ${response.statusText}`, detail: text.substring(0, 200) });
  }
  if (!response.ok) throw new ProblemError(response.status, body || { title: String(response.status) });
  return body;
}

/** Every item of a paged list, up to a bound. */
export async function all(path, max = 2000) {
  const items = [];
  let cursor = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await call(path + separator + 'limit=500' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    items.push(...page.items);
    cursor = page.next;
  } while (cursor && items.length < max);
  return items;
}

export const me = () => call('/v1/me');
export const capabilities = () => all('/v1/capabilities');
export const capability = (name) => call('/v1/capabilities/' + encodeURIComponent(name));
export const scorecard = () => all('/v1/scorecard');
/** Catalog hygiene from demand over a window (the gateway's insights.window when none is given). */
export const insights = (window) => call('/v1/insights' + (window ? '?window=' + encodeURIComponent(window) : ''));
/** What a team holds of each capability, and its quotas. */
export const usage = (team) => call('/v1/teams/' + encodeURIComponent(team) + '/usage');

/**
 * The catalog and the scorecard together, with a key that changes only when a figure does (not
 * when the scorecard is merely recomputed), so that a refreshing page redraws only on news.
 */
export async function figures() {
  const [catalog, scores] = await Promise.all([capabilities(), scorecard()]);
  const key = JSON.stringify([catalog, scores.map(s => Object.assign({}, s, { at: null }))]);
  return { capabilities: catalog, scores, key };
}
export const request = (id) => call('/v1/requests/' + encodeURIComponent(id));
/** Why the request was matched where it was, or why it waits: matching's latest decisions on it, oldest first. */
export const decision = (id) => call('/v1/requests/' + encodeURIComponent(id) + '/decision');
export const cancel = (id) => call('/v1/requests/' + encodeURIComponent(id), { method: 'DELETE' });
/** A JSON merge patch of a fulfilled request ({parameters: {...}}): its resource is updated in place. */
export const update = (id, patch) => call('/v1/requests/' + encodeURIComponent(id), {
  method: 'PATCH', body: JSON.stringify(patch), headers: { 'Content-Type': 'application/merge-patch+json' } });

/** One page of the caller's approval inbox: requests waiting for an approval it may give, oldest first. */
export function approvals({ cursor, limit = 20 } = {}) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor) query.set('cursor', cursor);
  return call('/v1/approvals?' + query);
}

function decide(id, verb, reason) {
  return call('/v1/requests/' + encodeURIComponent(id) + '/' + verb, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(reason ? { reason } : {}) });
}

/** Approves every open approval of the request that names the caller; answers the request as it was. */
export const approve = (id, reason) => decide(id, 'approve', reason);
/** Rejects the request, saying why: it fails with the reason. */
export const reject = (id, reason) => decide(id, 'reject', reason);

/** One page of the caller's requests: filters {state, capability}, newest first. */
export function requests({ state, capability, cursor, limit = 20 }) {
  const query = new URLSearchParams({ order: 'newest', limit: String(limit) });
  if (state) query.set('state', state);
  if (capability) query.set('capability', capability);
  if (cursor) query.set('cursor', cursor);
  return call('/v1/requests?' + query);
}

/** Submits a request with a fresh idempotency key; answers the request as accepted. */
export function submit(body) {
  return call('/v1/requests', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': newKey() },
    body: JSON.stringify(body)
  });
}

/**
 * Follows a request's Server-Sent Events (over fetch: EventSource cannot send the Authorization
 * header). Resolves once the stream is open; onEvent({name, data}) is called for each event
 * until the stream ends or the signal aborts.
 */
export async function follow(id, onEvent, signal) {
  const response = await fetch('/v1/requests/' + encodeURIComponent(id) + '/events',
    { headers: headers({ 'Accept': 'text/event-stream' }), signal });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({ title: response.status + ' ' + response.statusText }));
    throw new ProblemError(response.status, problem);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done || signal.aborted) return;
      buffer += value.replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = parseEvent(buffer.substring(0, end));
        buffer = buffer.substring(end + 2);
        if (event.data !== null) onEvent(event);
      }
    }
  })().catch(e => { if (!signal.aborted) onEvent({ name: 'error', data: e.message }); });
}

// One SSE block: "field: value" lines; one optional space after the colon is not part of the value.
function parseEvent(block) {
  let name = 'message';
  const data = [];
  block.split('\n').forEach(line => {
    if (line === '' || line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.substring(0, colon);
    let value = colon < 0 ? '' : line.substring(colon + 1);
    if (value.startsWith(' ')) value = value.substring(1);
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  });
  return { name, data: data.length ? data.join('\n') : null };
}

/**
 * A random key for Idempotency-Key. crypto.randomUUID exists only in secure contexts (HTTPS or
 * localhost); crypto.getRandomValues everywhere, so a portal opened over plain HTTP from another
 * host can still submit.
 */
function newKey() {
  if (typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
