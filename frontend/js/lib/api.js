// The one place the page talks to the backend: base URL, timeouts, cancellation, and turning the API's
// error envelope {code, message, request_id} (or a network failure) into an ApiError with a readable message.

import { readNdjson } from './ndjson.js';
import { rateStateFrom } from './paced-batch.js';

/** Messages for when the server gave no usable envelope (a proxy's HTML 502, an empty 503). */
const FALLBACK_MESSAGES = /** @type {Record<string, string>} */ ({
  invalid_vin: 'That is not a valid VIN.',
  invalid_request: 'The request was not accepted.',
  not_found: 'Not found.',
  payload_too_large: 'Too much input at once — split it into smaller batches.',
  rate_limited: 'Too many requests — wait a moment and try again.',
  unauthorized: 'Not authorised.',
  timeout: 'The server took too long to answer.',
  unavailable: 'The service is temporarily unavailable.',
  internal: 'The server had a problem. Try again later.',
});

/** An API call that did not give the expected answer. `message` is fit to show to a person. */
export class ApiError extends Error {
  /**
   * @param {object} p
   * @param {string} p.code the envelope's code, or 'network' / 'timeout' / 'aborted' / 'http_<status>'
   * @param {string} p.message
   * @param {number} [p.status] HTTP status, 0 when no response arrived
   * @param {string} [p.requestId]
   * @param {number} [p.retryAfter] seconds, from Retry-After on 429/503
   * @param {import('./paced-batch.js').RateState | null} [p.rateLimit] from the RateLimit headers
   */
  constructor({ code, message, status = 0, requestId = '', retryAfter, rateLimit = null }) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
    this.rateLimit = rateLimit;
  }
}

/**
 * Build the ApiError for a non-2xx answer from its status, body text and headers.
 * @param {number} status
 * @param {string} bodyText
 * @param {{get(name: string): string | null}} headers
 * @returns {ApiError}
 */
export function errorFromResponse(status, bodyText, headers) {
  /** @type {{code?: unknown, message?: unknown, request_id?: unknown}} */
  let envelope = {};
  try {
    const parsed = JSON.parse(bodyText);
    if (parsed && typeof parsed === 'object') envelope = parsed;
  } catch {
    // not JSON (a proxy page, an empty body): fall back on the status
  }
  const code = typeof envelope.code === 'string' && envelope.code ? envelope.code : codeForStatus(status);
  const retryRaw = headers.get('retry-after');
  const retryAfter = retryRaw && /^\d+$/.test(retryRaw) ? Number(retryRaw) : undefined;
  let message = typeof envelope.message === 'string' && envelope.message
    ? envelope.message
    : FALLBACK_MESSAGES[code] ?? `The server answered HTTP ${status}.`;
  if (retryAfter !== undefined && code === 'rate_limited') message += ` (retry in ${retryAfter} s)`;
  const requestId = typeof envelope.request_id === 'string' ? envelope.request_id : headers.get('x-request-id') ?? '';
  const rateLimit = status === 429 ? rateStateFrom(headers, Date.now()) : null;
  return new ApiError({ code, message, status, requestId, retryAfter, rateLimit });
}

/**
 * @param {number} status
 * @returns {string}
 */
function codeForStatus(status) {
  if (status === 404) return 'not_found';
  if (status === 413) return 'payload_too_large';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'unavailable';
  if (status === 504) return 'timeout';
  if (status >= 500) return 'internal';
  return `http_${status}`;
}

/**
 * Join the configured base ('' = same origin, or 'https://api.example.com' with or without a trailing
 * slash or a path prefix) and an absolute API path.
 * @param {string} base
 * @param {string} path starting with '/'
 * @returns {string}
 */
export function joinUrl(base, path) {
  return base ? base.replace(/\/+$/, '') + path : path;
}

/**
 * @typedef {object} ApiOptions
 * @property {string} [baseUrl] '' for same origin
 * @property {typeof fetch} [fetchImpl]
 * @property {number} [timeoutMs] until the response headers arrive
 * @property {() => Promise<string | null>} [getAccessToken] the signed-in user's token, sent as a Bearer
 */

/**
 * @typedef {object} RequestOptions
 * @property {string} [method]
 * @property {Record<string, string>} [headers]
 * @property {BodyInit} [body]
 * @property {AbortSignal} [signal] the caller's cancel
 * @property {number} [timeoutMs]
 * @property {RequestCredentials} [credentials] 'include' only for the auth routes (the refresh cookie)
 * @property {boolean} [auth] false: send no access token
 */

