import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vinAnatomy, modelYearsForCode, modelYearReading, wmiOf } from '../js/lib/vin-anatomy.js';

test('splits a VIN into WMI, descriptor, check digit, year, plant, serial', () => {
  const parts = vinAnatomy('1HGCM82633A004352');
  assert.deepEqual(parts.map((p) => [p.key, p.start, p.end, p.text]), [
    ['wmi', 1, 3, '1HG'], ['vds', 4, 8, 'CM826'], ['check', 9, 9, '3'],
    ['year', 10, 10, '3'], ['plant', 11, 11, 'A'], ['serial', 12, 17, '004352'],
  ]);
  assert.match(parts[2].explain, /correct/);
  assert.match(parts[3].explain, /2003/);
});

test('small manufacturer (position 3 is 9): six-character WMI, serial 15-17', () => {
  const vin = '1M9BM21586T736661';
  const parts = vinAnatomy(vin);
  assert.deepEqual(parts.slice(-2).map((p) => [p.key, p.start, p.end, p.text]), [
    ['wmi_ext', 12, 14, '736'], ['serial', 15, 17, '661'],
  ]);
  assert.equal(wmiOf(vin), '1M9736');
  assert.equal(wmiOf('1HGCM82633A004352'), '1HG');
});

test('wrong check digit is explained with the expected value', () => {
  const check = vinAnatomy('1HGCM82693A004352').find((p) => p.key === 'check');
  assert.match(check?.explain ?? '', /should be “3”, not “9”/);
});

test('partial VIN: later parts are empty, not wrong', () => {
  const parts = vinAnatomy('1HGCM');
  assert.equal(parts[1].text, 'CM');
  assert.equal(parts[5].text, '');
  assert.match(parts[2].explain, /needs all 17/);
});

test('model-year codes cycle every 30 years and skip I O Q U Z 0', () => {
  assert.deepEqual(modelYearsForCode('A'), [1980, 2010]);
  assert.deepEqual(modelYearsForCode('Y'), [2000, 2030]);
  assert.deepEqual(modelYearsForCode('1'), [2001, 2031]);
  assert.deepEqual(modelYearsForCode('9'), [2009, 2039]);
  for (const bad of ['I', 'O', 'Q', 'U', 'Z', '0', '']) assert.deepEqual(modelYearsForCode(bad), []);
});

test('position 7 picks the cycle: letter → 2010+, digit → 1980-2009', () => {
  assert.equal(modelYearReading('5YJXCBE10KF604140').likely, 2019);
  assert.equal(modelYearReading('1HGCM82633A004352').likely, 2003);
  assert.equal(modelYearReading('1HGCM8').likely, null);
});
