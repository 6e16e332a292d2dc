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

// A JSON call answering its status and body; an error answer becomes a ProblemError.
async function exchange(path, options = {}) {
  const response = await fetch(path, Object.assign({}, options, { headers: headers(options.headers) }));
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (e) {
    throw new ProblemError(response.status, { title: `${response.status} ${response.statusText}`, detail: text.substring(0, 200) });
  }
  if (!response.ok) throw new ProblemError(response.status, body || { title: String(response.status) });
  return { status: response.status, body };
}

/**
 * A JSON call; an error answer becomes a ProblemError. options are fetch's: a page passes its
 * signal, so that what it asked for is dropped once the user has moved on.
 */
export async function call(path, options = {}) {
  return (await exchange(path, options)).body;
}

/** Every item of a paged list, up to a bound. */
export async function all(path, { max = 2000, signal } = {}) {
  const items = [];
  let cursor = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await call(path + separator + 'limit=500' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''), { signal });
    items.push(...page.items);
    cursor = page.next;
  } while (cursor && items.length < max);
  return items;
}

// each read takes {signal} last, as call() takes fetch's options
export const me = (options) => call('/v1/me', options);
export const capabilities = (options) => all('/v1/capabilities', options);
export const capability = (name, options) => call('/v1/capabilities/' + encodeURIComponent(name), options);
export const scorecard = (options) => all('/v1/scorecard', options);
/** Catalog hygiene from demand over a window (the gateway's insights.window when none is given). */
export const insights = (window, options) => call('/v1/insights' + (window ? '?window=' + encodeURIComponent(window) : ''), options);
/** What a team holds of each capability, and its quotas. */
export const usage = (team, options) => call('/v1/teams/' + encodeURIComponent(team) + '/usage', options);

/**
 * The catalog and the scorecard together, with a key that changes only when a figure does (not
 * when the scorecard is merely recomputed), so that a refreshing page redraws only on news.
 */
export async function figures(options) {
  const [catalog, scores] = await Promise.all([capabilities(options), scorecard(options)]);
  const key = JSON.stringify([catalog, scores.map(s => Object.assign({}, s, { at: null }))]);
  return { capabilities: catalog, scores, key };
}

/**
 * One request. With waitFor (a state) and timeout (like '10000ms') the gateway long-polls: it answers
 * once the request is in that state or has passed through it, or is finished, or at the timeout.
 */
export function request(id, { waitFor, timeout, signal } = {}) {
  const query = new URLSearchParams();
  if (waitFor) query.set('waitFor', waitFor);
  if (timeout) query.set('timeout', timeout);
  const search = query.toString();
  return call('/v1/requests/' + encodeURIComponent(id) + (search ? '?' + search : ''), { signal });
}
/** Why the request was matched where it was, or why it waits: matching's latest decisions on it, oldest first. */
export const decision = (id, options) => call('/v1/requests/' + encodeURIComponent(id) + '/decision', options);
/** Cancels a request being provisioned or deprovisions a live one; answers the request as it was (202). */
export const cancel = (id) => call('/v1/requests/' + encodeURIComponent(id), { method: 'DELETE' });

/**
 * A JSON merge patch of a fulfilled request ({parameters: {...}}): its resource is updated in place.
 * Answers {accepted, request}: accepted when an update was sent (202), not when the patch changes
 * nothing (200); the request as it was.
 */
export async function update(id, patch) {
  const { status, body } = await exchange('/v1/requests/' + encodeURIComponent(id), {
    method: 'PATCH', body: JSON.stringify(patch), headers: { 'Content-Type': 'application/merge-patch+json' } });
  return { accepted: status === 202, request: body };
}

/** One page of the caller's approval inbox: requests waiting for an approval it may give, oldest first. */
export function approvals({ cursor, limit = 20, signal } = {}) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor) query.set('cursor', cursor);
  return call('/v1/approvals?' + query, { signal });
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
export function requests({ state, capability, cursor, limit = 20, signal }) {
  const query = new URLSearchParams({ order: 'newest', limit: String(limit) });
  if (state) query.set('state', state);
  if (capability) query.set('capability', capability);
  if (cursor) query.set('cursor', cursor);
  return call('/v1/requests?' + query, { signal });
}

