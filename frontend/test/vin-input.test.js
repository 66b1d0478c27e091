import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeVinInput, cleanVin, splitVinList } from '../js/lib/vin-input.js';

test('upper-cases and strips spaces, dashes and dots', () => {
  const r = normalizeVinInput(' 1hg-cm826 33a.004352 ');
  assert.equal(r.vin, '1HGCM82633A004352');
  assert.equal(r.removed, 5);
  assert.deepEqual(r.issues, []);
  assert.equal(r.checkDigit.status, 'valid');
});

test('flags I, O and Q with the digit probably meant and offers the fixed VIN', () => {
  const r = normalizeVinInput('1HGCM82633AOO4352');
  assert.deepEqual(r.issues.map((i) => [i.kind, i.position, i.char, i.suggestion]), [
    ['lookalike', 12, 'O', '0'],
    ['lookalike', 13, 'O', '0'],
  ]);
  assert.equal(r.fixed, '1HGCM82633A004352');
  assert.match(r.issues[0].message, /Position 12/);
});

test('flags other characters', () => {
  const r = normalizeVinInput('1HGCM82633A00435#');
  assert.equal(r.issues[0].kind, 'invalid_char');
  assert.equal(r.issues[0].position, 17);
});

test('length: short is a warning (partial VINs decode), long is an error, empty says nothing', () => {
  assert.deepEqual(normalizeVinInput('1HGCM826').issues.map((i) => [i.kind, i.severity]), [['too_short', 'warning']]);
  assert.deepEqual(normalizeVinInput('1HGCM82633A0043521').issues.map((i) => [i.kind, i.severity]), [['too_long', 'error']]);
  assert.deepEqual(normalizeVinInput('').issues, []);
});

test('wildcards are VIN characters', () => {
  assert.deepEqual(normalizeVinInput('1HGCM826*3A004352').issues, []);
});

test('cleanVin keeps letters and digits only from typical pastes', () => {
  assert.equal(cleanVin('wp0\taf2a7 5pl-544044'), 'WP0AF2A75PL544044');
});

test('splitVinList: one per line, comma lists, VIN,year kept, blanks dropped', () => {
  const text = '1hgcm82633a004352\r\n\n  5YJXCBE10KF604140 , WP0AF2A75PL544044\n4A4LM61TX6E089867,2006\n';
  assert.deepEqual(splitVinList(text), [
    '1HGCM82633A004352', '5YJXCBE10KF604140', 'WP0AF2A75PL544044', '4A4LM61TX6E089867,2006',
  ]);
});
