import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeCheckDigit, checkDigitVerdict, transliterate } from '../js/lib/check-digit.js';

test('known-good VINs carry the computed check digit', () => {
  // Digit, letter X (remainder 10) and zero cases, from the parity corpus and 49 CFR 565 examples.
  assert.equal(computeCheckDigit('1HGCM82633A004352'), '3');
  assert.equal(computeCheckDigit('4A4LM61TX6E089867'), 'X');
  assert.equal(computeCheckDigit('5YJXCBE10KF604140'), '0');
  assert.equal(computeCheckDigit('WP0AF2A75PL544044'), '5');
  assert.equal(computeCheckDigit('11111111111111111'), '1');
});

test('the check digit itself does not change the computation', () => {
  assert.equal(computeCheckDigit('1HGCM82603A004352'), computeCheckDigit('1HGCM826X3A004352'));
});

test('transliteration follows the regulation table', () => {
  assert.deepEqual([...'AHJNPRSZ'].map(transliterate), [1, 8, 1, 5, 7, 9, 2, 9]);
  assert.equal(transliterate('7'), 7);
  assert.equal(transliterate('I'), null);
  assert.equal(transliterate('O'), null);
  assert.equal(transliterate('Q'), null);
  assert.equal(transliterate('*'), null);
});

test('verdicts: valid, invalid with expected digit, not checked when partial or wildcarded', () => {
  assert.deepEqual(checkDigitVerdict('1HGCM82633A004352'), { status: 'valid', expected: '3', actual: '3' });
  assert.deepEqual(checkDigitVerdict('1HGCM82643A004352'), { status: 'invalid', expected: '3', actual: '4' });
  assert.equal(checkDigitVerdict('1HGCM826').status, 'not_checked');
  assert.equal(checkDigitVerdict('1HGCM82633A00435*').status, 'not_checked');
  assert.equal(checkDigitVerdict('1HGCM82633AOO4352').status, 'not_checked');
});
