// The portal's shell: sign-in with a bearer token, navigation by role, and a hash router that
// renders one page at a time into <main>. Each page gets an AbortSignal that ends its calls, live
// streams and refreshes when the user moves on; a page checks it before drawing, so that a load
// still under way never draws over the page that replaced it.

import * as api from './api.js';
import { el, fill } from './format.js';
import { catalogPage, requestPage } from './catalog.js';
import { scorecardPage } from './scorecard.js';
import { requestsPage, requestDetailPage } from './requests.js';
import { producerPage } from './producer.js';
import { approvalsPage } from './approvals.js';
import { insightsPage } from './insights.js';

const view = document.getElementById('view');
const nav = document.getElementById('nav');
let me = null;
let current = null; // { controller, timer } of the page on screen
let navigated = false; // whether the user has moved since the page loaded (the first page keeps the browser's focus)

/**
 * The pages, in menu order. roles: who sees the page in the menu; shown(me), when set, lets in
 * others too (anyone an approval names has something in its inbox).
 */
const PAGES = [
  { path: 'catalog', title: 'Catalog', roles: ['consumer', 'producer', 'approver', 'admin'] },
  { path: 'requests', title: 'My requests', roles: ['consumer', 'approver', 'admin'] },
  { path: 'approvals', title: 'Approvals', roles: ['approver', 'admin'], shown: (who) => who.inbox },
  { path: 'scorecard', title: 'Scorecard', roles: ['consumer', 'producer', 'approver', 'admin'] },
  { path: 'insights', title: 'Insights', roles: ['consumer', 'producer', 'approver', 'admin'] },
  { path: 'producer', title: 'Producer', roles: ['producer', 'admin'] }
];

function navigate(hash, force) {
  if (location.hash === hash && force) render();
  else location.hash = hash;
}

function renderNav() {
  const path = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0] || 'catalog';
  fill(nav, ...PAGES.filter(p => me && (p.roles.includes(me.role) || (p.shown && p.shown(me)))).map(p =>
    el('a', { href: '#/' + p.path, id: 'nav-' + p.path, text: p.title,
      'aria-current': path === p.path || (p.path === 'catalog' && path === 'request') ? 'page' : null })));
}

async function render() {
  if (current) {
    current.controller.abort();
    clearTimeout(current.timer);
  }
  const page = { controller: new AbortController(), timer: null };
  current = page;
  renderNav();
  if (!me) {
    fill(view, welcome());
    return;
  }
  const [route, query] = location.hash.replace(/^#\/?/, '').split('?');
  const [path, ...rest] = route.split('/');
  const arg = rest.length ? decodeURIComponent(rest.join('/')) : null;
  const params = new URLSearchParams(query || '');
  const signal = page.controller.signal;
  // a page that keeps itself current: again() reloads it later, changed() says whether to redraw
  const live = {
    signal,
    shown: null,
    again: (reload, ms) => {
      // a failed reload (the gateway restarting, say) keeps the page as it is and tries again later
      if (current === page) page.timer = setTimeout(() => reload().catch(() => live.again(reload, ms)), ms);
    },
    changed(key) {
      const news = key !== this.shown;
      this.shown = key;
      return news;
    }
  };
  view.setAttribute('aria-busy', 'true');
  try {
    if (path === 'request' && arg) await requestPage(view, arg, navigate, signal);
    else if (path === 'requests' && arg) await requestDetailPage(view, arg, me, signal, navigate);
    else if (path === 'requests') await requestsPage(view, params, navigate, signal);
    else if (path === 'scorecard') await scorecardPage(view, live);
    else if (path === 'insights') await insightsPage(view, me, params, navigate, live);
    else if (path === 'producer') await producerPage(view, me, params, navigate, live);
    else if (path === 'approvals') await approvalsPage(view, params, navigate, live);
    else await catalogPage(view, live);
    focusHeading(page);
  } catch (e) {
    if (current === page) showError(e);
  } finally {
    if (current === page) view.removeAttribute('aria-busy');
  }
}

// after a navigation, move focus to the new page's heading so keyboard and screen-reader users start there
function focusHeading(page) {
  const heading = view.querySelector('h1');
  if (navigated && heading && current === page && document.activeElement === document.body) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

function showError(e) {
  fill(view, el('h1', { text: 'Something went wrong' }),
    el('p', { class: 'error', id: 'page-error', role: 'alert', text: e.message }),
    el('p', {}, el('a', { href: '#/catalog', text: 'Back to the catalog' })));
}

function welcome() {
  return el('section', { class: 'card welcome' },
    el('h1', { text: 'Welcome to capmarket' }),
    el('p', { text: 'Expert teams offer capabilities here; you request them, self-service, and watch them delivered.' }),
    el('p', {}, 'Sign in with your bearer token above. In dev mode, ', el('code', { text: 'demo-consumer' }),
      ' browses and requests as team demo-app, and ', el('code', { text: 'demo-admin' }),
      ' sees everything and approves what waits for an admin.'));
}

async function connect() {
  const status = document.getElementById('who');
  try {
    me = await api.me();
    // a consumer or producer an approval names finds the page in its menu while something waits for it
    me.inbox = ['consumer', 'producer'].includes(me.role)
      && (await api.approvals({ limit: 1 }).catch(() => ({ items: [] }))).items.length > 0;
    status.textContent = `${me.name} · ${me.team} · ${me.role}`;
  } catch (e) {
    me = null;
    status.textContent = e.status === 401 ? 'unknown token' : e.message;
  }
  await render();
}

const tokenInput = document.getElementById('token');
tokenInput.value = api.token();
document.getElementById('login').addEventListener('submit', (event) => {
  event.preventDefault();
  api.setToken(tokenInput.value.trim());
  connect();
});
// the skip link moves the focus, not the route (the hash is the router's)
document.querySelector('.skip').addEventListener('click', (event) => {
  event.preventDefault();
  view.focus();
});
window.addEventListener('hashchange', () => {
  navigated = true;
  render();
});
if (api.token()) connect();
else render();
