// End-to-end: sign in with Telegram on the page served by the real `vinbot serve`, in Chromium. The test
// serves a stand-in for Telegram's widget script that hands the page a payload the test signs with the test
// bot's token, exactly as Telegram would (data-auth-url mode: navigation to the page's #telegram-login). Then: decodes become the user's history (whole
// VIN), a vehicle is saved, renamed, exported and deleted, the session survives a reload (refresh cookie),
// and signing out ends it. A payload signed with another token is refused with the server's message.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { startBackend, launchBrowser, trackPageErrors, screenshot, poll } from './harness.js';

const BOT_TOKEN = '555001:E2E-test-token';
const BOT_USERNAME = 'vin_test_bot';
const VIN = '1HGCM82633A004352';

/**
 * Sign a Login Widget user object as Telegram does: HMAC-SHA-256 of the sorted `key=value` lines, keyed
 * with SHA-256 of the bot token.
 * @param {string} token
 * @param {Record<string, string | number>} user
 */
function signPayload(token, user) {
  const dataCheck = Object.keys(user).sort().map((k) => `${k}=${user[k]}`).join('\n');
  const key = createHash('sha256').update(token).digest();
  return { ...user, hash: createHmac('sha256', key).update(dataCheck).digest('hex') };
}

/**
 * The stand-in widget: a button next to its own script tag that hands `user` to the page the way Telegram's
 * widget does in data-auth-url mode: by navigating to the auth URL with the fields as parameters.
 * @param {object} user
 */
function standInWidget(user) {
  return `(() => {
    const script = document.currentScript;
    const authUrl = script.dataset.authUrl;
    const user = ${JSON.stringify(user)};
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Log in with Telegram as ' + script.dataset.telegramLogin;
    button.addEventListener('click', () => {
      const params = Object.keys(user).map((k) => k + '=' + encodeURIComponent(user[k])).join('&');
      location.href = authUrl + (authUrl.indexOf('?') >= 0 ? '&' : '?') + params;
    });
    script.after(button);
  })();`;
}

/** @type {import('./harness.js').Backend} */
let backend;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let browser;
/** Token the next widget payload is signed with. */
let signingToken = BOT_TOKEN;

before(async () => {
  backend = await startBackend({
    env: {
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: 'e2e-webhook-secret-0123456789-abcdefgh',
      TELEGRAM_API_BASE_URL: 'http://127.0.0.1:9',
      TELEGRAM_BOT_USERNAME: BOT_USERNAME,
      STATS_FLUSH_INTERVAL_MS: '50',
    },
  });
  browser = await launchBrowser();
  // Every load of the widget gets a freshly signed payload (each payload signs in once).
  await browser.context.route('https://telegram.org/js/telegram-widget.js*', (route) => route.fulfill({
    contentType: 'text/javascript',
    body: standInWidget(signPayload(signingToken, {
      id: 4242, first_name: 'Ada', last_name: 'Lovelace', username: 'ada', auth_date: Math.floor(Date.now() / 1000),
    })),
  }));
});

after(async () => {
  await browser?.close();
  await backend?.stop();
});

async function openPage(/** @type {string} */ url = '/') {
  const page = await browser.context.newPage();
  const errors = trackPageErrors(page);
  await page.goto(backend.origin + url);
  await page.locator('html[data-ready="true"]').waitFor();
  return { page, errors };
}

describe('sign in with Telegram', () => {
  test('a signed-in user finds their decodes and vehicles, across a reload, until signing out', async () => {
    signingToken = BOT_TOKEN;
    const { page, errors } = await openPage();
    const mineTab = page.getByRole('tab', { name: 'My vehicles' });
    assert.equal(await mineTab.isVisible(), false, 'no "My vehicles" while signed out');
    await page.getByRole('button', { name: `Log in with Telegram as ${BOT_USERNAME}` }).click();
    await page.getByText('Signed in as Ada Lovelace').waitFor();
    await mineTab.waitFor();
    assert.equal(new URL(page.url()).hash, '', 'the payload is taken out of the URL');

    // A decode while signed in is this user's, with the whole VIN.
    await page.getByLabel('Vehicle Identification Number').fill(VIN);
    await page.getByRole('button', { name: 'Decode', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: /HONDA/ }).waitFor();
    await mineTab.click();
    const history = page.getByRole('list', { name: 'Decode history' });
    // The decode is written behind the request (within STATS_FLUSH_INTERVAL_MS): ask again until it is there.
    await poll(async () => {
      await page.getByRole('button', { name: 'Filter' }).click();
      return (await history.getByText(VIN, { exact: true }).count()) > 0;
    }, { timeoutMs: 15_000, intervalMs: 200, what: 'the decode in the history' });

    // Save it from the history, rename it.
    await history.getByRole('button', { name: `Save ${VIN}` }).click();
    const vehicles = page.getByRole('list', { name: 'Saved vehicles' });
    await vehicles.getByRole('heading', { name: /2003 HONDA Accord/ }).waitFor();
    await vehicles.getByLabel(`Nickname of ${VIN}`).fill('Family car');
    await vehicles.getByRole('button', { name: `Save changes to ${VIN}` }).click();
    await page.getByText(`Saved changes to ${VIN}.`).waitFor();

    // Export the history as CSV.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = await readFile(/** @type {string} */ (await download.path()), 'utf8');
    assert.match(csv, /^occurred_at,channel,vin,make,model,model_year,error_code/);
    assert.ok(csv.includes(`,web,${VIN},HONDA,Accord,2003,`), csv);
    await screenshot(page, 'my-vehicles');

    // A reload keeps the session: the refresh cookie brings a new access token.
    await page.reload();
    await page.locator('html[data-ready="true"]').waitFor();
    await page.getByText('Signed in as Ada Lovelace').waitFor();
    await mineTab.click();
    await vehicles.getByRole('heading', { name: 'Family car' }).waitFor();
    await vehicles.getByRole('button', { name: `Delete ${VIN}` }).click();
    await vehicles.getByText('No saved vehicles yet.').waitFor();

    // Signing out hides the tab, and a reload finds no session.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: `Log in with Telegram as ${BOT_USERNAME}` }).waitFor();
    assert.equal(await mineTab.isVisible(), false);
    await page.reload();
    await page.getByRole('button', { name: `Log in with Telegram as ${BOT_USERNAME}` }).waitFor();
    assert.equal(await page.getByText('Signed in as').count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a payload signed with another bot token is refused with the server message', async () => {
    signingToken = '999:another-bot-token';
    const { page, errors } = await openPage();
    await page.getByRole('button', { name: `Log in with Telegram as ${BOT_USERNAME}` }).click();
    await page.getByText('Sign-in failed: The Telegram sign-in data is not signed by this bot.').waitFor();
    assert.equal(await page.getByRole('tab', { name: 'My vehicles' }).isVisible(), false);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
