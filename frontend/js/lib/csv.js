// CSV in and out (RFC 4180): parse a dropped file to find its VINs, and produce the batch download.

import { cleanVin } from './vin-input.js';

/**
 * Parse CSV text into rows of cells. Handles quoted cells with commas, quotes ("") and line breaks, CRLF or
 * LF line ends, a UTF-8 BOM, and a missing final newline.
 * @param {string} text
 * @param {string} [delimiter] one character; guessed from the first line when omitted (`,` `;` or tab)
 * @returns {string[][]}
 */
export function parseCsv(text, delimiter) {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const sep = delimiter ?? guessDelimiter(src);
  /** @type {string[][]} */
  const rows = [];
  /** @type {string[]} */
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') { cell += '"'; i++; } else quoted = false;
      } else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === sep) { row.push(cell); cell = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row); }
  return rows;
}

/**
 * @param {string} text
 * @returns {string}
 */
function guessDelimiter(text) {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const counts = [',', ';', '\t'].map((d) => [d, first.split(d).length - 1]);
  counts.sort((a, b) => Number(b[1]) - Number(a[1]));
  return Number(counts[0][1]) > 0 ? String(counts[0][0]) : ',';
}

/** Shape of something worth sending as a VIN: 17 VIN characters (look-alikes included; the server explains). */
const VIN_LIKE = /^[A-Z0-9*]{11,17}$/;

/**
 * Find the VINs in a dropped file: the column headed "vin" when there is one (with a "year"/"model_year"
 * column kept as `VIN,year`), else every cell that looks like a VIN. Plain text (one VIN a line) is a
 * one-column CSV, so it goes through the same path.
 * @param {string} text
 * @returns {string[]}
 */
export function extractVins(text) {
  const rows = parseCsv(text).filter((r) => r.some((c) => c.trim() !== ''));
  if (rows.length === 0) return [];
  const header = rows[0].map((c) => c.trim().toLowerCase());
  const vinCol = header.findIndex((h) => h === 'vin' || h === 'vins');
  if (vinCol >= 0) {
    const yearCol = header.findIndex((h) => h === 'year' || h === 'model_year' || h === 'modelyear');
    return rows.slice(1)
      .map((r) => {
        const vin = cleanVin(r[vinCol] ?? '');
        const year = yearCol >= 0 ? (r[yearCol] ?? '').trim() : '';
        return vin && /^(19|20)\d\d$/.test(year) ? `${vin},${year}` : vin;
      })
      .filter(Boolean);
  }
  /** @type {string[]} */
  const out = [];
  for (const r of rows) {
    for (const c of r) {
      const vin = cleanVin(c);
      if (VIN_LIKE.test(vin)) out.push(vin);
    }
  }
  return out;
}

/**
 * Quote a cell when needed, and defuse cells a spreadsheet would run as a formula (leading = + - @ tab CR)
 * by prefixing an apostrophe — decoded values come from data we do not control.
 * @param {unknown} value
 * @returns {string}
 */
export function csvCell(value) {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+@\t\r]/.test(s) || (/^-/.test(s) && !/^-\d+(\.\d+)?$/.test(s))) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Produce CSV text (CRLF line ends, as RFC 4180 says) from a header and rows.
 * @param {string[]} header
 * @param {unknown[][]} rows
 * @returns {string}
 */
export function toCsv(header, rows) {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
