// The decode result as a card: title and verdict, the main facts, notes from the decoder, repair
// candidates as one-click links, model-year candidates, then every value grouped like vPIC's element
// groups with its provenance behind a disclosure.

import { h } from './dom.js';
import { describeSource, formatErrorCodes, inferredNote, isClean, sourceOf, vehicleTitle } from '../lib/format.js';

/**
 * @typedef {object} DecodedValue
 * @property {string} code
 * @property {string} name
 * @property {string} value
 * @property {string} [value_id]
 * @property {string} [source]
 * @property {number} [pattern_id]
 * @property {number} [schema_id]
 * @property {string} [schema_name]
 * @property {string} [keys]
 */

/**
 * @typedef {object} Repair
 * @property {string} vin
 * @property {{position: number, from: string, to: string}[]} [changes]
 * @property {string} [reason]
 * @property {string} [make]
 * @property {string} [model]
 * @property {number | string} [model_year]
 */

/**
 * @typedef {object} DecodeResult the body of GET /api/v1/vins/{vin} (docs/API.md)
 * @property {string} [input]
 * @property {string} vin
 * @property {number | null} [model_year]
 * @property {Array<number | string>} [error_codes]
 * @property {string} [error_text]
 * @property {string} [additional_error_text]
 * @property {string} [suggested_vin]
 * @property {string} [possible_values]
 * @property {import('../lib/format.js').Summary} [summary]
 * @property {{status: string, expected?: string, actual?: string, required?: boolean, message?: string}} [check_digit]
 * @property {{year: number, chosen?: boolean, reason?: string}[]} [model_year_candidates]
 * @property {Repair[]} [repairs]
 * @property {{name: string, values: DecodedValue[]}[]} [groups]
 * @property {Record<string, string>} [values]
 * @property {{source?: string, data_date?: string, snapshot_digest?: string, decoder_version?: string}} [data]
 */

/** Main facts on top of the card, in this order, with the element a single-element fact shows. */
const FACTS = /** @type {[keyof import('../lib/format.js').Summary, string, string?][]} */ ([
  ['make', 'Make', 'Make'], ['model', 'Model', 'Model'], ['model_year', 'Model year', 'ModelYear'],
  ['trim', 'Trim', 'Trim'], ['series', 'Series', 'Series'], ['body_class', 'Body', 'BodyClass'],
  ['engine', 'Engine'], ['plant', 'Plant'], ['vehicle_type', 'Vehicle type', 'VehicleType'],
  ['manufacturer', 'Manufacturer', 'Manufacturer'],
]);

/**
 * A main fact; tagged like the grouped values when it is not read from the VIN (e.g. a default body class).
 * @param {DecodeResult} r
 * @param {[keyof import('../lib/format.js').Summary, string, string?]} fact
 */
function renderFact(r, [key, label, code]) {
  const source = code ? sourceOf(r.groups, code) : undefined;
  const note = inferredNote(source);
  return h('div', note ? { class: `inferred source-${source}` } : {},
    h('dt', {}, label),
    h('dd', {}, String(r.summary?.[key]), note && [' ', h('span', { class: 'tag', title: describeSource(source) }, `(${note})`)]));
}

/**
 * @param {DecodeResult} r
 * @param {(vin: string) => void} onPick decode another VIN (a repair candidate or suggestion)
 * @returns {HTMLElement}
 */
export function renderResultCard(r, onPick) {
  const clean = isClean(r);
  const title = vehicleTitle(r.summary) || 'No vehicle identified';
  const facts = FACTS.filter(([key]) => r.summary?.[key]);
  return h('article', { class: 'result-card', 'aria-labelledby': 'result-title' },
    h('div', { class: 'result-head' },
      h('div', {},
        h('h2', { id: 'result-title' }, title),
        h('p', { class: 'result-vin' }, r.vin)),
      h('span', { class: `badge ${clean ? 'ok' : 'warn'}` },
        clean ? 'Clean decode' : `Error code ${formatErrorCodes(r.error_codes) || '?'}`)),
    facts.length > 0 && h('dl', { class: 'facts' }, facts.map((f) => renderFact(r, f))),
    renderNotes(r),
    renderRepairs(r, onPick),
    renderYearCandidates(r),
    renderGroups(r),
    r.data && h('p', { class: 'result-foot' },
      h('span', {}, `Data: ${r.data.source ?? 'unknown'}${r.data.data_date ? ` (${r.data.data_date})` : ''}`),
      r.data.decoder_version && h('span', {}, `decoder ${r.data.decoder_version}`)));
}

/** @param {DecodeResult} r */
function renderNotes(r) {
  const cd = r.check_digit;
  const notes = [
    r.error_text && !isClean(r) ? r.error_text : '',
    r.additional_error_text ?? '',
    cd?.message ? `${cd.message}${cd.status === 'invalid' && cd.required === false ? ' (advisory for this manufacturer’s market)' : ''}` : '',
    r.possible_values ? `Possible values: ${r.possible_values}` : '',
  ].filter(Boolean);
  if (notes.length === 0) return null;
  return h('ul', { class: 'notes' }, notes.map((n) => h('li', {}, n)));
}

