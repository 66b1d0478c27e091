// The three views as an ARIA tab set, kept in the URL hash (#batch, #stats) so views are linkable and the
// back button works. Arrow keys, Home and End move between tabs as the ARIA pattern expects.

/** @typedef {'decode' | 'batch' | 'stats' | 'mine'} View */

const VIEWS = /** @type {View[]} */ (['decode', 'batch', 'stats', 'mine']);

/**
 * @param {string} hash
 * @returns {View}
 */
export function viewFromHash(hash) {
  const v = hash.replace(/^#/, '');
  return VIEWS.includes(/** @type {View} */ (v)) ? /** @type {View} */ (v) : 'decode';
}

/**
 * @param {HTMLElement} tablist
 * @param {(view: View) => void} onShow called each time a view becomes visible
 * @returns {{show: (view: View, opts?: {focus?: boolean, push?: boolean}) => void}}
 */
export function initTabs(tablist, onShow) {
  const tabs = /** @type {HTMLButtonElement[]} */ ([...tablist.querySelectorAll('[role="tab"]')]);

  /** @param {View} view @param {{focus?: boolean, push?: boolean}} [opts] */
  function show(view, opts = {}) {
    for (const tab of tabs) {
      const selected = tab.dataset.view === view;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      const panel = document.getElementById(tab.getAttribute('aria-controls') ?? '');
      if (panel) panel.hidden = !selected;
      if (selected && opts.focus) tab.focus();
    }
    if (opts.push) {
      const url = new URL(location.href);
      url.hash = view === 'decode' ? '' : view;
      if (view !== 'decode') url.searchParams.delete('vin');
      history.pushState(null, '', url);
    }
    onShow(view);
  }

  tablist.addEventListener('click', (e) => {
    const tab = /** @type {HTMLElement} */ (e.target).closest('[role="tab"]');
    if (tab instanceof HTMLElement && tab.dataset.view) show(/** @type {View} */ (tab.dataset.view), { push: true });
  });
  tablist.addEventListener('keydown', (e) => {
    // Hidden tabs ("My vehicles" while signed out) are skipped.
    const shown = tabs.filter((t) => !t.hidden);
    const i = shown.findIndex((t) => t === document.activeElement);
    if (i < 0) return;
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: shown.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const tab = shown[(next + shown.length) % shown.length];
    show(/** @type {View} */ (tab.dataset.view), { focus: true, push: true });
  });
  return { show };
}
