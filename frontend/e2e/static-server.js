// A tiny loopback static file server for the e2e tests: serves frontend/ from a second origin (the way
// Vercel does, with a generated config.js), so cross-origin calls and CORS are exercised for real.

import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const TYPES = /** @type {Record<string, string>} */ ({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
});

/**
 * Start a server on 127.0.0.1 and an OS-chosen port.
 * @param {object} opts
 * @param {string} opts.root directory to serve
 * @param {(path: string) => string | undefined} [opts.override] body to serve instead of a file (e.g. for '/config.js')
 * @param {(html: string) => string} [opts.transformHtml] applied to index.html
 * @returns {Promise<{origin: string, close: () => Promise<void>}>}
 */
export async function startStaticServer({ root, override = () => undefined, transformHtml = (x) => x }) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const rel = url.pathname === '/' ? '/index.html' : decodeURIComponent(url.pathname);
    const type = TYPES[path.extname(rel)] ?? 'application/octet-stream';
    const replacement = override(rel);
    if (replacement !== undefined) {
      res.writeHead(200, { 'content-type': type });
      res.end(replacement);
      return;
    }
    const file = path.join(root, rel);
    if (!file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      let body = await readFile(file);
      if (rel === '/index.html') body = Buffer.from(transformHtml(body.toString('utf8')));
      res.writeHead(200, { 'content-type': type, 'x-content-type-options': 'nosniff' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
