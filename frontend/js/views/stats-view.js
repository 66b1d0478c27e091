// Statistics dashboard from GET /api/v1/stats: key figures, decodes per day, top makes and models, error
// codes. Loaded when the tab opens; when the API is unreachable it says so and offers a retry.

import { formatCount, formatDay, formatLatency, formatPercent } from '../lib/format.js';
import { barChart, lineChart } from './svg-chart.js';
import { byId, h, replace } from './dom.js';

/** Short meanings of vPIC error codes for the distribution chart. */
const ERROR_CODE_NAMES = /** @type {Record<string, string>} */ ({
  0: 'clean', 1: 'check digit', 2: 'one position corrected', 3: 'one position corrected', 4: 'one position, several matches',
  5: 'errors in several positions', 6: 'incomplete VIN', 7: 'maker not registered', 8: 'no detailed data',
  11: 'incorrect model year', 14: 'partly decoded', 400: 'invalid characters',
});

/**
 * @typedef {object} Stats body of GET /api/v1/stats (docs/API.md)
 * @property {number} days
 * @property {number} total
 * @property {number} clean
 * @property {number} clean_rate
 * @property {{date: string, total: number, clean: number}[]} per_day
 * @property {{name: string, count: number}[]} top_makes
 * @property {{name: string, make?: string, count: number}[]} top_models
 * @property {{name: string, count: number}[]} [top_wmis]
 * @property {{name: string, count: number}[]} [channels]
 * @property {{name: string, count: number}[]} error_codes
 * @property {{p50?: number, p95?: number}} [latency_ms]
 * @property {string} [generated_at]
 */

/**
 * @param {import('../lib/api.js').Api} api
 * @returns {{load: () => Promise<void>}}
 */
export function initStatsView(api) {
  const body = byId('stats-body');
  const status = byId('stats-status');
  const days = /** @type {HTMLSelectElement} */ (byId('stats-days'));
  const refresh = /** @type {HTMLButtonElement} */ (byId('stats-refresh'));
  let seq = 0;
  /** @type {Stats | null} */
  let shown = null;

  /** Draw (or redraw, at the current width) the dashboard for `stats`. */
  function draw(/** @type {Stats} */ stats) {
    shown = stats;
    // Charts are drawn at their container's pixel width, so measure the body once it has its layout.
    const width = body.clientWidth || 960;
    replace(body, ...render(stats, width));
  }

  async function load() {
    const mine = ++seq;
    status.textContent = 'Loading statistics…';
    body.setAttribute('aria-busy', 'true');
    try {
      /** @type {Stats} */
      const stats = await api.stats(Number(days.value) || 30);
      if (mine !== seq) return;
      draw(stats);
      status.textContent = `Statistics for the last ${stats.days ?? days.value} days.`;
    } catch (err) {
      if (mine !== seq) return;
      shown = null;
      status.textContent = '';
      const retry = h('button', { type: 'button', onclick: () => load() }, 'Retry');
      replace(body, h('div', { class: 'error-box', role: 'alert' },
        h('p', {}, h('strong', {}, 'Statistics are unavailable. '), /** @type {Error} */ (err).message),
        h('p', {}, retry)));
      retry.focus({ preventScroll: true });
    } finally {
      if (mine === seq) body.removeAttribute('aria-busy');
    }
  }

  let lastWidth = 0;
  new ResizeObserver(() => {
    const w = body.clientWidth;
    if (shown && w > 0 && Math.abs(w - lastWidth) > 8) draw(shown);
    lastWidth = w;
  }).observe(body);
  days.addEventListener('change', load);
  refresh.addEventListener('click', load);
  return { load };
}

/**
 * @param {Stats} st
 * @param {number} width pixels available to the dashboard
 * @returns {HTMLElement[]}
 */
function render(st, width) {
  // Mirrors the CSS grid: up to three bar charts a row, at least 20rem (320 px) each, 16 px gaps,
  // minus each figure's padding and border (2 × 15 px).
  const columns = Math.max(1, Math.min(3, Math.floor((width + 16) / (320 + 16))));
  const barWidth = Math.floor((width - 16 * (columns - 1)) / columns) - 30;
  const lineWidth = width - 30;
  const perDay = st.per_day ?? [];
  const kpi = (/** @type {string} */ label, /** @type {string} */ value) => h('div', { class: 'kpi' }, h('dt', {}, label), h('dd', {}, value));
  const kpis = h('dl', { class: 'kpis' },
    kpi('Decodes', formatCount(st.total ?? 0)),
    kpi('Clean-decode rate', formatPercent(st.total ? st.clean_rate : null)),
    kpi('Clean decodes', formatCount(st.clean ?? 0)),
    kpi('Median latency', formatLatency(st.latency_ms?.p50)),
    kpi('p95 latency', formatLatency(st.latency_ms?.p95)));
  const charts = h('div', { class: 'charts' },
    perDay.length > 0
      ? lineChart({
        title: 'Decodes per day',
        labels: perDay.map((d) => formatDay(d.date)),
        series: [
          { name: 'all decodes', values: perDay.map((d) => d.total) },
          { name: 'clean', values: perDay.map((d) => d.clean) },
        ],
        className: 'wide',
        width: lineWidth,
      })
      : h('figure', { class: 'chart wide' }, h('figcaption', {}, 'Decodes per day'), h('p', { class: 'empty' }, 'No decodes in this period yet.')),
    barChart({ title: 'Top makes', width: barWidth, items: (st.top_makes ?? []).map((m) => ({ label: m.name, value: m.count })) }),
    barChart({
      title: 'Top models',
      width: barWidth,
      items: (st.top_models ?? []).map((m) => ({ label: m.make ? `${m.name} (${m.make})` : m.name, value: m.count })),
    }),
    barChart({
      title: 'Error codes',
      width: barWidth,
      showShare: true,
      items: (st.error_codes ?? []).map((e) => ({
        label: ERROR_CODE_NAMES[e.name] ? `${e.name} · ${ERROR_CODE_NAMES[e.name]}` : e.name,
        value: e.count,
        ok: e.name === '0',
      })),
    }),
    (st.channels?.length ?? 0) > 0 && barChart({ title: 'Channels', width: barWidth, items: (st.channels ?? []).map((c) => ({ label: c.name, value: c.count })) }));
  return [kpis, charts, st.generated_at ? h('p', { class: 'stats-generated' }, `Generated ${st.generated_at}`) : h('span')];
}
