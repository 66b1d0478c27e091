// Where the API is: `config.js` (written by the Vercel build from API_BASE_URL) when it exists, else the
// page's own origin (`vinbot serve` with FRONTEND_DIR). The file is optional, so a failed import is normal.

/**
 * @returns {Promise<string>} '' for same origin, else an absolute base URL without trailing slash
 */
export async function loadApiBase() {
  try {
    // @ts-ignore -- config.js is written at deploy time and is absent in the repository.
    const config = await import('../config.js');
    const base = typeof config.API_BASE_URL === 'string' ? config.API_BASE_URL.trim() : '';
    return base.replace(/\/+$/, '');
  } catch {
    return '';
  }
}
