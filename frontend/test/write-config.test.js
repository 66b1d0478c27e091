import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parseApiBase, renderConfig, addConnectSrc } from '../scripts/write-config.js';

test('API_BASE_URL: empty is same origin; https kept without trailing slash; http only on loopback', () => {
  assert.equal(parseApiBase(undefined), '');
  assert.equal(parseApiBase('  '), '');
  assert.equal(parseApiBase('https://vinbot.fly.dev/'), 'https://vinbot.fly.dev');
  assert.equal(parseApiBase('https://api.example.com/vinbot//'), 'https://api.example.com/vinbot');
  assert.equal(parseApiBase('http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
  assert.throws(() => parseApiBase('http://vinbot.fly.dev'), /https/);
  assert.throws(() => parseApiBase('vinbot.fly.dev'), /not a URL/);
  assert.throws(() => parseApiBase('https://x.dev/?a=1'), /query/);
  assert.throws(() => parseApiBase('javascript:alert(1)'), /https/);
});

test('config.js is an ES module exporting the base as a JSON string', () => {
  assert.equal(renderConfig('https://a.dev').split('\n')[1], 'export const API_BASE_URL = "https://a.dev";');
  assert.match(renderConfig(''), /API_BASE_URL = "";/);
});

test('the real index.html gets the API origin added to connect-src, once', async () => {
  const html = await readFile(new URL('../index.html', import.meta.url), 'utf8');
  const once = addConnectSrc(html, 'https://vinbot.fly.dev/api-prefix');
  assert.match(once, /content="connect-src 'self' https:\/\/vinbot\.fly\.dev"/);
  assert.equal(addConnectSrc(once, 'https://vinbot.fly.dev'), once);
  assert.equal(addConnectSrc(html, ''), html);
  assert.throws(() => addConnectSrc('<html></html>', 'https://a.dev'), /no CSP meta/);
});
