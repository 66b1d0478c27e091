import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as f from '../js/lib/format.js';

test('counts, percents, latencies, days', () => {
  assert.equal(f.formatCount(12345.4), '12,345');
  assert.equal(f.formatCount(NaN), '–');
  assert.equal(f.formatPercent(0.8333), '83.3 %');
  assert.equal(f.formatPercent(null), '–');
  assert.equal(f.formatLatency(0.021), '21 µs');
  assert.equal(f.formatLatency(0.0024), '2.4 µs', 'decodes take microseconds');
  assert.equal(f.formatLatency(0.999), '999 µs');
  assert.equal(f.formatLatency(0), '< 1 µs');
  assert.equal(f.formatLatency(undefined), '–');
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
  assert.match(f.describeSource('default'), /default for this vehicle type/);
  assert.match(f.describeSource('vehicle_spec'), /specification of the make and model/);
});

test('the source of an element is found in any group', () => {
  const groups = [
    { name: 'General', values: [{ code: 'Make', source: 'wmi' }] },
    { name: 'Exterior / Body', values: [{ code: 'BodyClass', source: 'default' }] },
  ];
  assert.equal(f.sourceOf(groups, 'BodyClass'), 'default');
  assert.equal(f.sourceOf(groups, 'Make'), 'wmi');
  assert.equal(f.sourceOf(groups, 'Trim'), undefined);
  assert.equal(f.sourceOf(undefined, 'Make'), undefined);
});

test('only values not read from the VIN carry a note', () => {
  assert.equal(f.inferredNote('default'), 'default');
  assert.equal(f.inferredNote('vehicle_spec'), 'model spec');
  for (const s of ['pattern', 'wmi', 'engine_model', 'decoder', 'something_new', undefined]) {
    assert.equal(f.inferredNote(s), '', String(s));
  }
});
