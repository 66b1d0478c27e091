// Large batches under the API's rate limit. The server allows each client a quota of VINs a minute (a GCRA
// bucket: a burst of the whole quota, refilled evenly over the window) and refuses a batch larger than the whole
// quota. So a list is sent in chunks no larger than the quota, and before each chunk the page waits until the
// bucket holds it, estimating the bucket from the last answer's headers:
//   RateLimit-Policy: "anon";q=120;w=60     quota q per window w seconds
//   RateLimit: "anon";r=57;t=3              r left now, t seconds until full again
// A 429 (the estimate was wrong, or another tab shares the quota) waits for its Retry-After and retries the
// same chunk; nothing is skipped and the results keep the input order.

/** Largest chunk sent at once (also the first chunk, before the quota is known). */
export const MAX_CHUNK = 250;
/** Slack added to a computed wait, for the bucket's rounding and clock differences. */
const WAIT_MARGIN_MS = 150;

/**
 * @typedef {object} RateState
 * @property {number} quota cells per window
 * @property {number} windowSecs
 * @property {number} remaining cells left when the answer was read
 * @property {number} at ms timestamp of that answer
 */

/**
 * The parameters of a structured header item such as `"anon";r=57;t=3` (the item's name is ignored).
 * @param {string | null | undefined} value
 * @returns {Record<string, number>}
 */
export function headerParams(value) {
  /** @type {Record<string, number>} */
  const out = {};
  if (!value) return out;
  for (const part of value.split(';').slice(1)) {
    const [key, raw] = part.split('=').map((s) => s.trim());
    const n = Number(raw);
    if (key && raw !== undefined && raw !== '' && Number.isFinite(n) && n >= 0) out[key] = n;
  }
  return out;
}

/**
 * The rate-limit state an answer announces, or null when it carries no (readable) headers.
 * @param {{get(name: string): string | null}} headers
 * @param {number} now ms
 * @returns {RateState | null}
 */
export function rateStateFrom(headers, now) {
  const policy = headerParams(headers.get('ratelimit-policy'));
  const state = headerParams(headers.get('ratelimit'));
  if (!(policy.q > 0) || state.r === undefined) return null;
  return { quota: policy.q, windowSecs: policy.w > 0 ? policy.w : 60, remaining: state.r, at: now };
}

/**
 * Cells in the bucket at `now`, refilled since the answer at `rate.at`.
 * @param {RateState} rate
 * @param {number} now
 */
export function estimateRemaining(rate, now) {
  const refilled = ((now - rate.at) / 1000) * (rate.quota / rate.windowSecs);
  return Math.min(rate.quota, Math.floor(rate.remaining + Math.max(0, refilled)));
}

/**
 * The next chunk: how many lines, and how long to wait before sending them.
 * @param {number} left lines not yet decoded
 * @param {RateState | null} rate
 * @param {number} now
 * @returns {{size: number, waitMs: number}}
 */
export function nextChunk(left, rate, now) {
  if (!rate) return { size: Math.min(left, MAX_CHUNK), waitMs: 0 };
  const largest = Math.min(left, MAX_CHUNK, rate.quota);
  // What ten seconds refill: small enough to keep the progress moving, large enough not to flood.
  const paced = Math.max(1, Math.min(largest, Math.ceil(rate.quota * 10 / rate.windowSecs)));
  const available = estimateRemaining(rate, now);
  if (available >= paced) return { size: Math.min(largest, available), waitMs: 0 };
  const missing = paced - available;
  const waitMs = Math.ceil((missing * rate.windowSecs * 1000) / rate.quota) + WAIT_MARGIN_MS;
  return { size: paced, waitMs };
}

/**
 * Sleep that ends early (rejecting) when `signal` aborts.
 * @param {number} ms
 * @param {AbortSignal} [signal]
 * @returns {Promise<void>}
 */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(signal.reason); return; }
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(signal?.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * @typedef {object} PacedBatchOptions
 * @property {string[]} lines
 * @property {(lines: string[], opts: {signal?: AbortSignal, onHeaders: (h: {get(name: string): string | null}) => void}) => AsyncIterable<any>} stream
 *   one batch request (the API's batchStream)
 * @property {(result: any) => void} onResult each result, in input order
 * @property {(waitMs: number, reason: 'quota' | 'retry') => void} [onWait] before each pause
 * @property {AbortSignal} [signal]
 * @property {() => number} [now]
 * @property {(ms: number, signal?: AbortSignal) => Promise<void>} [sleepFn]
 */

/**
 * Decode `lines` in chunks that fit the rate limit.
 * @param {PacedBatchOptions} o
 * @returns {Promise<{requests: number, waits: number, waitedMs: number}>}
 */
export async function runPacedBatch({ lines, stream, onResult, onWait = () => {}, signal, now = Date.now, sleepFn = sleep }) {
  /** @type {RateState | null} */
  let rate = null;
  let done = 0;
  // Without readable headers (a cross-origin API that does not expose them) a refused chunk halves this.
  let cap = MAX_CHUNK;
  const stats = { requests: 0, waits: 0, waitedMs: 0 };
  const pause = async (/** @type {number} */ ms, /** @type {'quota' | 'retry'} */ reason) => {
    onWait(ms, reason);
    stats.waits++;
    stats.waitedMs += ms;
    await sleepFn(ms, signal);
  };
  while (done < lines.length) {
    const { size, waitMs } = nextChunk(Math.min(lines.length - done, cap), rate, now());
    if (waitMs > 0) await pause(waitMs, 'quota');
    const chunk = lines.slice(done, done + size);
    let got = 0;
    try {
      stats.requests++;
      const onHeaders = (/** @type {{get(name: string): string | null}} */ h) => { rate = rateStateFrom(h, now()) ?? rate; };
      for await (const r of stream(chunk, { signal, onHeaders })) {
        onResult(r);
        got++;
      }
      done += got;
      // A stream that ended early (a proxy cut it) is not a rate-limit matter: say so rather than loop.
      if (got < chunk.length) throw new Error(`The server sent ${got} of ${chunk.length} results; the batch stopped there.`);
    } catch (err) {
      const e = /** @type {any} */ (err);
      if (got > 0 || e?.code !== 'rate_limited') throw err;
      rate = e.rateLimit ?? rate;
      if (rate && chunk.length > rate.quota) continue; // too large for the quota: the next chunk is smaller
      if (!rate) cap = Math.max(1, Math.floor(chunk.length / 2));
      const retryMs = (e.retryAfter ?? 1) * 1000 + WAIT_MARGIN_MS;
      await pause(retryMs, 'retry');
      // The bucket refilled while we waited: forget the stale count, ask again.
      if (rate) rate = { ...rate, remaining: Math.min(rate.quota, chunk.length), at: now() };
    }
  }
  return stats;
}
