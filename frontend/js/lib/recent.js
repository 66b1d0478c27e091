// Recent decodes kept in the browser (localStorage), newest first, de-duplicated by VIN. Storage is
// injected so tests use a plain object and a blocked storage (private mode, quota) never breaks the page.

/**
 * @typedef {object} RecentEntry
 * @property {string} vin
 * @property {string} title e.g. "2003 HONDA Accord"
 * @property {boolean} clean
 * @property {number} at epoch milliseconds
 */

export const RECENT_KEY = 'vinbot.recent.v1';
export const RECENT_MAX = 10;

/**
 * New list with `entry` first, older copies of the same VIN removed, at most `max` long.
 * @param {RecentEntry[]} list
 * @param {RecentEntry} entry
 * @param {number} [max]
 * @returns {RecentEntry[]}
 */
export function addRecent(list, entry, max = RECENT_MAX) {
  return [entry, ...list.filter((e) => e.vin !== entry.vin)].slice(0, max);
}

/**
 * @param {Pick<Storage, 'getItem'> | null | undefined} storage
 * @returns {RecentEntry[]} [] when missing, unreadable or malformed
 */
export function loadRecent(storage) {
  try {
    const parsed = JSON.parse(storage?.getItem(RECENT_KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((e) => e && typeof e.vin === 'string' && typeof e.title === 'string').slice(0, RECENT_MAX);
  } catch {
    return [];
  }
}

/**
 * @param {Pick<Storage, 'setItem'> | null | undefined} storage
 * @param {RecentEntry[]} list
 * @returns {boolean} false when the browser refused (quota, disabled storage)
 */
export function saveRecent(storage, list) {
  try {
    storage?.setItem(RECENT_KEY, JSON.stringify(list));
    return Boolean(storage);
  } catch {
    return false;
  }
}