/**
 * Create the API client the views use.
 * @param {ApiOptions} [options]
 */
export function createApi({ baseUrl = '', fetchImpl = globalThis.fetch.bind(globalThis), timeoutMs = 15000, getAccessToken } = {}) {
  // Same origin: tell the backend these decodes come from the web page (its statistics count a "web"
  // channel). Cross-origin (Vercel) the backend already knows by the Origin header, and a custom header
  // would cost a CORS preflight per request.
  /** @type {Record<string, string>} */
  const clientHeaders = baseUrl ? {} : { 'X-Vinbot-Client': 'web' };
  /**
   * Send a request; resolve with the Response when it is 2xx, else throw an ApiError.
   * @param {string} path
   * @param {RequestOptions} [opts]
   * @returns {Promise<Response>}
   */
  async function request(path, opts = {}) {
    const url = joinUrl(baseUrl, path);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; controller.abort(); }, opts.timeoutMs ?? timeoutMs);
    const onCancel = () => controller.abort();
    opts.signal?.addEventListener('abort', onCancel, { once: true });
    try {
      const token = opts.auth === false || !getAccessToken ? null : await getAccessToken();
      /** @type {Record<string, string>} */
      const authHeaders = token ? { Authorization: `Bearer ${token}` } : {};
      const res = await fetchImpl(url, {
        method: opts.method ?? 'GET',
        headers: { Accept: 'application/json', ...clientHeaders, ...authHeaders, ...opts.headers },
        body: opts.body,
        signal: controller.signal,
        // Cookies only where asked (the auth routes); the access token travels as a header.
        credentials: opts.credentials ?? 'omit',
      });
      if (!res.ok) throw errorFromResponse(res.status, await res.text().catch(() => ''), res.headers);
      return res;
    } catch (err) {
      if (err instanceof ApiError) throw err;
      if (timedOut) throw new ApiError({ code: 'timeout', message: 'The vinbot API did not answer in time. Try again.' });
      if (opts.signal?.aborted) throw new ApiError({ code: 'aborted', message: 'Cancelled.' });
      throw new ApiError({
        code: 'network',
        message: `Cannot reach the vinbot API${baseUrl ? ` at ${baseUrl}` : ''}. Check your connection and try again.`,
      });
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onCancel);
    }
  }

  /**
   * @param {string} path
   * @param {RequestOptions} [opts]
   * @returns {Promise<any>}
   */
  async function getJson(path, opts) {
    const res = await request(path, opts);
    try {
      return await res.json();
    } catch {
      throw new ApiError({ code: 'bad_response', message: 'The server sent an answer the page cannot read.', status: res.status });
    }
  }

  return {
    baseUrl,
    request,
    getJson,
    /**
     * Rich decode of one VIN (GET /api/v1/vins/{vin}).
     * @param {string} vin
     * @param {{modelYear?: number, signal?: AbortSignal}} [opts]
     */
    decodeVin(vin, opts = {}) {
      const query = opts.modelYear ? `?model_year=${opts.modelYear}` : '';
      return getJson(`/api/v1/vins/${encodeURIComponent(vin)}${query}`, { signal: opts.signal });
    },
    /**
     * Stream a batch decode (POST /api/v1/vins/batch, NDJSON): yields one result per input line, in order.
     * The timeout covers the wait for the first byte; after that the stream runs until done or cancelled.
     * @param {string[]} lines `VIN` or `VIN,year`
     * @param {{signal?: AbortSignal, onHeaders?: (headers: Headers) => void}} [opts] `onHeaders` sees the
     *   answer's headers (RateLimit, RateLimit-Policy) before the first result
     * @returns {AsyncGenerator<any, void, void>}
     */
    async *batchStream(lines, opts = {}) {
      const res = await request('/api/v1/vins/batch', {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain; charset=utf-8', Accept: 'application/x-ndjson', ...clientHeaders },
        body: lines.join('\n') + '\n',
        signal: opts.signal,
        timeoutMs: 60000,
      });
      opts.onHeaders?.(res.headers);
      if (!res.body) throw new ApiError({ code: 'bad_response', message: 'The server sent no batch results.', status: res.status });
      yield* readNdjson(res.body);
    },
    /**
     * Decode statistics (GET /api/v1/stats).
     * @param {number} [days]
     */
    stats(days = 30) {
      return getJson(`/api/v1/stats?days=${days}`);
    },
    /** Versions and data identity (GET /api/v1/meta). */
    meta() {
      return getJson('/api/v1/meta');
    },
  };
}

/** @typedef {ReturnType<typeof createApi>} Api */
