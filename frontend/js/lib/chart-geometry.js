// Geometry of the dashboard charts: scales, ticks, SVG path data and bar rectangles. Pure numbers so the
// drawing module stays thin and the arithmetic is unit-tested.

/**
 * Round tick values from 0 up to at least `max`: steps of 1, 2 or 5 × 10^k.
 * @param {number} max largest value to show (negative or NaN counts as 0)
 * @param {number} [count] roughly how many intervals
 * @returns {number[]} ascending, starting at 0, last ≥ max
 */
export function niceTicks(max, count = 4) {
  const top = Number.isFinite(max) && max > 0 ? max : 1;
  const raw = top / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const stepInt = step < 1 && top >= 1 ? 1 : step; // counts are whole numbers: no 0.5 ticks above 1
  const ticks = [];
  for (let v = 0; v < top + stepInt - 1e-9; v += stepInt) ticks.push(Number(v.toFixed(10)));
  if (ticks[ticks.length - 1] < top) ticks.push(ticks[ticks.length - 1] + stepInt);
  return ticks;
}

/**
 * @typedef {object} Box
 * @property {number} width
 * @property {number} height
 * @property {{top: number, right: number, bottom: number, left: number}} margin
 */

/**
 * @typedef {object} LinePoint
 * @property {number} x
 * @property {number} y
 * @property {number} value
 * @property {string} label
 */

/**
 * @typedef {object} LineLayout
 * @property {{value: number, y: number}[]} yTicks
 * @property {{x: number, text: string}[]} xLabels at most `maxXLabels`, evenly thinned, last one kept
 * @property {{name: string, d: string, points: LinePoint[]}[]} series
 * @property {{x0: number, x1: number, y0: number, y1: number}} plot the plot area (y0 top, y1 bottom)
 */

/**
 * Lay out a line chart of one or more series over the same x labels.
 * @param {string[]} labels one per x position
 * @param {{name: string, values: number[]}[]} series
 * @param {Box} box
 * @param {number} [maxXLabels]
 * @returns {LineLayout}
 */
export function lineLayout(labels, series, box, maxXLabels = 6) {
  const { width, height, margin } = box;
  const x0 = margin.left;
  const x1 = width - margin.right;
  const y0 = margin.top;
  const y1 = height - margin.bottom;
  const max = Math.max(0, ...series.flatMap((s) => s.values.filter(Number.isFinite)));
  const ticks = niceTicks(max);
  const top = ticks[ticks.length - 1];
  const n = labels.length;
  const xAt = (/** @type {number} */ i) => (n <= 1 ? (x0 + x1) / 2 : x0 + ((x1 - x0) * i) / (n - 1));
  const yAt = (/** @type {number} */ v) => y1 - ((y1 - y0) * v) / top;
  const round = (/** @type {number} */ v) => Math.round(v * 100) / 100;
  const every = Math.max(1, Math.ceil(n / maxXLabels));
  /** @type {number[]} */
  const picked = [];
  for (let i = 0; i < n; i += every) picked.push(i);
  if (n > 0 && picked[picked.length - 1] !== n - 1) {
    // Keep the latest day labelled; drop its neighbour when the two would overlap.
    if (picked.length > 1 && n - 1 - picked[picked.length - 1] < every / 2) picked.pop();
    picked.push(n - 1);
  }
  const xLabels = picked.map((i) => ({ x: round(xAt(i)), text: labels[i] }));
  return {
    yTicks: ticks.map((value) => ({ value, y: round(yAt(value)) })),
    xLabels,
    series: series.map((s) => {
      const points = s.values.map((v, i) => ({
        x: round(xAt(i)), y: round(yAt(Number.isFinite(v) ? v : 0)), value: v, label: labels[i] ?? '',
      }));
      const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
      return { name: s.name, d, points };
    }),
    plot: { x0, x1, y0, y1 },
  };
}

/**
 * @typedef {object} Bar
 * @property {string} label
 * @property {number} value
 * @property {number} x
 * @property {number} y
 * @property {number} width
 * @property {number} height
 * @property {number} share value / total of all bars (0..1)
 */

/**
 * Lay out horizontal bars: label column on the left, bars scaled to the largest value.
 * @param {{label: string, value: number}[]} items
 * @param {{width: number, labelWidth: number, valueWidth: number, barHeight: number, gap: number}} opts
 * @returns {{height: number, bars: Bar[]}}
 */
export function barLayout(items, opts) {
  const { width, labelWidth, valueWidth, barHeight, gap } = opts;
  const max = Math.max(0, ...items.map((i) => i.value));
  const total = items.reduce((sum, i) => sum + Math.max(0, i.value), 0);
  const room = Math.max(0, width - labelWidth - valueWidth);
  const bars = items.map((item, k) => ({
    label: item.label,
    value: item.value,
    x: labelWidth,
    y: k * (barHeight + gap),
    width: max > 0 ? Math.max(item.value > 0 ? 1 : 0, Math.round((room * item.value) / max * 100) / 100) : 0,
    height: barHeight,
    share: total > 0 ? item.value / total : 0,
  }));
  return { height: items.length === 0 ? 0 : items.length * (barHeight + gap) - gap, bars };
}
