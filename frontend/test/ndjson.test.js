import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readNdjson } from '../js/lib/ndjson.js';

/** A byte stream delivering the given chunks one by one. */
function streamOf(/** @type {(string | Uint8Array)[]} */ chunks) {
  const enc = new TextEncoder();
  let cancelled = false;
  const stream = new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(typeof next === 'string' ? enc.encode(next) : next);
    },
    cancel() { cancelled = true; },
  });
  return { stream, wasCancelled: () => cancelled };
}

async function collect(/** @type {ReadableStream<Uint8Array>} */ stream) {
  const out = [];
  for await (const v of readNdjson(stream)) out.push(v);
  return out;
}

test('objects split across chunks, CRLF, blank lines and a last line without newline', async () => {
  const { stream } = streamOf(['{"a":1}\n{"b"', ':2}\r\n\n', '{"c":', '3}']);
  assert.deepEqual(await collect(stream), [{ a: 1 }, { b: 2 }, { c: 3 }]);
});

test('a multi-byte character split between chunks survives', async () => {
  const bytes = new TextEncoder().encode('{"m":"CITROËN"}\n');
  const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of Ë
  const { stream } = streamOf([bytes.slice(0, cut), bytes.slice(cut)]);
  assert.deepEqual(await collect(stream), [{ m: 'CITROËN' }]);
});

test('a line that is not JSON throws with its line number', async () => {
  const { stream } = streamOf(['{"a":1}\n', 'oops\n']);
  await assert.rejects(collect(stream), /line 2 is not JSON/);
});

test('stopping early cancels the underlying stream', async () => {
  const { stream, wasCancelled } = streamOf(['{"a":1}\n', '{"a":2}\n', '{"a":3}\n']);
  for await (const v of readNdjson(stream)) { assert.deepEqual(v, { a: 1 }); break; }
  assert.equal(wasCancelled(), true);
});
