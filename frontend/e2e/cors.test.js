// End-to-end: the page as Vercel serves it — from another origin, calling the API at API_BASE_URL — works
// from an allowed origin and is refused from any other.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend, launchBrowser, trackPageErrors, screenshot, FRONTEND_DIR } from './harness.js';
import { startStaticServer } from './static-server.js';
import { addConnectSrc, renderConfig } from '../scripts/write-config.js';

/** @type {import('./harness.js').Backend} */
let backend;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let browser;
/** @type {{origin: string, close: () => Promise<void>}[]} */
const sites = [];

/**
 * Serve frontend/ from a new loopback origin with config.js pointing at `apiBase`, exactly as the Vercel
 * build step would write it.
 * @param {string} apiBase
 */
async function servePage(apiBase) {
  const site = await startStaticServer({
    root: FRONTEND_DIR,
    override: (p) => (p === '/config.js' ? renderConfig(apiBase) : undefined),
    transformHtml: (html) => addConnectSrc(html, apiBase),
  });
  sites.push(site);
  return site;
}

/** @type {{origin: string}} */ let allowed;
/** @type {{origin: string}} */ let refused;

before(async () => {
  // The allowed site must exist before the backend starts: its origin goes into DASHBOARD_ALLOWED_ORIGINS.
  // Its config.js is served per request, so the backend origin can be filled in afterwards.
  let apiBase = '';
  const allowedSite = await startStaticServer({
    root: FRONTEND_DIR,
    override: (p) => (p === '/config.js' ? renderConfig(apiBase) : undefined),
    transformHtml: (html) => addConnectSrc(html, apiBase),
  });
  sites.push(allowedSite);
  allowed = allowedSite;
  backend = await startBackend({ allowedOrigins: [allowedSite.origin] });
  apiBase = backend.origin;
  refused = await servePage(backend.origin);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await backend?.stop();
  await Promise.all(sites.map((s) => s.close()));
});

describe('CORS', () => {
  test('the API answers the allowed origin with its exact origin, never a wildcard, and refuses others', async () => {
    const url = `${backend.origin}/api/v1/vins/1HGCM82633A004352`;
    const ok = await fetch(url, { headers: { Origin: allowed.origin } });
    assert.equal(ok.headers.get('access-control-allow-origin'), allowed.origin);
    assert.match(ok.headers.get('vary') ?? '', /origin/i);
    assert.equal(ok.headers.get('access-control-allow-credentials'), null);
    const bad = await fetch(url, { headers: { Origin: refused.origin } });
    assert.equal(bad.headers.get('access-control-allow-origin'), null);
    // Preflight for a JSON batch (not a simple request).
    const pre = await fetch(`${backend.origin}/api/v1/vins/batch`, {
      method: 'OPTIONS',
      headers: { Origin: allowed.origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    assert.ok(pre.status < 300, `preflight status ${pre.status}`);
    assert.equal(pre.headers.get('access-control-allow-origin'), allowed.origin);
    const preBad = await fetch(`${backend.origin}/api/v1/vins/batch`, {
      method: 'OPTIONS',
      headers: { Origin: refused.origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    assert.equal(preBad.headers.get('access-control-allow-origin'), null);
  });

  test('the page on the allowed origin decodes through the API', async () => {
    const page = await browser.context.newPage();
    const errors = trackPageErrors(page);
    await page.goto(`${allowed.origin}/?vin=1HGCM82633A004352`);
    await page.getByRole('heading', { level: 2, name: /HONDA/ }).waitFor();
    // A JSON batch needs a preflight; the browser must let it through for this origin.
    const count = await page.evaluate(async (api) => {
      const res = await fetch(`${api}/api/v1/vins/batch`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ vins: ['1HGCM82633A004352'] }),
      });
      return (await res.json()).count;
    }, backend.origin);
    assert.equal(count, 1);
    await screenshot(page, 'cors-allowed');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the page on another origin is refused by the browser and says the API cannot be reached', async () => {
    const page = await browser.context.newPage();
    const errors = trackPageErrors(page);
    await page.goto(`${refused.origin}/?vin=1HGCM82633A004352`);
    const alert = page.getByRole('alert').filter({ hasText: 'Could not decode' });
    await alert.waitFor();
    assert.match(await alert.textContent() ?? '', /Cannot reach the vinbot API/);
    const blocked = await page.evaluate(async (api) => {
      try {
        await fetch(`${api}/api/v1/meta`);
        return false;
      } catch (err) {
        return err instanceof TypeError;
      }
    }, backend.origin);
    assert.equal(blocked, true, 'fetch from a foreign origin must fail');
    await screenshot(page, 'cors-refused');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
