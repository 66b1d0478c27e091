// VIN check digit per 49 CFR 565.15: transliterate letters to numbers, weight each position, sum mod 11
// (10 is written 'X'). Pure; shared by the live input verdict and the anatomy strip.

/** Numeric value of each VIN letter (I, O and Q are not allowed in a VIN, so they have none). */
const TRANSLITERATION = /** @type {Record<string, number>} */ ({
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8,
  J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9,
  S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
});

/** Position weights 1..17; position 9 (the check digit itself) weighs 0. */
export const WEIGHTS = Object.freeze([8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]);

/**
 * Value of one VIN character, or null when it has none (I, O, Q, '*', punctuation).
 * @param {string} ch
 * @returns {number | null}
 */
export function transliterate(ch) {
  if (ch >= '0' && ch <= '9') return ch.charCodeAt(0) - 48;
  return TRANSLITERATION[ch] ?? null;
}

/**
 * The check digit a 17-character VIN must carry in position 9, or null when the VIN cannot be checked
 * (wrong length, a wildcard or a character without a value).
 * @param {string} vin normalised (upper-case) VIN
 * @returns {string | null} '0'..'9' or 'X'
 */
export function computeCheckDigit(vin) {
  if (vin.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    if (i === 8) continue; // the check digit's own value does not count (weight 0) and may be anything
    const v = transliterate(vin[i]);
    if (v === null) return null;
    sum += v * WEIGHTS[i];
  }
  const rest = sum % 11;
  return rest === 10 ? 'X' : String(rest);
}

/**
 * @typedef {object} CheckDigitVerdict
 * @property {'valid' | 'invalid' | 'not_checked'} status
 * @property {string | null} expected the digit the VIN should carry (null when not checked)
 * @property {string | null} actual the character in position 9 (null when the VIN is shorter)
 */

/**
 * Verdict on position 9, the same three states the API reports in `check_digit.status`.
 * @param {string} vin normalised VIN
 * @returns {CheckDigitVerdict}
 */
export function checkDigitVerdict(vin) {
  const actual = vin.length >= 9 ? vin[8] : null;
  const expected = computeCheckDigit(vin);
  if (expected === null || actual === null) return { status: 'not_checked', expected, actual };
  return { status: expected === actual ? 'valid' : 'invalid', expected, actual };
}
