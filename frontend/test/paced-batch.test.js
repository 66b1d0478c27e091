import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headerParams, rateStateFrom, estimateRemaining, nextChunk, runPacedBatch, MAX_CHUNK } from '../js/lib/paced-batch.js';
import { ApiError, errorFromResponse } from '../js/lib/api.js';

const headers = (/** @type {Record<string, string>} */ h) => ({ get: (/** @type {string} */ k) => h[k.toLowerCase()] ?? null });

test('RateLimit headers are read as the server writes them', () => {
  assert.deepEqual(headerParams('"anon";r=57;t=3'), { r: 57, t: 3 });
  assert.deepEqual(headerParams('"anon";q=120;w=60'), { q: 120, w: 60 });
  assert.deepEqual(headerParams(null), {});
  assert.deepEqual(headerParams('"anon";r=;t=x'), {});
  const st = rateStateFrom(headers({ 'ratelimit-policy': '"anon";q=120;w=60', ratelimit: '"anon";r=57;t=3' }), 1000);
  assert.deepEqual(st, { quota: 120, windowSecs: 60, remaining: 57, at: 1000 });
  assert.equal(rateStateFrom(headers({}), 0), null, 'no headers (cross-origin, not exposed): unknown');
});

test('a 429 carries the rate state and Retry-After', () => {
  const err = errorFromResponse(429, JSON.stringify({ code: 'rate_limited', message: 'm', request_id: 'r' }),
    headers({ 'retry-after': '7', 'ratelimit-policy': '"anon";q=120;w=60', ratelimit: '"anon";r=0;t=60' }));
  assert.equal(err.retryAfter, 7);
  assert.equal(err.rateLimit?.quota, 120);
  assert.equal(err.rateLimit?.remaining, 0);
});

test('the bucket refills evenly over the window, up to the quota', () => {
  const st = { quota: 120, windowSecs: 60, remaining: 0, at: 0 };
  assert.equal(estimateRemaining(st, 0), 0);
  assert.equal(estimateRemaining(st, 10_000), 20);
  assert.equal(estimateRemaining(st, 600_000), 120);
});

test('chunks never exceed the quota and wait only for what is missing', () => {
  assert.deepEqual(nextChunk(1000, null, 0), { size: MAX_CHUNK, waitMs: 0 }, 'unknown quota: a first chunk');
  const full = { quota: 120, windowSecs: 60, remaining: 120, at: 0 };
  assert.deepEqual(nextChunk(1000, full, 0), { size: 120, waitMs: 0 });
  const empty = { ...full, remaining: 0 };
  const next = nextChunk(1000, empty, 0);
  assert.equal(next.size, 20, 'ten seconds of refill');
  assert.ok(next.waitMs >= 10_000 && next.waitMs < 10_500, `${next.waitMs}`);
  assert.deepEqual(nextChunk(5, { ...full, remaining: 5 }, 0), { size: 5, waitMs: 0 }, 'the tail fits');
});

/**
 * A batch endpoint with the server's limiter: a GCRA bucket of `quota` cells refilled over 60 s on a fake clock;
 * a request larger than the quota, or than what the bucket holds, is a 429 with the server's headers.
 */
function fakeServer(quota) {
  const clock = { now: 0 };
  let tat = 0; // theoretical arrival time (ms) of the GCRA
  const interval = 60_000 / quota;
  const log = /** @type {{size: number, at: number, ok: boolean}[]} */ ([]);
  const remainingAt = (/** @type {number} */ t) => Math.floor((quota * interval - Math.max(0, tat - t)) / interval);
  const hdrs = () => headers({ 'ratelimit-policy': `"anon";q=${quota};w=60`, ratelimit: `"anon";r=${remainingAt(clock.now)};t=1` });
  /** @type {import('../js/lib/paced-batch.js').PacedBatchOptions['stream']} */
  const stream = async function* (lines, { onHeaders }) {
    const t = clock.now;
    const cost = lines.length;
    const newTat = Math.max(tat, t) + cost * interval;
    const fits = cost <= quota && newTat - t <= quota * interval;
    log.push({ size: cost, at: t, ok: fits });
    if (!fits) {
      const retry = cost > quota ? 60 : Math.ceil((newTat - t - quota * interval) / 1000);
      throw errorFromResponse(429, JSON.stringify({ code: 'rate_limited', message: 'slow down' }), {
        get: (k) => (k.toLowerCase() === 'retry-after' ? String(retry) : hdrs().get(k)),
      });
    }
    tat = newTat;
    onHeaders(hdrs());
    for (const l of lines) yield { input: l };
  };
  const sleepFn = async (/** @type {number} */ ms) => { clock.now += ms; };
  return { clock, log, stream, sleepFn };
}

