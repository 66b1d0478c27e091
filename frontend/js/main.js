// Entry point: find the API, wire theme, tabs, the views and sign-in, and follow the URL (?vin=, #batch,
// #stats, #mine) including back/forward.

import { createApi, joinUrl } from './lib/api.js';
import { loadApiBase } from './api-base.js';
import { initTheme } from './views/theme.js';
import { initTabs, viewFromHash } from './views/tabs.js';
import { initDecodeView } from './views/decode-view.js';
import { initBatchView } from './views/batch-view.js';
import { initStatsView } from './views/stats-view.js';
import { byId } from './views/dom.js';
import { createSession } from './lib/session.js';
import { accountApi } from './lib/account-api.js';
import { initAccountView } from './views/account-view.js';
import { initMineView } from './views/mine-view.js';

async function start() {
  initTheme(/** @type {HTMLButtonElement} */ (byId('theme-toggle')));
  const baseUrl = await loadApiBase();
  /** @type {import('./lib/session.js').Session | null} */
  let session = null;
  const api = createApi({ baseUrl, getAccessToken: () => (session ? session.accessToken() : Promise.resolve(null)) });
  session = createSession({ api });
  const account = accountApi(api);
  byId('api-docs-link').setAttribute('href', joinUrl(baseUrl, '/docs'));

  const decodeView = initDecodeView(api);
  const statsView = initStatsView(api);
  const signedIn = session;
  const mineView = initMineView(account, () => signedIn.ended());
  const tabs = initTabs(byId('tabs-nav'), (view) => {
    if (view === 'stats') statsView.load();
    if (view === 'decode') decodeView.decodeFromUrl();
    if (view === 'mine') mineView.load();
  });
  initBatchView(api, (vin) => {
    const url = new URL(location.href);
    url.hash = '';
    url.searchParams.set('vin', vin);
    history.pushState(null, '', url);
    tabs.show('decode');
  });

  // "My vehicles" exists only while signed in.
  const mineTab = byId('tab-mine');
  const follow = () => {
    const view = viewFromHash(location.hash);
    tabs.show(view === 'mine' && !signedIn.user() ? 'decode' : view);
  };
  signedIn.onChange((user) => {
    mineTab.hidden = !user;
    if (viewFromHash(location.hash) === 'mine') follow();
  });
  window.addEventListener('popstate', follow);
  window.addEventListener('hashchange', follow);
  follow();
  document.documentElement.dataset.ready = 'true';

  showMeta(api);
  initAccountView(signedIn, account).start();
}

/**
 * Data identity and versions in the footer; quiet when the API is not reachable (views say so themselves).
 * @param {import('./lib/api.js').Api} api
 */
async function showMeta(api) {
  try {
    const meta = await api.meta();
    const data = meta.data ?? {};
    byId('meta-line').textContent = `vinbot ${meta.version ?? ''} · data: ${data.source ?? 'unknown'}${data.data_date ? ` (${data.data_date})` : ''} · decoder ${meta.decoder_version ?? data.decoder_version ?? '?'}`;
  } catch {
    // The footer keeps its static text.
  }
}

start();
