#!/usr/bin/env node
// Vercel build step: write frontend/config.js from API_BASE_URL and add the API origin to the page's
// Content-Security-Policy connect-src (a <meta> in index.html, enforced together with the header CSP from
// vercel.json). Without API_BASE_URL the page stays same-origin. Node built-ins only: Vercel installs nothing.

import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

/**
 * Validate API_BASE_URL: empty (same origin) or an absolute http(s) URL without query or fragment.
 * Plain http is allowed only for loopback (local previews); the deployed page is served over HTTPS.
 * @param {string | undefined} raw
 * @returns {string} normalised base URL without trailing slash, or ''
 */
export function parseApiBase(raw) {
  const value = (raw ?? '').trim();
  if (!value) return '';
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`API_BASE_URL is not a URL: ${JSON.stringify(value)}`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new Error(`API_BASE_URL must use https (http only for localhost): ${value}`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new Error(`API_BASE_URL must not carry a query, fragment or credentials: ${value}`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/**
 * The config module the page imports.
 * @param {string} base
 * @returns {string}
 */
export function renderConfig(base) {
  return `// Written by frontend/scripts/write-config.js at build time. Do not edit.\nexport const API_BASE_URL = ${JSON.stringify(base)};\n`;
}

/**
 * index.html with the API origin added to the CSP meta tag's connect-src.
 * @param {string} html
 * @param {string} base
 * @returns {string}
 */
export function addConnectSrc(html, base) {
  const re = /(<meta http-equiv="Content-Security-Policy" content="connect-src 'self')([^"]*)(")/;
  if (!re.test(html)) throw new Error("index.html has no CSP meta tag with connect-src 'self'");
  if (!base) return html;
  const origin = new URL(base).origin;
  return html.replace(re, (_m, head, rest, tail) => (rest.includes(origin) ? `${head}${rest}${tail}` : `${head} ${origin}${rest}${tail}`));
}

async function main() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const base = parseApiBase(process.env.API_BASE_URL);
  await writeFile(path.join(root, 'config.js'), renderConfig(base));
  const indexPath = path.join(root, 'index.html');
  await writeFile(indexPath, addConnectSrc(await readFile(indexPath, 'utf8'), base));
  console.log(`config.js written: API_BASE_URL=${base || '(same origin)'}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