/**
 * Submits a request under the caller's idempotency key ({@link newKey}); answers the request as
 * accepted. The caller keeps the key while it retries the same body: a submit whose answer was lost,
 * or answered 503 (not acknowledged by Kafka in time, perhaps written all the same), then gets the
 * request the first one made instead of making a second.
 */
export function submit(body, key) {
  if (!key) throw new Error('a submit needs an Idempotency-Key; keep one per body, for its retries');
  return call('/v1/requests', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify(body)
  });
}

const FIRST_RETRY_MS = 1_000;
const LAST_RETRY_MS = 30_000;

/**
 * Follows a request's Server-Sent Events (over fetch: EventSource cannot send the Authorization
 * header) until its end event, a refusal that trying again cannot change, or the signal aborts;
 * never rejects. onEvent({name, data, id}) is called for each event. A stream that cannot open, or
 * whose body ends without an end event, is opened again with Last-Event-ID (so each transition
 * arrives once) after Retry-After or a wait from 1 s doubling to 30 s, whichever is longer.
 * onStatus({state, error}) says how it goes: 'live' once open, 'reconnecting' while it waits to
 * open again (error: why, when a call failed), 'stopped' when it gave up (error: why, a 403 or 404).
 */
export async function follow(id, onEvent, signal, onStatus = () => {}) {
  let lastId = null;
  let retry = FIRST_RETRY_MS;
  while (!signal.aborted) {
    let error = null;
    let retryAfter = 0;
    try {
      const response = await fetch('/v1/requests/' + encodeURIComponent(id) + '/events',
        { headers: headers(Object.assign({ 'Accept': 'text/event-stream' }, lastId === null ? {} : { 'Last-Event-ID': lastId })), signal });
      if (!response.ok) {
        const problem = await response.json().catch(() => ({ title: response.status + ' ' + response.statusText }));
        error = new ProblemError(response.status, problem);
        if (!retryable(response.status)) {
          onStatus({ state: 'stopped', error });
          return;
        }
        retryAfter = retryAfterMs(response.headers.get('Retry-After'));
      } else {
        onStatus({ state: 'live' });
        const ended = await readEvents(response.body, signal, (event) => {
          if (event.id !== null) lastId = event.id;
          // anything but an error (a keep-alive comment too) shows a working stream: the next break waits 1 s again
          if (event.name !== 'error') retry = FIRST_RETRY_MS;
          if (event.data !== null) onEvent(event);
        });
        if (ended) return;
      }
    } catch (e) {
      error = e; // the network, or the body broken off
    }
    if (signal.aborted) return;
    onStatus({ state: 'reconnecting', error });
    await pause(Math.max(retry, retryAfter), signal);
    retry = Math.min(retry * 2, LAST_RETRY_MS);
  }
}

// a server error, a timeout or a rate limit passes; another client error (403, 404: the request is not the caller's to see) stays
function retryable(status) {
  return status >= 500 || status === 408 || status === 429;
}

/** Retry-After (seconds or an HTTP-date) in milliseconds; 0 when absent or unreadable. */
function retryAfterMs(header) {
  if (!header) return 0;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? 0 : Math.max(0, at - Date.now());
}

/** Resolves after ms, or as soon as the signal aborts. */
export function pause(ms, signal) {
  return new Promise(resolve => {
    if (signal && signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      if (signal) signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (signal) signal.addEventListener('abort', done);
  });
}

// Reads one stream's body, calling onBlock for each block (comments too, with data null); true once an end event came.
async function readEvents(body, signal, onBlock) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done || signal.aborted) return false;
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = parseEvent(buffer.substring(0, end));
      buffer = buffer.substring(end + 2);
      onBlock(event);
      if (event.name === 'end') return true; // the gateway closes the stream after it
    }
  }
}

// One SSE block: "field: value" lines; one optional space after the colon is not part of the value.
function parseEvent(block) {
  let name = 'message';
  let id = null;
  const data = [];
  block.split('\n').forEach(line => {
    if (line === '' || line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.substring(0, colon);
    let value = colon < 0 ? '' : line.substring(colon + 1);
    if (value.startsWith(' ')) value = value.substring(1);
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) id = value;
  });
  return { name, id, data: data.length ? data.join('\n') : null };
}

/**
 * A random key for Idempotency-Key. crypto.randomUUID exists only in secure contexts (HTTPS or
 * localhost); crypto.getRandomValues everywhere, so a portal opened over plain HTTP from another
 * host can still submit.
 */
export function newKey() {
  if (typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
