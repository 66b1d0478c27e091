// Sign-in in the header: Telegram's Login Widget while signed out (when the server has sign-in on), the
// user's name and "Sign out" while signed in. The widget runs in `data-auth-url` mode pointed at this page's
// own URL with a `#telegram-login` fragment: it hands the user object over by navigating to
// `#telegram-login?id=…&hash=…`. A fragment never reaches any server or log, and this mode needs no
// `eval` (the `data-onauth` mode does), so the page's Content-Security-Policy stays strict. The object
// goes to the API unchanged; the server checks Telegram's signature.

import { byId, h, replace } from './dom.js';

/** Telegram's widget script. */
export const WIDGET_SRC = 'https://telegram.org/js/telegram-widget.js?22';
/** The fragment the widget returns to. */
export const RETURN_FRAGMENT = '#telegram-login';

/**
 * The user object of a `#telegram-login?…` fragment, or null for any other fragment.
 * @param {string} hash location.hash
 * @returns {Record<string, string> | null}
 */
export function loginFromFragment(hash) {
  if (!hash.startsWith(`${RETURN_FRAGMENT}?`)) return null;
  const params = new URLSearchParams(hash.slice(RETURN_FRAGMENT.length + 1));
  const user = Object.fromEntries(params.entries());
  return user.hash && user.id ? user : null;
}

/**
 * @param {import('../lib/session.js').Session} session
 * @param {import('../lib/account-api.js').AccountApi} account
 */
export function initAccountView(session, account) {
  const box = byId('account');
  const status = byId('account-status');
  /** @type {string | null} */
  let bot = null;

  /** Sign in with a user object the widget left in the fragment, and take it out of the URL at once. */
  async function takeLogin() {
    const user = loginFromFragment(location.hash);
    if (!user) return;
    const url = new URL(location.href);
    url.hash = '';
    history.replaceState(null, '', url);
    status.textContent = 'Signing in…';
    try {
      await session.signInWithTelegram(user);
      status.textContent = '';
    } catch (err) {
      status.textContent = `Sign-in failed: ${/** @type {Error} */ (err).message}`;
    }
  }

  function showSignedOut() {
    if (!bot) {
      replace(box);
      return;
    }
    const script = h('script', {
      async: true,
      src: WIDGET_SRC,
      'data-telegram-login': bot,
      'data-size': 'medium',
      'data-userpic': 'false',
      'data-auth-url': `${location.origin}${location.pathname}${RETURN_FRAGMENT}`,
    });
    replace(box, h('span', { class: 'account-hint', text: 'Sign in to keep your history and vehicles:' }), script);
  }

  function showSignedIn(/** @type {import('../lib/session.js').SessionUser} */ user) {
    const signOut = h('button', { type: 'button', class: 'secondary', text: 'Sign out' });
    signOut.addEventListener('click', async () => {
      signOut.disabled = true;
      await session.signOut().catch(() => undefined);
    });
    replace(box, h('span', { class: 'account-name', text: `Signed in as ${user.name ?? `user ${user.id}`}` }), signOut);
  }

  session.onChange((user) => (user ? showSignedIn(user) : showSignedOut()));
  window.addEventListener('hashchange', () => { takeLogin(); });

  return {
    /** Learn whether sign-in is on, restore a session from the cookie, or finish a sign-in. */
    async start() {
      try {
        const config = await account.config();
        bot = config.sign_in ? config.telegram_bot_username ?? null : null;
      } catch {
        bot = null; // the API is unreachable: the page still decodes
      }
      if (loginFromFragment(location.hash)) await takeLogin();
      else await session.restore();
      const user = session.user();
      if (user) showSignedIn(user);
      else showSignedOut();
    },
  };
}
