// End-to-end: the page served by the real `vinbot serve` (same origin), driven in Chromium.
// Scenarios: decode, bad VIN, repair link, batch of 50 with CSV download, dashboard after decodes, themes.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startBackend, launchBrowser, trackPageErrors, screenshot, poll, FRONTEND_DIR, OUTPUT_DIR } from './harness.js';
import { parseCsv } from '../js/lib/csv.js';

/** @type {import('./harness.js').Backend} */
let backend;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let browser;

before(async () => {
  backend = await startBackend();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await backend?.stop();
});

/** A fresh page that records uncaught errors. */
async function openPage(/** @type {string} */ url = '/') {
  const page = await browser.context.newPage();
  const errors = trackPageErrors(page);
  await page.goto(backend.origin + url);
  await page.locator('html[data-ready="true"]').waitFor();
  return { page, errors };
}

describe('decode view', () => {
  test('decoding a VIN shows make, model and year, and puts the VIN in the URL', async () => {
    const { page, errors } = await openPage();
    const field = page.getByLabel('Vehicle Identification Number');
    await field.fill('1hg cm826-33a004352');
    assert.equal(await field.inputValue(), '1HGCM82633A004352', 'normalised as typed');
    await page.getByText('Check digit correct').waitFor();
    await page.getByRole('button', { name: 'Decode', exact: true }).click();
    const title = page.getByRole('heading', { level: 2, name: /HONDA/ });
    await title.waitFor();
    const text = await title.textContent();
    assert.match(text ?? '', /2003 HONDA Accord/);
    const facts = page.locator('.facts');
    assert.equal(await facts.getByText('HONDA', { exact: true }).count(), 1);
    assert.equal(new URL(page.url()).searchParams.get('vin'), '1HGCM82633A004352');
    assert.equal(await page.getByRole('list', { name: 'VIN anatomy' }).getByRole('listitem').count(), 6);
    // Definition lists hold their terms as elements, never as the text of an array.
    assert.equal(await page.locator('.anatomy-help dl > dt').count(), 6);
    assert.ok(await page.locator('.prov dl > dt').count() > 0, 'provenance terms');
    assert.equal(await page.getByText('[object HTMLElement]').count(), 0);
    await screenshot(page, 'decode');
    // The shared URL decodes by itself, and the VIN is now in the recent list.
    const shared = await openPage('/?vin=1HGCM82633A004352');
    await shared.page.getByRole('heading', { level: 2, name: /HONDA/ }).waitFor();
    await shared.page.getByRole('region', { name: 'Recent decodes' }).getByRole('link', { name: '1HGCM82633A004352' }).waitFor();
    assert.deepEqual([...errors, ...shared.errors], []);
    await shared.page.close();
    await page.close();
  });

  test('a bad VIN is flagged while typing and the server error is shown', async () => {
    const { page, errors } = await openPage();
    const field = page.getByLabel('Vehicle Identification Number');
    await field.fill('NOT-A-VIN!');
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    await page.getByText(/“O” is never used in a VIN/).waitFor();
    await page.getByRole('button', { name: 'Decode', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Could not decode' });
    await alert.waitFor();
    assert.match(await alert.textContent() ?? '', /Could not decode: .+/);
    assert.equal(await page.locator('.result-card').count(), 0);
    await screenshot(page, 'decode-bad-vin');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a wrong check digit offers a repair that decodes with one click', async () => {
    const { page, errors } = await openPage();
    await page.getByLabel('Vehicle Identification Number').fill('1HGCM82643A004352');
    await page.getByText('Check digit should be 3, not 4').waitFor();
    await page.getByRole('button', { name: 'Decode', exact: true }).click();
    await page.locator('.result-card').waitFor();
    assert.match(await page.locator('.result-head .badge').textContent() ?? '', /Error code .*1/);
    await screenshot(page, 'decode-repair');
    await page.getByRole('link', { name: /^Decode 1HGCM82633A004352/ }).click();
    await page.getByRole('heading', { level: 2, name: /HONDA/ }).waitFor();
    await page.locator('.result-head .badge', { hasText: 'Clean decode' }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('vin'), '1HGCM82633A004352');
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('batch view', () => {
  test('a CSV of 50 VINs streams into the table and downloads as CSV', async () => {
    const vins = (await readFile(path.join(FRONTEND_DIR, 'e2e/fixtures/batch-50.txt'), 'utf8')).trim().split('\n');
    assert.equal(vins.length, 50);
    const { page, errors } = await openPage('/#batch');
    await page.getByRole('tab', { name: 'Batch' }).waitFor();
    assert.equal(await page.getByRole('tab', { name: 'Batch' }).getAttribute('aria-selected'), 'true');
    await page.getByLabel('choose a file').setInputFiles({
      name: 'fleet.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`stock,VIN\n${vins.map((v, i) => `${i + 1},${v}`).join('\n')}\n`),
    });
    await page.getByText('50 VINs ready. (from fleet.csv)').waitFor();
    await page.getByRole('button', { name: 'Decode all' }).click();
    await page.getByRole('status').filter({ hasText: /^Done: 50 decoded/ }).waitFor({ timeout: 60_000 });
    const rows = page.getByRole('region', { name: 'Batch results table' }).locator('tbody tr');
    assert.equal(await rows.count(), 50);
    assert.equal(await page.locator('#batch-progress').evaluate((el) => /** @type {HTMLProgressElement} */ (el).value), 50);
    await screenshot(page, 'batch');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^vinbot-batch-\d{8}-\d{4}\.csv$/);
    const saved = path.join(OUTPUT_DIR, 'batch-download.csv');
    await download.saveAs(saved);
    const csv = parseCsv(await readFile(saved, 'utf8'));
    assert.equal(csv.length, 51, 'header + 50 rows');
    const vinCol = csv[0].indexOf('vin');
    const makeCol = csv[0].indexOf('make');
    assert.deepEqual(csv.slice(1).map((r) => r[vinCol]), vins, 'input order kept');
    const withMake = csv.slice(1).filter((r) => r[makeCol] !== '').length;
    assert.ok(withMake >= 45, `${withMake} of 50 rows have a make`);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('statistics dashboard', () => {
  test('after decodes, the dashboard draws the per-day line and the top makes', async () => {
    const { page, errors } = await openPage('/#stats');
    // Statistics are written behind the request (bounded buffer, flushed on an interval): refresh until the
    // decodes of the tests above are counted.
    await poll(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.getByRole('status').filter({ hasText: /^Statistics for the last/ }).waitFor();
      const total = await page.locator('.kpi', { hasText: /^Decodes/ }).locator('dd').textContent();
      return Number((total ?? '0').replace(/\D/g, '')) >= 50;
    }, { timeoutMs: 30_000, intervalMs: 500, what: 'the decodes to show up in /api/v1/stats' });
    const line = page.getByRole('img', { name: 'Decodes per day' });
    await line.waitFor();
    assert.ok(await line.locator('path.line').count() >= 1);
    const makes = page.getByRole('img', { name: /^Top makes:/ });
    assert.match(await makes.getAttribute('aria-labelledby').then((id) => page.locator(`#${id}`).textContent()) ?? '', /HONDA|MITSUBISHI|AUDI/);
    assert.ok(await makes.locator('rect').count() >= 1);
    // Every bar row carries its full label as a tooltip (labels are clipped to the label column).
    const models = page.getByRole('img', { name: /^Top models:/ });
    const rowsWithTip = await models.locator('g.bar-row').evaluateAll((gs) => gs.map((g) => ({
      tip: g.querySelector(':scope > title')?.textContent ?? '',
      label: g.querySelector('text.bar-label')?.textContent ?? '',
    })));
    assert.ok(rowsWithTip.length >= 1);
    for (const { tip, label } of rowsWithTip) assert.ok(tip.startsWith(label.replace(/…$/, '')) && /: \d/.test(tip), `${label} / ${tip}`);
    // Decodes take microseconds: the latency says so instead of "0.00 ms".
    const median = await page.locator('.kpi', { hasText: 'Median latency' }).locator('dd').textContent() ?? '';
    assert.match(median, /^(< 1 µs|[\d.]+ (µs|ms|s))$/);
    assert.doesNotMatch(median, /^0\.00 ms$/);
    await page.getByRole('img', { name: /^Error codes:/ }).waitFor();
    assert.match(await page.locator('.kpi', { hasText: 'Clean-decode rate' }).locator('dd').textContent() ?? '', /%/);
    await screenshot(page, 'stats');
    await page.getByRole('button', { name: 'Dark theme' }).click();
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
    await screenshot(page, 'stats-dark');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('phone width: tabs, decode and dashboard fit without horizontal scrolling', async () => {
    const page = await browser.context.newPage();
    const errors = trackPageErrors(page);
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${backend.origin}/?vin=1HGCM82633A004352`);
    await page.getByRole('heading', { level: 2, name: /HONDA/ }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
    await screenshot(page, 'decode-phone');
    await page.getByRole('tab', { name: 'Statistics' }).click();
    await page.getByRole('img', { name: 'Decodes per day' }).waitFor();
    await screenshot(page, 'stats-phone');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
