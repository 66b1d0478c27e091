import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addRecent, loadRecent, saveRecent, RECENT_KEY } from '../js/lib/recent.js';

const entry = (/** @type {string} */ vin, at = 1) => ({ vin, title: `t ${vin}`, clean: true, at });

test('newest first, no duplicates, bounded', () => {
  let list = [];
  for (let i = 0; i < 12; i++) list = addRecent(list, entry(`V${i}`, i));
  assert.equal(list.length, 10);
  assert.equal(list[0].vin, 'V11');
  list = addRecent(list, entry('V5', 99));
  assert.equal(list[0].vin, 'V5');
  assert.equal(list.filter((e) => e.vin === 'V5').length, 1);
});

test('load/save through a storage; broken or blocked storage gives an empty list, never throws', () => {
  /** @type {Record<string, string>} */
  const data = {};
  const storage = { getItem: (/** @type {string} */ k) => data[k] ?? null, setItem: (/** @type {string} */ k, /** @type {string} */ v) => { data[k] = v; } };
  assert.equal(saveRecent(storage, [entry('A')]), true);
  assert.deepEqual(loadRecent(storage), [entry('A')]);
  data[RECENT_KEY] = '{not json';
  assert.deepEqual(loadRecent(storage), []);
  data[RECENT_KEY] = '[{"vin":1}]';
  assert.deepEqual(loadRecent(storage), []);
  const blocked = { getItem() { throw new Error('denied'); }, setItem() { throw new Error('quota'); } };
  assert.deepEqual(loadRecent(blocked), []);
  assert.equal(saveRecent(blocked, [entry('A')]), false);
  assert.deepEqual(loadRecent(null), []);
});
