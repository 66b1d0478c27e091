import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as f from '../js/lib/format.js';

test('counts, percents, latencies, days', () => {
  assert.equal(f.formatCount(12345.4), '12,345');
  assert.equal(f.formatCount(NaN), '–');
  assert.equal(f.formatPercent(0.8333), '83.3 %');
  assert.equal(f.formatPercent(null), '–');
  assert.equal(f.formatLatency(0.021), '0.02 ms');
  assert.equal(f.formatLatency(3.21), '3.2 ms');
  assert.equal(f.formatLatency(42.4), '42 ms');
  assert.equal(f.formatLatency(1500), '1.5 s');
  assert.equal(f.formatDay('2026-11-29'), '29 Nov');
  assert.equal(f.formatDay('garbage'), 'garbage');
});

test('vehicle title leaves empty parts out', () => {
  assert.equal(f.vehicleTitle({ make: 'HONDA', model: 'Accord', model_year: '2003', trim: 'EX' }), '2003 HONDA Accord EX');
  assert.equal(f.vehicleTitle({ make: 'HONDA', model: '', model_year: '2003', trim: '' }), '2003 HONDA');
  assert.equal(f.vehicleTitle(undefined), '');
});

test('clean means error code 0 alone', () => {
  assert.equal(f.isClean({ error_codes: [0] }), true);
  assert.equal(f.isClean({ error_codes: ['0'] }), true);
  assert.equal(f.isClean({ error_codes: [0, 1] }), false);
  assert.equal(f.isClean({ error_codes: [] }), false);
  assert.equal(f.formatErrorCodes([1, 4]), '1, 4');
});

test('provenance sources read as words', () => {
  assert.equal(f.describeSource('pattern'), 'matched a VIN pattern');
  assert.equal(f.describeSource('something_new'), 'something_new');
  assert.equal(f.describeSource(undefined), 'unknown source');
});
