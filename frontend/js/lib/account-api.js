// The account routes of the API (/api/v1/auth/config, /api/v1/me/...), on top of the one fetch wrapper.
// The wrapper adds the access token; these functions only know paths, methods and bodies.

/**
 * @typedef {object} HistoryFilters
 * @property {string} [make]
 * @property {string} [year]
 * @property {string} [vinPrefix]
 */

/**
 * The query string of a history request: only filled-in filters, trimmed; the cursor of the next page.
 * @param {HistoryFilters} filters
 * @param {string | null} [cursor]
 * @param {number} [limit]
 * @returns {string} '' or '?…'
 */
export function historyQuery(filters, cursor = null, limit) {
  const q = new URLSearchParams();
  if (limit) q.set('limit', String(limit));
  const make = filters.make?.trim();
  if (make) q.set('make', make);
  const year = filters.year?.trim();
  if (year) q.set('year', year);
  const prefix = filters.vinPrefix?.replace(/[\s-]/g, '').toUpperCase();
  if (prefix) q.set('vin_prefix', prefix);
  if (cursor) q.set('cursor', cursor);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * @param {import('./api.js').Api} api
 */
export function accountApi(api) {
  /** @param {string} path @param {string} method @param {unknown} [body] */
  const send = (path, method, body) => api.request(path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    /** @returns {Promise<{sign_in: boolean, telegram_bot_username?: string}>} */
    config: () => api.getJson('/api/v1/auth/config'),
    /** @param {HistoryFilters} filters @param {string | null} cursor */
    history: (filters, cursor) => api.getJson(`/api/v1/me/history${historyQuery(filters, cursor, 20)}`),
    /** @param {string} id */
    deleteEntry: (id) => send(`/api/v1/me/history/${encodeURIComponent(id)}`, 'DELETE'),
    deleteHistory: () => send('/api/v1/me/history', 'DELETE'),
    /** @param {HistoryFilters} filters @returns {Promise<Blob>} */
    exportHistory: async (filters) => (await api.request(`/api/v1/me/history/export${historyQuery(filters)}`, { headers: { Accept: 'text/csv' } })).blob(),
    vehicles: () => api.getJson('/api/v1/me/vehicles'),
    /** @param {{vin: string, nickname?: string, note?: string}} v */
    saveVehicle: async (v) => (await send('/api/v1/me/vehicles', 'POST', v)).json(),
    /** @param {string} id @param {{nickname?: string | null, note?: string | null}} change */
    updateVehicle: async (id, change) => (await send(`/api/v1/me/vehicles/${encodeURIComponent(id)}`, 'PATCH', change)).json(),
    /** @param {string} id */
    deleteVehicle: (id) => send(`/api/v1/me/vehicles/${encodeURIComponent(id)}`, 'DELETE'),
  };
}

/** @typedef {ReturnType<typeof accountApi>} AccountApi */
