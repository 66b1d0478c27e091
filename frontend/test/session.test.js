import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSession, needsRefresh, REFRESH_MARGIN_MS } from '../js/lib/session.js';
import { historyQuery } from '../js/lib/account-api.js';

/** A fake API: records calls, answers refresh with a new token each time, or 401 when told to. */
function fakeApi() {
  const calls = /** @type {{path: string, opts: any}[]} */ ([]);
  let n = 0;
  let signedOut = false;
  return {
    calls,
    signOut() { signedOut = true; },
    /** @param {string} path @param {any} opts */
    async request(path, opts) {
      calls.push({ path, opts });
      if (path.endsWith('/refresh') && signedOut) throw Object.assign(new Error('no session'), { status: 401 });
      if (path.endsWith('/logout')) return { status: 204, json: async () => null };
      n += 1;
      return { status: 200, json: async () => ({ access_token: `t${n}`, expires_in: 900, user: { id: 7, name: 'Ann', is_admin: false } }) };
    },
  };
}

test('a token close to expiry is refreshed first; refreshes in flight are shared', async () => {
  let now = 1_000_000;
  const api = fakeApi();
  const session = createSession({ api, now: () => now, locks: undefined });
  await session.signInWithTelegram({ id: 7, hash: 'x' });
  assert.equal(await session.accessToken(), 't1');
  assert.equal(api.calls[0].opts.credentials, 'include');
  assert.equal(api.calls[0].opts.auth, false, 'auth routes carry no bearer');
  now += 900_000 - REFRESH_MARGIN_MS + 1;
  const [a, b] = await Promise.all([session.accessToken(), session.accessToken()]);
  assert.equal(a, 't2');
  assert.equal(b, 't2');
  assert.equal(api.calls.filter((c) => c.path.endsWith('/refresh')).length, 1, 'one refresh for both');
});

test('a refused refresh signs out and tells the listeners', async () => {
  const api = fakeApi();
  const session = createSession({ api, locks: undefined });
  /** @type {(string | null)[]} */
  const seen = [];
  session.onChange((u) => seen.push(u ? u.name ?? '' : null));
  await session.restore();
  assert.equal(session.user()?.id, 7);
  api.signOut();
  await session.restore();
  assert.equal(session.user(), null);
  assert.equal(await session.accessToken(), null);
  assert.deepEqual(seen, ['Ann', null]);
});

test('needsRefresh only for a session about to expire', () => {
  assert.equal(needsRefresh(null, 0), false);
  assert.equal(needsRefresh({ token: 't', expiresAt: 100_000, user: { id: 1, is_admin: false } }, 0), false);
  assert.equal(needsRefresh({ token: 't', expiresAt: 100_000, user: { id: 1, is_admin: false } }, 50_000), true);
});

test('history queries carry only the filled-in filters, normalised', () => {
  assert.equal(historyQuery({}), '');
  assert.equal(historyQuery({ make: ' honda ', year: '', vinPrefix: '1hg-cm' }, 'c1', 20), '?limit=20&make=honda&vin_prefix=1HGCM&cursor=c1');
});

test('the widget\'s return fragment gives the user object; other fragments give nothing', async () => {
  globalThis.location ??= /** @type {any} */ ({ origin: 'http://x' });
  const { loginFromFragment } = await import('../js/views/account-view.js');
  assert.deepEqual(loginFromFragment('#telegram-login?id=7&auth_date=1&hash=ab&first_name=A%20B'), { id: '7', auth_date: '1', hash: 'ab', first_name: 'A B' });
  assert.equal(loginFromFragment('#telegram-login?id=7'), null);
  assert.equal(loginFromFragment('#stats'), null);
});
