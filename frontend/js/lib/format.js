// Turning API values into short text for people: counts, rates, dates, latencies, value provenance and the
// one-line summary of a decode. Pure, locale passed in so tests are stable.

/**
 * @param {number} n
 * @param {string} [locale]
 * @returns {string} e.g. "12,345"
 */
export function formatCount(n, locale = 'en-US') {
  return Number.isFinite(n) ? Math.round(n).toLocaleString(locale) : '–';
}

/**
 * @param {number | null | undefined} rate 0..1
 * @param {number} [digits]
 * @returns {string} e.g. "83.3 %"; "–" when unknown
 */
export function formatPercent(rate, digits = 1) {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '–';
  return `${(rate * 100).toFixed(digits)} %`;
}

/**
 * A latency in the unit that shows it: decodes take microseconds, so "0.00 ms" would hide them.
 * @param {number | null | undefined} ms
 * @returns {string} "2.4 µs", "21 µs", "3.2 ms", "42 ms", "1.5 s"
 */
export function formatLatency(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  const us = ms * 1000;
  if (us >= 10) return `${Math.round(us)} µs`;
  if (us >= 1) return `${us.toFixed(1)} µs`;
  return us === 0 ? '< 1 µs' : `${us.toFixed(2)} µs`;
}

/**
 * Short axis label of an ISO date ("2026-11-29" → "29 Nov").
 * @param {string} iso
 * @returns {string}
 */
export function formatDay(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${Number(m[3])} ${months[Number(m[2]) - 1] ?? '?'}`;
}

/** What each provenance `source` of a decoded value means. */
const SOURCES = /** @type {Record<string, string>} */ ({
  pattern: 'matched a VIN pattern',
  engine_model: 'from the engine model',
  wmi: 'from the manufacturer identifier (WMI)',
  model: 'derived from the model',
  conversion: 'unit conversion',
  formula: 'computed',
  input: 'from the input',
  decoder: 'set by the decoder',
  vehicle_spec: 'from the specification of the make and model, not from the VIN',
  default: 'default for this vehicle type, not a fact about the vehicle',
});

/** Sources whose value is not read from the VIN, with the short note the page shows next to the value. */
const INFERRED = /** @type {Record<string, string>} */ ({
  default: 'default',
  vehicle_spec: 'model spec',
});

/**
 * The provenance `source` of one element in the grouped values of a decode, or undefined.
 * @param {{values?: {code: string, source?: string}[]}[] | undefined} groups
 * @param {string} code vPIC element code, e.g. `BodyClass`
 * @returns {string | undefined}
 */
export function sourceOf(groups, code) {
  for (const g of groups ?? []) {
    const v = g.values?.find((x) => x.code === code);
    if (v) return v.source;
  }
  return undefined;
}

/**
 * The short note for a value that is not read from the VIN (a vehicle type's default, a model's
 * specification), or '' for a value the VIN gives.
 * @param {string | undefined} source
 * @returns {string}
 */
export function inferredNote(source) {
  return (source && INFERRED[source]) || '';
}

/**
 * @param {string | undefined} source
 * @returns {string}
 */
export function describeSource(source) {
  return (source && SOURCES[source]) || source || 'unknown source';
}

/**
 * @typedef {object} Summary
 * @property {string} [make]
 * @property {string} [model]
 * @property {string} [model_year]
 * @property {string} [trim]
 * @property {string} [series]
 * @property {string} [body_class]
 * @property {string} [vehicle_type]
 * @property {string} [manufacturer]
 * @property {string} [plant]
 * @property {string} [engine]
 */

/**
 * "2003 HONDA Accord EX" — the title line of a decode; empty parts left out.
 * @param {Summary | undefined} s
 * @returns {string}
 */
export function vehicleTitle(s) {
  if (!s) return '';
  return [s.model_year, s.make, s.model, s.trim].filter((p) => p && String(p).trim()).join(' ');
}

/**
 * Error codes of a decode as text: "0" is clean; several codes joined.
 * @param {Array<number | string> | undefined} codes
 * @returns {string}
 */
export function formatErrorCodes(codes) {
  return (codes ?? []).map(String).join(', ');
}

/**
 * Whether a decode is clean the way vPIC says it: error code 0 only.
 * @param {{error_codes?: Array<number | string>}} result
 * @returns {boolean}
 */
export function isClean(result) {
  const codes = result.error_codes ?? [];
  return codes.length === 1 && String(codes[0]) === '0';
}
