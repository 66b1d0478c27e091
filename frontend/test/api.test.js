import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApi, errorFromResponse, joinUrl, ApiError } from '../js/lib/api.js';

const headers = (/** @type {Record<string, string>} */ h = {}) => new Headers(h);

test('the error envelope becomes the message; request id kept', () => {
  const err = errorFromResponse(400, '{"code":"invalid_vin","message":"VIN contains O at 9","request_id":"r1"}', headers());
  assert.equal(err.code, 'invalid_vin');
  assert.equal(err.message, 'VIN contains O at 9');
  assert.equal(err.requestId, 'r1');
  assert.equal(err.status, 400);
});

test('no envelope: a message from the status; 429 mentions Retry-After', () => {
  const e502 = errorFromResponse(502, '<html>Bad gateway</html>', headers({ 'x-request-id': 'abc' }));
  assert.equal(e502.code, 'internal');
  assert.match(e502.message, /server had a problem/);
  assert.equal(e502.requestId, 'abc');
  const e429 = errorFromResponse(429, '{"code":"rate_limited","message":"Slow down.","request_id":"x"}', headers({ 'retry-after': '7' }));
  assert.equal(e429.retryAfter, 7);
  assert.equal(e429.message, 'Slow down. (retry in 7 s)');
  assert.equal(errorFromResponse(418, '', headers()).code, 'http_418');
});

test('joinUrl handles same origin, trailing slashes and a path prefix', () => {
  assert.equal(joinUrl('', '/api/v1/meta'), '/api/v1/meta');
  assert.equal(joinUrl('https://api.example.com/', '/api/v1/meta'), 'https://api.example.com/api/v1/meta');
  assert.equal(joinUrl('https://x.dev/vinbot//', '/api/v1/meta'), 'https://x.dev/vinbot/api/v1/meta');
});

test('decodeVin calls the v1 route with the VIN encoded, and returns the JSON', async () => {
  /** @type {string[]} */
  const urls = [];
  const api = createApi({
    baseUrl: 'https://api.test',
    fetchImpl: async (url) => { urls.push(String(url)); return new Response('{"vin":"X"}', { status: 200 }); },
  });
  assert.deepEqual(await api.decodeVin('1HG CM8*', { modelYear: 2003 }), { vin: 'X' });
  assert.deepEqual(urls, ['https://api.test/api/v1/vins/1HG%20CM8*?model_year=2003']);
});

test('a non-2xx answer throws ApiError with the envelope message', async () => {
  const api = createApi({ fetchImpl: async () => new Response('{"code":"not_found","message":"No such WMI","request_id":"q"}', { status: 404 }) });
  await assert.rejects(api.getJson('/api/v1/wmis/ZZZ'), (err) => err instanceof ApiError && err.code === 'not_found' && err.message === 'No such WMI');
});

test('network failure and timeout have their own codes and readable messages', async () => {
  const down = createApi({ baseUrl: 'https://api.test', fetchImpl: async () => { throw new TypeError('Failed to fetch'); } });
  await assert.rejects(down.stats(), (err) => err instanceof ApiError && err.code === 'network' && /Cannot reach the vinbot API at https:\/\/api.test/.test(err.message));
  const slow = createApi({
    timeoutMs: 20,
    fetchImpl: (_url, init) => new Promise((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    }),
  });
  await assert.rejects(slow.meta(), (err) => err instanceof ApiError && err.code === 'timeout');
});

test('batchStream posts text/plain one VIN a line, asks for NDJSON, yields results in order', async () => {
  /** @type {RequestInit | undefined} */
  let seen;
  const api = createApi({
    fetchImpl: async (_url, init) => {
      seen = init;
      return new Response('{"vin":"A"}\n{"vin":"B"}\n', { status: 200, headers: { 'content-type': 'application/x-ndjson' } });
    },
  });
  const out = [];
  for await (const r of api.batchStream(['A', 'B,2003'])) out.push(r);
  assert.deepEqual(out, [{ vin: 'A' }, { vin: 'B' }]);
  assert.equal(seen?.method, 'POST');
  assert.equal(seen?.body, 'A\nB,2003\n');
  const h = /** @type {Record<string, string>} */ (seen?.headers);
  assert.equal(h.Accept, 'application/x-ndjson');
  assert.match(h['Content-Type'], /^text\/plain/);
});

test('same-origin requests say they come from the web page; cross-origin ones do not (no preflight)', async () => {
  /** @type {Array<Record<string, string>>} */
  const seen = [];
  const fetchImpl = async (/** @type {string} */ _url, /** @type {RequestInit} */ init) => {
    seen.push(/** @type {Record<string, string>} */ (init.headers));
    return new Response('{"service":"vinbot"}', { status: 200, headers: { 'content-type': 'application/json' } });
  };
  await createApi({ baseUrl: '', fetchImpl }).meta();
  await createApi({ baseUrl: 'https://api.example.test', fetchImpl }).meta();
  assert.equal(seen[0]['X-Vinbot-Client'], 'web');
  assert.equal(seen[1]['X-Vinbot-Client'], undefined);
});
