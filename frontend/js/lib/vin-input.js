// Live normalisation of what a person types into the VIN field: upper-case, drop spaces and dashes, and
// list what is still wrong (look-alike letters, other characters, length) so the page can say so inline.

import { checkDigitVerdict } from './check-digit.js';

/** Letters that never appear in a VIN, with the digit that was most likely meant. */
export const LOOKALIKES = Object.freeze({ I: '1', O: '0', Q: '0' });

/** VIN length fixed by 49 CFR 565 for vehicles since model year 1981. */
export const VIN_LENGTH = 17;

/**
 * @typedef {object} InputIssue
 * @property {'lookalike' | 'invalid_char' | 'too_short' | 'too_long'} kind
 * @property {'error' | 'warning'} severity errors block a clean decode; warnings still let the server try
 * @property {string} message a sentence for the person typing
 * @property {number} [position] 1-based position of the character concerned
 * @property {string} [char]
 * @property {string} [suggestion] the character probably meant
 */

/**
 * @typedef {object} NormalizedVin
 * @property {string} vin the cleaned VIN (what the page sends)
 * @property {number} removed how many spaces/dashes were dropped
 * @property {InputIssue[]} issues
 * @property {import('./check-digit.js').CheckDigitVerdict} checkDigit
 * @property {string} fixed the VIN with look-alike letters replaced (equal to `vin` when there are none)
 */

/**
 * Remove what people paste around VINs (spaces, tabs, dashes, dots, underscores) and upper-case the rest.
 * @param {string} raw
 * @returns {string}
 */
export function cleanVin(raw) {
  return raw.toUpperCase().replace(/[\s\-_.\u2010-\u2015]+/g, '');
}

/**
 * Normalise input and list its problems. Never throws.
 * @param {string} raw what is in the field
 * @returns {NormalizedVin}
 */
export function normalizeVinInput(raw) {
  const vin = cleanVin(raw ?? '');
  const removed = (raw ?? '').length - vin.length;
  /** @type {InputIssue[]} */
  const issues = [];
  let fixed = '';
  [...vin].forEach((ch, i) => {
    const position = i + 1;
    const suggestion = LOOKALIKES[/** @type {'I' | 'O' | 'Q'} */ (ch)];
    if (suggestion) {
      issues.push({
        kind: 'lookalike', severity: 'error', position, char: ch, suggestion,
        message: `Position ${position}: “${ch}” is never used in a VIN — did you mean “${suggestion}”?`,
      });
      fixed += suggestion;
    } else if (!/[A-Z0-9*]/.test(ch)) {
      issues.push({
        kind: 'invalid_char', severity: 'error', position, char: ch,
        message: `Position ${position}: “${ch}” is not a VIN character (A–Z without I, O, Q; 0–9).`,
      });
      fixed += ch;
    } else {
      fixed += ch;
    }
  });
  if (vin.length > 0 && vin.length < VIN_LENGTH) {
    issues.push({
      kind: 'too_short', severity: 'warning',
      message: `${vin.length} of ${VIN_LENGTH} characters — a partial VIN decodes only partly.`,
    });
  } else if (vin.length > VIN_LENGTH) {
    issues.push({
      kind: 'too_long', severity: 'error',
      message: `${vin.length} characters — a VIN has ${VIN_LENGTH}.`,
    });
  }
  return { vin, removed: Math.max(0, removed), issues, checkDigit: checkDigitVerdict(vin), fixed };
}

/**
 * Split pasted text into VIN candidates: one per line, or separated by commas/semicolons/tabs when a line
 * holds several; a `VIN,year` line keeps its year (the batch API accepts that form).
 * @param {string} text
 * @returns {string[]} cleaned lines, empty ones dropped, order kept
 */
export function splitVinList(text) {
  /** @type {string[]} */
  const out = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const yearForm = /^([^,;\t]+)[,;\t]\s*((?:19|20)\d\d)\s*$/.exec(trimmed);
    if (yearForm) {
      out.push(`${cleanVin(yearForm[1])},${yearForm[2]}`);
      continue;
    }
    for (const part of trimmed.split(/[,;\t]+/)) {
      const vin = cleanVin(part);
      if (vin) out.push(vin);
    }
  }
  return out;
}