test('500 VINs against a quota of 120: every result once, in order, paced by the headers', async () => {
  const server = fakeServer(120);
  const lines = Array.from({ length: 500 }, (_, i) => `VIN${i}`);
  const got = /** @type {string[]} */ ([]);
  const waits = /** @type {string[]} */ ([]);
  const stats = await runPacedBatch({
    lines, stream: server.stream, onResult: (r) => got.push(r.input), onWait: (_ms, reason) => waits.push(reason),
    now: () => server.clock.now, sleepFn: server.sleepFn,
  });
  assert.deepEqual(got, lines);
  const refused = server.log.filter((r) => !r.ok);
  // Only the first chunk, sent before the quota is known, may be refused (it is larger than the quota).
  assert.ok(refused.length <= 1 && refused.every((r) => r.size > 120), JSON.stringify(refused));
  assert.ok(server.log.filter((r) => r.ok).every((r) => r.size <= 120));
  assert.ok(waits.length > 0 && waits.every((w) => w === 'quota'), waits.join());
  // 120 at once, the other 380 at 2 a second: about 190 s; the pacing should not add much.
  assert.ok(server.clock.now >= 189_000 && server.clock.now < 200_000, `${server.clock.now} ms`);
  assert.equal(stats.requests, server.log.length);
});

test('a 429 despite the estimate (another tab) waits for Retry-After and resends the same chunk', async () => {
  const server = fakeServer(450);
  const lines = Array.from({ length: 300 }, (_, i) => `VIN${i}`);
  // Another client of the same quota spends 400 cells before we start.
  for await (const _ of server.stream(Array(400).fill('x'), { onHeaders: () => {} }));
  const got = /** @type {string[]} */ ([]);
  const reasons = /** @type {string[]} */ ([]);
  await runPacedBatch({
    lines, stream: server.stream, onResult: (r) => got.push(r.input), onWait: (_ms, reason) => reasons.push(reason),
    now: () => server.clock.now, sleepFn: server.sleepFn,
  });
  assert.deepEqual(got, lines);
  assert.ok(reasons.includes('retry'), reasons.join());
});

test('without readable headers a refused chunk is halved until it fits', async () => {
  const server = fakeServer(100);
  const hidden = /** @type {typeof server.stream} */ (async function* (l, o) {
    try {
      yield* server.stream(l, { ...o, onHeaders: () => {} });
    } catch (err) {
      const e = /** @type {ApiError} */ (err);
      throw new ApiError({ code: e.code, message: e.message, status: 429, retryAfter: 1 });
    }
  });
  const lines = Array.from({ length: 220 }, (_, i) => `VIN${i}`);
  const got = /** @type {string[]} */ ([]);
  await runPacedBatch({ lines, stream: hidden, onResult: (r) => got.push(r.input), now: () => server.clock.now, sleepFn: server.sleepFn });
  assert.deepEqual(got, lines);
});

test('a cancelled wait stops the batch', async () => {
  const controller = new AbortController();
  const server = fakeServer(10);
  const lines = Array.from({ length: 50 }, (_, i) => `VIN${i}`);
  let results = 0;
  await assert.rejects(runPacedBatch({
    lines, stream: server.stream, signal: controller.signal,
    onResult: () => { results++; },
    onWait: () => controller.abort(new ApiError({ code: 'aborted', message: 'Cancelled.' })),
    now: () => server.clock.now,
  }), (err) => /** @type {any} */ (err).code === 'aborted');
  assert.equal(results, 10);
});
