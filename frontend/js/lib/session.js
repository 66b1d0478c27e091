// The signed-in session of the page. The access token lives only in this module's memory (never in
// storage a script injected elsewhere could read) and goes out as `Authorization: Bearer`; the refresh
// token is an HttpOnly cookie the browser sends to /api/v1/auth/* only. A token about to expire is
// refreshed first; refreshes are serialised across tabs with the Web Locks API, because each refresh
// token works once and two tabs refreshing with the same cookie would look like a stolen token.

/** Refresh when the access token has less than this left. */
export const REFRESH_MARGIN_MS = 60_000;

/**
 * @typedef {object} SessionUser
 * @property {number} id Telegram user id
 * @property {string | null} [name]
 * @property {boolean} is_admin
 */

/**
 * @typedef {object} SessionState
 * @property {string} token
 * @property {number} expiresAt epoch milliseconds
 * @property {SessionUser} user
 */

/**
 * Session state from a sign-in or refresh answer.
 * @param {{access_token: string, expires_in: number, user: SessionUser}} body
 * @param {number} now epoch milliseconds
 * @returns {SessionState}
 */
export function stateFromBody(body, now) {
  return { token: body.access_token, expiresAt: now + body.expires_in * 1000, user: body.user };
}

/**
 * @param {SessionState | null} state
 * @param {number} now
 * @returns {boolean}
 */
export function needsRefresh(state, now) {
  return state !== null && state.expiresAt - now < REFRESH_MARGIN_MS;
}

/**
 * @param {object} deps
 * @param {{request: (path: string, opts?: object) => Promise<Response>}} deps.api
 * @param {() => number} [deps.now]
 * @param {{request: (name: string, fn: () => Promise<void>) => Promise<void>} | undefined} [deps.locks]
 */
export function createSession({ api, now = () => Date.now(), locks = globalThis.navigator?.locks }) {
  /** @type {SessionState | null} */
  let state = null;
  /** @type {Set<(user: SessionUser | null) => void>} */
  const listeners = new Set();
  /** @type {Promise<void> | null} */
  let inflight = null;

  /** @param {SessionState | null} next */
  function set(next) {
    const changed = (state?.user?.id ?? null) !== (next?.user?.id ?? null);
    state = next;
    if (changed) for (const fn of listeners) fn(state?.user ?? null);
  }

  /**
   * POST to an auth route with the cookie.
   * @param {string} path
   * @param {unknown} [body]
   */
  async function post(path, body) {
    const res = await api.request(path, {
      method: 'POST',
      credentials: 'include',
      auth: false,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.status === 204 ? null : res.json();
  }

  /** Exchange the cookie for a new access token; a 401 means signed out. */
  function refresh() {
    const run = async () => {
      try {
        set(stateFromBody(await post('/api/v1/auth/refresh'), now()));
      } catch (err) {
        if (/** @type {{status?: number}} */ (err).status === 401) set(null);
        else throw err;
      }
    };
    inflight ??= (locks ? locks.request('vinbot-refresh', run) : run()).finally(() => { inflight = null; });
    return inflight;
  }

  return {
    /** @returns {SessionUser | null} */
    user: () => state?.user ?? null,
    /** @param {(user: SessionUser | null) => void} fn */
    onChange(fn) { listeners.add(fn); },
    /**
     * Sign in with the Telegram Login Widget's user object, passed on unchanged.
     * @param {Record<string, unknown>} telegramUser
     */
    async signInWithTelegram(telegramUser) {
      set(stateFromBody(await post('/api/v1/auth/telegram', telegramUser), now()));
    },
    /** Pick up a session from the cookie on page load; quiet when there is none. */
    async restore() {
      try {
        await refresh();
      } catch {
        set(null);
      }
    },
    /** Forget the session without asking the server (it said the session has ended). */
    ended() { set(null); },
    /** @returns {Promise<string | null>} a fresh access token, or null when signed out */
    async accessToken() {
      if (needsRefresh(state, now())) await refresh().catch(() => set(null));
      return state?.token ?? null;
    },
    async signOut() {
      try {
        await post('/api/v1/auth/logout');
      } finally {
        set(null);
      }
    },
  };
}

/** @typedef {ReturnType<typeof createSession>} Session */