/**
 * The VIN with changed positions marked.
 * @param {Repair} repair
 */
function markedVin(repair) {
  const changed = new Set((repair.changes ?? []).map((c) => c.position));
  return [...repair.vin].map((ch, i) => (changed.has(i + 1) ? h('mark', {}, ch) : ch));
}

/**
 * @param {DecodeResult} r
 * @param {(vin: string) => void} onPick
 */
function renderRepairs(r, onPick) {
  /** @type {Repair[]} */
  const repairs = [...(r.repairs ?? [])];
  if (r.suggested_vin && /^[A-HJ-NPR-Z0-9]{17}$/.test(r.suggested_vin) && !repairs.some((x) => x.vin === r.suggested_vin)) {
    repairs.push({ vin: r.suggested_vin, reason: 'suggested by the decoder' });
  }
  if (repairs.length === 0) return null;
  return h('section', { class: 'repairs', 'aria-labelledby': 'repairs-title' },
    h('h3', { id: 'repairs-title' }, 'Did you mean?'),
    h('ul', {}, repairs.map((rep) => {
      const what = [rep.model_year, rep.make, rep.model].filter(Boolean).join(' ');
      const changes = (rep.changes ?? []).map((c) => `position ${c.position}: ${c.from} → ${c.to}`).join(', ');
      return h('li', {},
        h('a', {
          href: `?vin=${encodeURIComponent(rep.vin)}`,
          'aria-label': `Decode ${rep.vin}${what ? `, ${what}` : ''}`,
          onclick: (/** @type {MouseEvent} */ e) => {
            if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return; // let the browser open a new tab
            e.preventDefault();
            onPick(rep.vin);
          },
        }, markedVin(rep)),
        ' ',
        h('span', { class: 'why' }, [what, changes, rep.reason].filter(Boolean).join(' · ')));
    })));
}

/** @param {DecodeResult} r */
function renderYearCandidates(r) {
  const years = r.model_year_candidates ?? [];
  if (years.length < 2) return null;
  return h('section', { class: 'years' },
    h('h3', {}, 'Model year'),
    h('ul', {}, years.map((y) => h('li', {}, `${y.year}${y.chosen ? ' (chosen)' : ''}${y.reason ? ` — ${y.reason}` : ''}`))));
}

/** @param {DecodedValue} v */
function renderProvenance(v) {
  const rows = /** @type {[string, unknown][]} */ ([
    ['source', describeSource(v.source)],
    ['element', v.code],
    ['schema', v.schema_name ? `${v.schema_name}${v.schema_id ? ` (#${v.schema_id})` : ''}` : ''],
    ['pattern', v.pattern_id ? `#${v.pattern_id}` : ''],
    ['keys', v.keys],
    ['value id', v.value_id],
  ]).filter(([, x]) => x !== undefined && x !== null && x !== '');
  return h('details', { class: 'prov' },
    h('summary', {}, 'Where from?'),
    h('dl', {}, rows.flatMap(([k, x]) => [h('dt', {}, k), h('dd', {}, String(x))])));
}

/**
 * One row of a group. A value not read from the VIN (a default of the vehicle type, a model's
 * specification) is muted and tagged, so it does not read as a fact about this vehicle.
 * @param {DecodedValue} v
 */
function renderValueRow(v) {
  const note = inferredNote(v.source);
  return h('tr', note ? { class: `inferred source-${v.source}` } : {},
    h('th', { scope: 'row' }, v.name || v.code),
    h('td', {}, v.value, note && [' ', h('span', { class: 'tag', title: describeSource(v.source) }, `(${note})`)],
      renderProvenance(v)));
}

/**
 * What the tags mean, shown under the groups when any value carries one.
 * @param {DecodedValue[]} values
 */
function renderLegend(values) {
  const sources = [...new Set(values.map((v) => v.source).filter((s) => inferredNote(s)))];
  if (sources.length === 0) return null;
  return h('p', { class: 'groups-legend' },
    sources.flatMap((s, i) => [i > 0 ? ' · ' : '', h('span', { class: 'tag' }, `(${inferredNote(s)})`), ` ${describeSource(s)}`]));
}

/** @param {DecodeResult} r */
function renderGroups(r) {
  const groups = (r.groups ?? []).filter((g) => g.values?.length);
  if (groups.length === 0) return null;
  // Open the first group that describes the vehicle; "Decoding" (error code, text) is already on the card.
  const openIndex = Math.max(0, groups.findIndex((g) => g.name !== 'Decoding'));
  return h('section', { class: 'groups', 'aria-label': 'All decoded values' },
    groups.map((g, i) => h('details', { class: 'group', open: i === openIndex },
      h('summary', {}, g.name, ' ', h('span', { class: 'count' }, `(${g.values.length})`)),
      h('table', {},
        h('caption', { class: 'visually-hidden' }, g.name),
        h('tbody', {}, g.values.map(renderValueRow))))),
    renderLegend(groups.flatMap((g) => g.values)));
}
