// End-to-end: the page served from its own origin (as on Vercel) with API_BASE_URL pointing at a port where
// nothing listens: the views must say clearly that the API is unreachable, offer a retry, and throw nothing.
// Needs no backend binary.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, trackPageErrors, screenshot, unusedPort, FRONTEND_DIR } from './harness.js';
import { startStaticServer } from './static-server.js';
import { addConnectSrc, renderConfig } from '../scripts/write-config.js';

/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let browser;
/** @type {Awaited<ReturnType<typeof startStaticServer>>} */
let site;

before(async () => {
  const deadApi = `http://127.0.0.1:${await unusedPort()}`;
  site = await startStaticServer({
    root: FRONTEND_DIR,
    override: (p) => (p === '/config.js' ? renderConfig(deadApi) : undefined),
    transformHtml: (html) => addConnectSrc(html, deadApi),
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

describe('API down', () => {
  test('the dashboard shows a clear message and a working Retry button, without JS errors', async () => {
    const page = await browser.context.newPage();
    const errors = trackPageErrors(page);
    await page.goto(`${site.origin}/#stats`);
    const alert = page.getByRole('alert').filter({ hasText: 'Statistics are unavailable' });
    await alert.waitFor();
    assert.match(await alert.textContent() ?? '', /Cannot reach the vinbot API at http:\/\/127\.0\.0\.1:\d+/);
    const retry = page.getByRole('button', { name: 'Retry' });
    await retry.click();
    await page.getByRole('alert').filter({ hasText: 'Statistics are unavailable' }).waitFor();
    await screenshot(page, 'stats-api-down');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('decode and batch say the API cannot be reached; the page keeps working offline', async () => {
    const page = await browser.context.newPage();
    const errors = trackPageErrors(page);
    await page.goto(site.origin);
    await page.getByLabel('Vehicle Identification Number').fill('1HGCM82633A004352');
    await page.getByText('Check digit correct').waitFor(); // computed in the page, no API needed
    await page.getByRole('button', { name: 'Decode', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: /Could not decode: Cannot reach the vinbot API/ }).waitFor();
    await page.getByRole('tab', { name: 'Batch' }).click();
    await page.getByLabel(/VINs, one per line/).fill('1HGCM82633A004352\n5YJXCBE10KF604140\n');
    await page.getByRole('button', { name: 'Decode all' }).click();
    await page.getByRole('alert').filter({ hasText: /Batch stopped: Cannot reach the vinbot API/ }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Download CSV' }).isDisabled(), true);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
