import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchResultsCsv, batchFileName } from '../js/lib/batch-csv.js';
import { parseCsv } from '../js/lib/csv.js';

test('one row per result with summary fields and verdicts, header first', () => {
  const csv = batchResultsCsv([
    { input: '1hgcm82633a004352', vin: '1HGCM82633A004352', error_codes: [0], check_digit: { status: 'valid' },
      summary: { make: 'HONDA', model: 'Accord', model_year: '2003', plant: 'MARYSVILLE, OHIO' } },
    { input: 'BAD', vin: 'BAD', error_codes: [6, 11], error_text: '6 - Incomplete VIN' },
  ]);
  const rows = parseCsv(csv);
  assert.equal(rows.length, 3);
  const col = (/** @type {string} */ name) => rows[0].indexOf(name);
  assert.equal(rows[1][col('make')], 'HONDA');
  assert.equal(rows[1][col('plant')], 'MARYSVILLE, OHIO');
  assert.equal(rows[1][col('clean')], 'yes');
  assert.equal(rows[2][col('clean')], 'no');
  assert.equal(rows[2][col('error_codes')], '6, 11');
  assert.equal(rows[2][col('model_year')], '');
});

test('file name carries the local date and time', () => {
  assert.equal(batchFileName(new Date(2026, 10, 29, 18, 5)), 'vinbot-batch-20261129-1805.csv');
});
