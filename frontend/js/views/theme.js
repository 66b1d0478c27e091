// Light/dark theme: follows the system (prefers-color-scheme) until the person toggles; the choice is kept
// in localStorage and applied as data-theme on <html>, which the CSS variables key off.

const THEME_KEY = 'vinbot.theme';

/** @returns {'light' | 'dark' | null} */
function storedTheme() {
  try {
    const v = localStorage.getItem(THEME_KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
}

/** @returns {boolean} */
function systemDark() {
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
}

/**
 * Wire the toggle button.
 * @param {HTMLButtonElement} button
 */
export function initTheme(button) {
  const apply = (/** @type {'light' | 'dark' | null} */ theme) => {
    if (theme) document.documentElement.dataset.theme = theme;
    else delete document.documentElement.dataset.theme;
    const dark = theme ? theme === 'dark' : systemDark();
    button.setAttribute('aria-pressed', String(dark));
    button.textContent = 'Dark theme';
    button.title = dark ? 'Switch to the light theme' : 'Switch to the dark theme';
  };
  apply(storedTheme());
  button.addEventListener('click', () => {
    const next = button.getAttribute('aria-pressed') === 'true' ? 'light' : 'dark';
    try { localStorage.setItem(THEME_KEY, next); } catch { /* private mode: the choice lasts this page only */ }
    apply(next);
  });
  window.matchMedia?.('(prefers-color-scheme: dark)').addEventListener?.('change', () => apply(storedTheme()));
}
