// End-to-end: a batch larger than the anonymous quota succeeds. The server runs with a quota of 400 VINs a
// minute (the default is 120; a smaller quota would make the test minutes long): 500 VINs cannot go in one
// request, so the page must split them and wait for the bucket to refill (100 VINs at 400 a minute: 15 s, far
// longer than decoding 400 VINs takes even in a debug build), guided by the RateLimit headers, showing the wait
// in its progress line.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startBackend, launchBrowser, trackPageErrors, screenshot, FRONTEND_DIR } from './harness.js';

const QUOTA = 400;

/** @type {import('./harness.js').Backend} */
let backend;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let browser;

before(async () => {
  backend = await startBackend({ env: { RATE_LIMIT_ANON_PER_MINUTE: String(QUOTA) } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await backend?.stop();
});

test('500 VINs over a quota of 400 a minute: split, paced by RateLimit, every row in order', async () => {
  const fifty = (await readFile(path.join(FRONTEND_DIR, 'e2e/fixtures/batch-50.txt'), 'utf8')).trim().split('\n');
  const vins = Array.from({ length: 10 }, () => fifty).flat();
  assert.equal(vins.length, 500);

  const page = await browser.context.newPage();
  const errors = trackPageErrors(page);
  /** @type {{status: number, count: number, rateLimit: string | null}[]} */
  const batches = [];
  page.on('response', async (res) => {
    if (!res.url().endsWith('/api/v1/vins/batch')) return;
    const body = res.request().postData() ?? '';
    batches.push({ status: res.status(), count: body.split('\n').filter(Boolean).length, rateLimit: res.headers()['ratelimit'] ?? null });
  });
  await page.goto(`${backend.origin}/#batch`);
  await page.locator('html[data-ready="true"]').waitFor();
  await page.getByLabel('VINs, one per line').fill(vins.join('\n'));
  await page.getByText('500 VINs ready.').waitFor();
  await page.getByRole('button', { name: 'Decode all' }).click();

  const status = page.getByRole('status').filter({ hasText: /decoded/ });
  await status.filter({ hasText: /waiting \d+ s for the rate limit/ }).waitFor({ timeout: 20_000 });
  await screenshot(page, 'batch-quota-waiting');
  await page.getByRole('status').filter({ hasText: /^Done: 500 decoded/ }).waitFor({ timeout: 45_000 });
  await page.getByRole('alert').filter({ hasText: 'Batch stopped' }).waitFor({ state: 'hidden' });

  const rows = page.getByRole('region', { name: 'Batch results table' }).locator('tbody tr');
  assert.equal(await rows.count(), 500);
  const shown = await rows.locator('td.vin').allTextContents();
  assert.deepEqual(shown, vins, 'every VIN once, in input order');

  const accepted = batches.filter((b) => b.status === 200);
  assert.equal(accepted.reduce((n, b) => n + b.count, 0), 500, JSON.stringify(batches));
  assert.ok(accepted.length >= 3, `split into ${accepted.length} requests`);
  assert.ok(accepted.every((b) => b.count <= QUOTA && b.rateLimit), JSON.stringify(batches));
  // The page waited instead of hammering: no refusal at all (the first chunk already fits the quota).
  assert.deepEqual(batches.filter((b) => b.status === 429), []);
  assert.deepEqual(errors, []);
  await page.close();
});
