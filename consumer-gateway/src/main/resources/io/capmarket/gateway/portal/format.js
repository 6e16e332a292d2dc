// The small DOM and number functions the pages share.

/** Creates an element: attributes (on* are listeners, 'class', 'text', dataset via data-*), then children (strings or nodes). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.substring(2), value);
    else if (name === 'text') node.textContent = value;
    else if (name === 'class') node.className = value;
    else if (value === true) node.setAttribute(name, '');
    else node.setAttribute(name, value);
  }
  node.append(...children.flat().filter(c => c !== null && c !== undefined && c !== false));
  return node;
}

/** A duration in milliseconds as people read it: 850 ms, 12.4 s, 3.2 min, 1.5 h; a dash for none. */
export function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return Math.round(ms) + ' ms';
  if (ms < 60_000) return (ms / 1000).toFixed(ms < 10_000 ? 1 : 0) + ' s';
  if (ms < 3_600_000) return (ms / 60_000).toFixed(1) + ' min';
  if (ms < 86_400_000) return (ms / 3_600_000).toFixed(1) + ' h';
  return (ms / 86_400_000).toFixed(1) + ' d';
}

/** A ratio (0..1) as a percentage. */
export function percent(ratio) {
  return ratio === null || ratio === undefined ? '—' : (ratio * 100).toFixed(ratio > 0 && ratio < 0.1 ? 1 : 0) + '%';
}

/** A count or rate with at most one decimal. */
export function number(value) {
  if (value === null || value === undefined) return '—';
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** An ISO instant as local date and time. */
export function when(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/**
 * A DORA-style band for a p95 lead time against the promise it is held to: elite within half the
 * promise, high within it, medium within twice it, low beyond; null without samples.
 */
export function band(p95Ms, promiseMs) {
  if (p95Ms === null || p95Ms === undefined || !promiseMs) return null;
  const ratio = p95Ms / promiseMs;
  return ratio <= 0.5 ? 'elite' : ratio <= 1 ? 'high' : ratio <= 2 ? 'medium' : 'low';
}

/** A band as a labelled badge (the word is the meaning; the colour only repeats it). */
export function bandBadge(name) {
  return name ? el('span', { class: 'badge band-' + name, text: name }) : el('span', { class: 'badge', text: 'no data' });
}

/** A figure: a label and a value, as a definition pair inside a figures list. */
export function figure(label, value, hint) {
  return el('div', { class: 'figure' },
    el('dt', { text: label }),
    el('dd', { text: value }),
    hint ? el('dd', { class: 'hint', text: hint }) : null);
}

/** The states a request can be in, in lifecycle order. */
export const STATES = ['SUBMITTED', 'PENDING_APPROVAL', 'WAITING', 'MATCHED', 'REJECTED', 'ACCEPTED', 'IN_PROGRESS', 'FULFILLED', 'FAILED',
  'CANCELLED', 'UPDATING', 'DEPROVISIONING', 'DEPROVISIONED'];

/** An approval policy as one line: which requests wait for whom, e.g. "size large: role:admin". */
export function policyText(policy) {
  const when = Object.entries(policy.when || {}).map(([name, values]) => `${name} ${values.join(' or ')}`).join(', ');
  return (when || 'every request') + ': ' + (policy.approvers || []).join(' or ')
    + (policy.expiresAfterMs ? ` within ${duration(policy.expiresAfterMs)}` : '');
}

/** A state as a badge. */
export function stateBadge(state) {
  return el('span', { class: 'state state-' + state.toLowerCase(), text: state });
}

/** Replaces a node's children, leaving out the null, undefined and false that optional parts give. */
export function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter(c => c !== null && c !== undefined && c !== false));
}
