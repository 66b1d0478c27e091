// Our small SVG chart drawer: a line chart and horizontal bars, drawn at the pixel width of their container
// (so text stays at its CSS size; the caller redraws on resize). Geometry comes from lib/chart-geometry.js;
// each chart also carries a data table for screen readers and for people who want the numbers.

import { lineLayout, barLayout } from '../lib/chart-geometry.js';
import { formatCount, formatPercent } from '../lib/format.js';
import { h, s, uniqueId } from './dom.js';

/**
 * A line chart of several series over the same labels.
 * @param {object} p
 * @param {string} p.title
 * @param {string[]} p.labels x labels (already formatted)
 * @param {{name: string, values: number[]}[]} p.series
 * @param {number} p.width pixels
 * @param {string} [p.className]
 * @returns {HTMLElement} a <figure>
 */
export function lineChart({ title, labels, series, width, className = '' }) {
  const height = width < 500 ? 180 : 240;
  const maxLabels = Math.max(2, Math.floor(width / 90));
  const layout = lineLayout(labels, series, { width, height, margin: { top: 10, right: 22, bottom: 26, left: 44 } }, maxLabels);
  const titleId = uniqueId('chart-title');
  const descId = uniqueId('chart-desc');
  const totals = series.map((sr) => `${sr.name}: ${formatCount(sr.values.reduce((a, b) => a + b, 0))}`).join(', ');
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': titleId, 'aria-describedby': descId },
    s('title', { id: titleId }, title),
    s('desc', { id: descId }, `${labels.length} days from ${labels[0] ?? '–'} to ${labels[labels.length - 1] ?? '–'}; ${totals}.`),
    s('g', { class: 'grid' }, layout.yTicks.map((t) => s('line', { x1: layout.plot.x0, x2: layout.plot.x1, y1: t.y, y2: t.y }))),
    s('g', { class: 'axis', 'aria-hidden': 'true' },
      layout.yTicks.map((t) => s('text', { x: layout.plot.x0 - 6, y: t.y + 4, 'text-anchor': 'end' }, formatCount(t.value))),
      layout.xLabels.map((l) => s('text', { x: l.x, y: height - 6, 'text-anchor': 'middle' }, l.text))),
    layout.series.map((sr, i) => s('g', { class: 'series', 'aria-hidden': 'true' },
      s('path', { class: `line s${i}`, d: sr.d }),
      sr.points.length <= width / 12 && sr.points.map((pt) => s('circle', { class: `dot s${i}`, cx: pt.x, cy: pt.y, r: 2.5 },
        s('title', {}, `${pt.label}: ${formatCount(pt.value)} ${sr.name}`))))));
  return h('figure', { class: `chart ${className}` },
    h('figcaption', {}, title),
    svg,
    series.length > 1 && h('ul', { class: 'legend', 'aria-hidden': 'true' },
      series.map((sr, i) => h('li', {}, h('span', { class: `swatch s${i}` }), sr.name))),
    dataTable(['Day', ...series.map((sr) => sr.name)], labels.map((l, i) => [l, ...series.map((sr) => formatCount(sr.values[i]))])));
}

/**
 * Horizontal bars with labels and values.
 * @param {object} p
 * @param {string} p.title
 * @param {{label: string, value: number, ok?: boolean}[]} p.items
 * @param {number} p.width pixels
 * @param {string} [p.empty] text when there are no items
 * @param {boolean} [p.showShare] print "n (x %)" instead of "n"
 * @returns {HTMLElement} a <figure>
 */
export function barChart({ title, items, width, empty = 'Nothing yet.', showShare = false }) {
  const labelWidth = Math.min(170, Math.round(width * 0.42));
  const layout = barLayout(items, { width, labelWidth, valueWidth: showShare ? 96 : 56, barHeight: 18, gap: 7 });
  const caption = h('figcaption', {}, title);
  if (items.length === 0) return h('figure', { class: 'chart' }, caption, h('p', { class: 'empty' }, empty));
  const titleId = uniqueId('chart-title');
  const maxChars = Math.floor(labelWidth / 7);
  const clip = (/** @type {string} */ t) => (t.length > maxChars ? `${t.slice(0, maxChars - 1)}…` : t);
  const valueText = (/** @type {import('../lib/chart-geometry.js').Bar} */ b) =>
    (showShare ? `${formatCount(b.value)} (${formatPercent(b.share, 0)})` : formatCount(b.value));
  const svg = s('svg', { viewBox: `0 0 ${width} ${layout.height}`, width, height: layout.height, role: 'img', 'aria-labelledby': titleId },
    s('title', { id: titleId }, `${title}: ${layout.bars.map((b) => `${b.label} ${valueText(b)}`).join(', ')}`),
    // The whole row (label, bar, value) shows the full label as a tooltip: long model names are clipped.
    layout.bars.map((b, i) => s('g', { class: 'bar-row', 'aria-hidden': 'true' },
      s('title', {}, `${b.label}: ${valueText(b)}`),
      s('text', { class: 'bar-label', x: labelWidth - 8, y: b.y + b.height / 2 + 4, 'text-anchor': 'end' }, clip(b.label)),
      s('rect', { class: `bar${items[i].ok ? ' ok' : ''}`, x: b.x, y: b.y, width: b.width, height: b.height, rx: 3 }),
      s('text', { class: 'bar-value', x: b.x + b.width + 6, y: b.y + b.height / 2 + 4 }, valueText(b)))));
  return h('figure', { class: 'chart' }, caption, svg,
    dataTable(['Name', 'Count'], items.map((it) => [it.label, formatCount(it.value)])));
}

/**
 * The numbers behind a chart, collapsed by default.
 * @param {string[]} header
 * @param {string[][]} rows
 */
function dataTable(header, rows) {
  return h('details', { class: 'data-table' },
    h('summary', {}, 'Show data'),
    h('table', {},
      h('thead', {}, h('tr', {}, header.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))))));
}
