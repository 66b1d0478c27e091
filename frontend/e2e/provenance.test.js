// End-to-end: values not read from the VIN are shown as such. NHTSA's lite data has no default values or
// vehicle specs, so this server decodes the decoder's own small vPIC-layout fixture
// (backend/decoder/src/fixture/*.sql), written into a temporary data directory with Python's sqlite3 module.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBackend, launchBrowser, trackPageErrors, screenshot, FRONTEND_DIR } from './harness.js';

const FIXTURE_DIR = path.resolve(FRONTEND_DIR, '../backend/decoder/src/fixture');
/** The fixture's Roadster coupe of 2020: Body Class from a VIN pattern, Drive Type and ABS from the model's
 * vehicle spec, Bed Type and GVWR the passenger car's defaults. */
const COUPE = '1ACA12B46LA123456';

/**
 * Writes the fixture as `vpic.lite.db` into `dir` (the tables, the rows, the step tables).
 * @param {string} dir
 */
async function writeFixture(dir) {
  const sql = (await Promise.all(['schema.sql', 'rows.sql', 'steps.sql']
    .map((f) => readFile(path.join(FIXTURE_DIR, f), 'utf8')))).join('\n');
  // Python's sqlite3 module (Python is already needed by scripts/test) runs the script: no sqlite3 CLI needed.
  const script = 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.stdin.read()); c.commit()';
  const child = spawn('python3', ['-c', script, path.join(dir, 'vpic.lite.db')], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const done = new Promise((resolve, reject) => {
    child.on('error', (err) => reject(new Error(`python3 needed for this test: ${err.message}`)));
    child.on('exit', (code) => (code === 0 ? resolve(undefined) : reject(new Error(`writing the fixture failed (${code}): ${stderr}`))));
  });
  child.stdin.end(sql);
  await done;
}

/** @type {string} */
let dataDir;
/** @type {import('./harness.js').Backend} */
let backend;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let browser;

before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'vinbot-e2e-fixture-'));
  await writeFixture(dataDir);
  backend = await startBackend({ env: { VINBOT_DATA_DIR: dataDir } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await backend?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/**
 * The row of a value in the grouped list.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
function row(page, name) {
  return page.locator('.groups tr').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
}

describe('grouped values', () => {
  test('defaults and model specs are muted, tagged and explained; VIN values are not', async () => {
    const page = await browser.context.newPage();
    const errors = trackPageErrors(page);
    await page.goto(`${backend.origin}/?vin=${COUPE}`);
    await page.getByRole('heading', { level: 2, name: /Roadster/ }).waitFor();

    // The main facts of this coupe are all read from the VIN or the WMI: none is tagged.
    assert.match(await page.locator('.facts').innerText(), /Coupe/);
    assert.equal(await page.locator('.facts .tag').count(), 0);

    // vPIC's element groups, as the data names them.
    const groups = await page.locator('.groups details.group > summary').allTextContents();
    for (const g of ['General', 'Exterior / Body', 'Exterior / Truck', 'Mechanical / Drivetrain', 'Active Safety System']) {
      assert.ok(groups.some((s) => s.startsWith(g)), `${g} in ${groups}`);
    }
    // Open every group so the rows are visible.
    for (const d of await page.locator('.groups details.group').all()) await d.evaluate((el) => { /** @type {HTMLDetailsElement} */ (el).open = true; });

    const bed = row(page, 'Bed Type');
    assert.match(await bed.locator('td').innerText(), /^Not Applicable \(default\)/);
    assert.equal(await bed.getAttribute('class'), 'inferred source-default');
    const drive = row(page, 'Drive Type');
    assert.match(await drive.locator('td').innerText(), /^RWD \(model spec\)/);
    const body = row(page, 'Body Class');
    assert.match(await body.locator('td').innerText(), /^Coupe/);
    assert.equal(await body.locator('.tag').count(), 0, 'a VIN pattern value carries no tag');

    // Muted: the default's text is drawn in another colour than a VIN value's.
    const color = (/** @type {import('playwright-core').Locator} */ l) => l.locator('td').evaluate((el) => getComputedStyle(el).color);
    assert.notEqual(await color(bed), await color(body));

    const legend = await page.locator('.groups-legend').innerText();
    assert.match(legend, /\(default\) default for this vehicle type, not a fact about the vehicle/);
    assert.match(legend, /\(model spec\) from the specification of the make and model/);
    await screenshot(page, 'provenance');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
