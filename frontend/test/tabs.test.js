import { test } from 'node:test';
import assert from 'node:assert/strict';
import { viewFromHash } from '../js/views/tabs.js';

test('the hash picks the view; anything else is the decode view', () => {
  assert.equal(viewFromHash('#batch'), 'batch');
  assert.equal(viewFromHash('#stats'), 'stats');
  assert.equal(viewFromHash(''), 'decode');
  assert.equal(viewFromHash('#nonsense'), 'decode');
});
