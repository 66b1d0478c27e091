// The parts of a VIN (49 CFR 565.15) with a plain-language explanation of each, for the anatomy strip.
// Works on partial VINs too: a part the input does not reach yet is reported as missing.

import { checkDigitVerdict } from './check-digit.js';

/**
 * @typedef {object} VinSegment
 * @property {'wmi' | 'vds' | 'check' | 'year' | 'plant' | 'serial' | 'wmi_ext'} key
 * @property {string} label short name shown on the strip
 * @property {number} start 1-based first position
 * @property {number} end 1-based last position (inclusive)
 * @property {string} text the characters (may be shorter than the span for a partial VIN)
 * @property {string} explain one or two sentences for the person reading
 */

/** Model-year codes in position 10, in cycle order (I, O, Q, U, Z and 0 are never used). */
export const YEAR_CODES = 'ABCDEFGHJKLMNPRSTVWXY123456789';

/**
 * Both model years a position-10 code can mean (the codes repeat every 30 years).
 * @param {string} code
 * @returns {number[]} e.g. [1980, 2010] for 'A'; [] for an unused code
 */
export function modelYearsForCode(code) {
  const i = YEAR_CODES.indexOf(code);
  if (i < 0 || code === '') return [];
  return [1980 + i, 2010 + i];
}

/**
 * The model-year reading of positions 7 and 10 as NHTSA applies it to cars, MPVs and light trucks: a letter
 * in position 7 means the 2010–2039 cycle, a digit the 1980–2009 one. Other vehicles keep both readings.
 * @param {string} vin normalised VIN
 * @returns {{years: number[], likely: number | null, reason: string}}
 */
export function modelYearReading(vin) {
  const code = vin[9] ?? '';
  const years = modelYearsForCode(code);
  if (years.length === 0) {
    return { years, likely: null, reason: code ? `“${code}” is not a model-year code.` : 'Position 10 not entered yet.' };
  }
  const p7 = vin[6] ?? '';
  if (/[A-Z]/.test(p7)) {
    return { years, likely: years[1], reason: `“${code}” is ${years[0]} or ${years[1]}; position 7 is a letter, which points to ${years[1]} for cars and light trucks.` };
  }
  if (/[0-9]/.test(p7)) {
    return { years, likely: years[0], reason: `“${code}” is ${years[0]} or ${years[1]}; position 7 is a digit, which points to ${years[0]} for cars and light trucks.` };
  }
  return { years, likely: null, reason: `“${code}” is ${years[0]} or ${years[1]}.` };
}

/**
 * Split a VIN into its parts. A VIN whose third character is '9' belongs to a small manufacturer (fewer than
 * 1,000 vehicles a year): its identifier continues in positions 12–14, and the serial is only 15–17.
 * @param {string} vin normalised VIN (any length up to 17)
 * @returns {VinSegment[]}
 */
export function vinAnatomy(vin) {
  const part = (/** @type {number} */ start, /** @type {number} */ end) => vin.slice(start - 1, end);
  const smallMaker = vin[2] === '9';
  const check = checkDigitVerdict(vin);
  const year = modelYearReading(vin);
  /** @type {VinSegment[]} */
  const segments = [
    {
      key: 'wmi', label: 'WMI', start: 1, end: 3, text: part(1, 3),
      explain: smallMaker
        ? 'World Manufacturer Identifier: region, country and maker. The “9” in position 3 marks a small manufacturer, identified together with positions 12–14.'
        : 'World Manufacturer Identifier: the first character is the region/country, the three together name the manufacturer and vehicle type.',
    },
    {
      key: 'vds', label: 'Descriptor', start: 4, end: 8, text: part(4, 8),
      explain: 'Vehicle Descriptor Section: the manufacturer’s code for model, body, engine, restraints and other attributes.',
    },
    {
      key: 'check', label: 'Check digit', start: 9, end: 9, text: part(9, 9),
      explain: check.status === 'valid'
        ? `Check digit: computed from all other characters (49 CFR 565); “${check.actual}” is correct.`
        : check.status === 'invalid'
          ? `Check digit: computed from all other characters (49 CFR 565); it should be “${check.expected}”, not “${check.actual}” — a typo, or a VIN from outside North America where it is optional.`
          : 'Check digit: computed from all other characters (49 CFR 565); needs all 17 valid characters to verify.',
    },
    {
      key: 'year', label: 'Model year', start: 10, end: 10, text: part(10, 10),
      explain: `Model year code. ${year.reason}`,
    },
    {
      key: 'plant', label: 'Plant', start: 11, end: 11, text: part(11, 11),
      explain: 'Assembly plant: the manufacturer’s own code for the factory that built the vehicle.',
    },
  ];
  if (smallMaker) {
    segments.push(
      {
        key: 'wmi_ext', label: 'Maker code', start: 12, end: 14, text: part(12, 14),
        explain: 'Small-manufacturer code: with positions 1–3 it forms the six-character WMI.',
      },
      {
        key: 'serial', label: 'Serial', start: 15, end: 17, text: part(15, 17),
        explain: 'Production sequence number of this vehicle.',
      },
    );
  } else {
    segments.push({
      key: 'serial', label: 'Serial', start: 12, end: 17, text: part(12, 17),
      explain: 'Production sequence number of this vehicle.',
    });
  }
  return segments;
}

/**
 * The manufacturer identifier: 3 characters, or 6 (positions 1–3 + 12–14) for small manufacturers.
 * @param {string} vin
 * @returns {string}
 */
export function wmiOf(vin) {
  return vin[2] === '9' && vin.length >= 14 ? vin.slice(0, 3) + vin.slice(11, 14) : vin.slice(0, 3);
}
