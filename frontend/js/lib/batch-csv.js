// The columns of the batch download: one row per decode result, in input order.

import { toCsv } from './csv.js';
import { formatErrorCodes, isClean } from './format.js';

/** Column name → how to read it from a result (docs/API.md rich decode object). */
const COLUMNS = /** @type {[string, (r: any) => unknown][]} */ ([
  ['input', (r) => r.input ?? ''],
  ['vin', (r) => r.vin ?? ''],
  ['clean', (r) => (isClean(r) ? 'yes' : 'no')],
  ['error_codes', (r) => formatErrorCodes(r.error_codes)],
  ['make', (r) => r.summary?.make ?? ''],
  ['model', (r) => r.summary?.model ?? ''],
  ['model_year', (r) => r.summary?.model_year ?? r.model_year ?? ''],
  ['trim', (r) => r.summary?.trim ?? ''],
  ['series', (r) => r.summary?.series ?? ''],
  ['body_class', (r) => r.summary?.body_class ?? ''],
  ['vehicle_type', (r) => r.summary?.vehicle_type ?? ''],
  ['manufacturer', (r) => r.summary?.manufacturer ?? ''],
  ['plant', (r) => r.summary?.plant ?? ''],
  ['engine', (r) => r.summary?.engine ?? ''],
  ['check_digit', (r) => r.check_digit?.status ?? ''],
  ['suggested_vin', (r) => r.suggested_vin ?? ''],
  ['error_text', (r) => r.error_text ?? ''],
]);

/**
 * CSV text of batch results.
 * @param {any[]} results
 * @returns {string}
 */
export function batchResultsCsv(results) {
  return toCsv(COLUMNS.map(([name]) => name), results.map((r) => COLUMNS.map(([, get]) => get(r))));
}

/**
 * A file name with the local time, e.g. vinbot-batch-20261129-1805.csv.
 * @param {Date} when
 * @returns {string}
 */
export function batchFileName(when) {
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `vinbot-batch-${when.getFullYear()}${p(when.getMonth() + 1)}${p(when.getDate())}-${p(when.getHours())}${p(when.getMinutes())}.csv`;
}
