// "My vehicles": the signed-in user's saved vehicles (decoded again by the server with the current data)
// and their decode history (page and bot), with filters, "load more", delete one or all, and a CSV export.

import { byId, h, replace } from './dom.js';

/**
 * @param {import('../lib/account-api.js').AccountApi} account
 * @param {(err: unknown) => void} onAuthError called with 401s (the session has ended)
 */
export function initMineView(account, onAuthError) {
  const status = byId('mine-status');
  const vehicleList = byId('vehicle-list');
  const vehicleForm = /** @type {HTMLFormElement} */ (byId('vehicle-form'));
  const historyList = byId('history-list');
  const historyForm = /** @type {HTMLFormElement} */ (byId('history-filters'));
  const more = /** @type {HTMLButtonElement} */ (byId('history-more'));
  /** @type {string | null} */
  let cursor = null;

  /** @param {unknown} err */
  function fail(err) {
    const e = /** @type {{status?: number, message?: string}} */ (err);
    status.textContent = e.message ?? String(err);
    if (e.status === 401) onAuthError(err);
  }

  function filters() {
    const data = new FormData(historyForm);
    return { make: String(data.get('make') ?? ''), year: String(data.get('year') ?? ''), vinPrefix: String(data.get('vin_prefix') ?? '') };
  }

  /** @param {any} v a vehicle of the API */
  function vehicleItem(v) {
    const d = v.decode ?? {};
    const what = [d.model_year, d.make, d.model].filter(Boolean).join(' ') || 'Not decoded';
    const nickname = h('input', { type: 'text', value: v.nickname ?? '', maxlength: '64', 'aria-label': `Nickname of ${v.vin}` });
    const note = h('input', { type: 'text', value: v.note ?? '', maxlength: '500', 'aria-label': `Note on ${v.vin}` });
    const save = h('button', { type: 'button', class: 'secondary', text: 'Save changes', 'aria-label': `Save changes to ${v.vin}` });
    save.addEventListener('click', async () => {
      try {
        await account.updateVehicle(v.id, { nickname: nickname.value.trim() || null, note: note.value.trim() || null });
        status.textContent = `Saved changes to ${v.vin}.`;
      } catch (err) { fail(err); }
    });
    const remove = h('button', { type: 'button', class: 'secondary', text: 'Delete', 'aria-label': `Delete ${v.vin}` });
    remove.addEventListener('click', async () => {
      try {
        await account.deleteVehicle(v.id);
        await loadVehicles();
      } catch (err) { fail(err); }
    });
    return h('li', { class: 'vehicle' },
      h('h3', { text: v.nickname || what }),
      h('p', {}, h('code', { text: v.vin }), ` · ${what}`),
      h('div', { class: 'vehicle-edit' }, nickname, note, save, remove));
  }

  async function loadVehicles() {
    try {
      const { items } = await account.vehicles();
      replace(vehicleList, items.length ? items.map(vehicleItem) : h('li', { class: 'hint', text: 'No saved vehicles yet.' }));
    } catch (err) { fail(err); }
  }

  /** @param {any} e a history entry of the API */
  function historyItem(e) {
    const what = [e.model_year, e.make, e.model].filter(Boolean).join(' ');
    const save = h('button', { type: 'button', class: 'secondary', text: 'Save', 'aria-label': `Save ${e.vin}` });
    save.addEventListener('click', async () => {
      try {
        await account.saveVehicle({ vin: e.vin });
        await loadVehicles();
        status.textContent = `${e.vin} is in your vehicles.`;
      } catch (err) { fail(err); }
    });
    const remove = h('button', { type: 'button', class: 'secondary', text: 'Delete', 'aria-label': `Delete ${e.vin} from history` });
    const item = h('li', { class: 'history-entry' },
      h('time', { datetime: e.occurred_at, text: e.occurred_at.slice(0, 16).replace('T', ' ') }), ' ',
      h('code', { text: e.vin }), ` ${what} · ${e.channel} `, e.vin.length === 17 ? save : null, remove);
    remove.addEventListener('click', async () => {
      try {
        await account.deleteEntry(e.id);
        item.remove();
      } catch (err) { fail(err); }
    });
    return item;
  }

  /** @param {boolean} fresh start from the newest entry */
  async function loadHistory(fresh) {
    if (fresh) cursor = null;
    try {
      const page = await account.history(filters(), cursor);
      const items = page.items.map(historyItem);
      if (fresh) replace(historyList, items.length ? items : h('li', { class: 'hint', text: 'No decodes yet.' }));
      else historyList.append(...items);
      cursor = page.next_cursor ?? null;
      more.hidden = !cursor;
    } catch (err) { fail(err); }
  }

  vehicleForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const data = new FormData(vehicleForm);
    try {
      await account.saveVehicle({
        vin: String(data.get('vin') ?? ''),
        nickname: String(data.get('nickname') ?? '').trim() || undefined,
        note: String(data.get('note') ?? '').trim() || undefined,
      });
      vehicleForm.reset();
      status.textContent = 'Vehicle saved.';
      await loadVehicles();
    } catch (err) { fail(err); }
  });
  historyForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    loadHistory(true);
  });
  more.addEventListener('click', () => loadHistory(false));
  byId('history-clear').addEventListener('click', async () => {
    if (!window.confirm('Delete your whole decode history?')) return;
    try {
      await account.deleteHistory();
      await loadHistory(true);
    } catch (err) { fail(err); }
  });
  byId('history-export').addEventListener('click', async () => {
    try {
      const blob = await account.exportHistory(filters());
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: 'vinbot-history.csv' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) { fail(err); }
  });

  return {
    /** Load both lists (when the tab opens). */
    async load() {
      status.textContent = '';
      await Promise.all([loadVehicles(), loadHistory(true)]);
    },
  };
}
