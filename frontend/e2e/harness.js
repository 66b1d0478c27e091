// End-to-end harness: starts the real `vinbot serve` on port 0 (the OS picks a free port and the server
// keeps it; its address is read from the server's "listening" log line) with its own SQLite database, waits
// for /health/ready, and launches Debian's Chromium through playwright-core.

import { spawn } from 'node:child_process';
import { mkdtemp, rm, access, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const FRONTEND_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUTPUT_DIR = path.join(FRONTEND_DIR, 'test-output');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A port nothing listens on, for a dead address (the API-down test). Never for a server: between release
 * and use another process may take it; servers bind port 0 themselves.
 * @returns {Promise<number>} a port the OS just handed out and released
 */
export async function unusedPort() {
  const srv = net.createServer();
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {net.AddressInfo} */ (srv.address());
  await new Promise((resolve) => srv.close(() => resolve(undefined)));
  return port;
}

/**
 * Retry `check` until it returns a truthy value or the deadline passes. For conditions that have no event
 * to wait on (a server becoming ready, write-behind statistics landing).
 * @template T
 * @param {() => Promise<T>} check
 * @param {{timeoutMs: number, intervalMs?: number, what: string}} opts
 * @returns {Promise<T>}
 */
export async function poll(check, { timeoutMs, intervalMs = 100, what }) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * @typedef {object} Backend
 * @property {string} origin e.g. http://127.0.0.1:41234
 * @property {() => string} logs what the process printed so far
 * @property {() => Promise<void>} stop
 */

/** The server's own log line once it is bound (ours, not poem's line of the metrics listener). */
const LISTENING = { target: 'vinbot_server::startup', message: 'listening' };

/**
 * The bound port from a JSON log line of `vinbot serve`, or null when the line is another one.
 * @param {string} line
 * @returns {number | null}
 */
export function listeningPort(line) {
  /** @type {{target?: unknown, message?: unknown, addr?: unknown}} */
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return null;
  }
  if (entry.target !== LISTENING.target || entry.message !== LISTENING.message || typeof entry.addr !== 'string') return null;
  const port = Number(entry.addr.slice(entry.addr.lastIndexOf(':') + 1));
  return Number.isInteger(port) && port > 0 ? port : null;
}

/**
 * Start `vinbot serve` serving frontend/ at / (FRONTEND_DIR) with CORS for `allowedOrigins`; `env` overrides
 * the test defaults (e.g. a rate limit). The page's own origin needs no listing: the server passes
 * same-origin requests (Origin equal to Host).
 * @param {{allowedOrigins?: string[], env?: Record<string, string>}} [opts]
 * @returns {Promise<Backend>}
 */
export async function startBackend({ allowedOrigins = [], env: overrides = {} } = {}) {
  const bin = process.env.VINBOT_BIN ?? path.resolve(FRONTEND_DIR, '../target/debug/vinbot');
  try {
    await access(bin);
  } catch {
    throw new Error(`vinbot binary not found at ${bin}: build it (cargo build -p vinbot-server) or set VINBOT_BIN`);
  }
  const dataTmp = await mkdtemp(path.join(tmpdir(), 'vinbot-e2e-'));
  let output = '';
  /** @type {NodeJS.ProcessEnv} */
  const env = {
    ...process.env,
    PORT: '0',
    METRICS_PORT: '0',
    FRONTEND_DIR,
    DASHBOARD_ALLOWED_ORIGINS: allowedOrigins.join(','),
    DATABASE_URL: `sqlite://${path.join(dataTmp, 'e2e.db')}?mode=rwc`,
    RATE_LIMIT_ANON_PER_MINUTE: '100000',
    RATE_LIMIT_KEY_PER_MINUTE: '100000',
    // JSON lines: the bound address is read from the "listening" line.
    LOG_FORMAT: 'json',
    RUST_LOG: 'info',
    // The page's statistics tab works without signing in, as with scripts/run.
    STATS_PUBLIC: 'true',
    ...overrides,
  };
  // Defaults only: no Redis, bot or Sentry from the developer's shell leak into the test server.
  for (const key of ['REDIS_URL', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET', 'TELEGRAM_BOT_USERNAME', 'ADMIN_TELEGRAM_IDS', 'SENTRY_DSN']) delete env[key];
  // Overrides win over the clean-up above (tests that turn the bot or sign-in on).
  Object.assign(env, overrides);
  const child = spawn(bin, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  /** @type {(port: number) => void} */
  let bound = () => {};
  /** @type {Promise<number>} */
  const port = new Promise((resolve) => { bound = resolve; });
  let partial = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => {
    output += d;
    const lines = (partial + d).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const p = listeningPort(line);
      if (p !== null) bound(p);
    }
  });
  /** @type {string | null} */
  let exited = null;
  child.on('exit', (code, signal) => { exited = `exited with ${code ?? signal}`; });

  const stop = async () => {
    if (exited === null) {
      const done = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    }
    await rm(dataTmp, { recursive: true, force: true });
  };
  /** @type {number | null} */
  let listening = null;
  port.then((p) => { listening = p; });
  const origin = () => `http://127.0.0.1:${listening}`;
  try {
    await poll(async () => {
      if (exited) throw new Error(`vinbot ${exited}:\n${output.slice(-4000)}`);
      if (listening === null) return false;
      const res = await fetch(`${origin()}/health/ready`);
      return res.ok;
    }, { timeoutMs: Number(process.env.E2E_READY_TIMEOUT_MS ?? 180_000), what: 'vinbot serve to listen and be ready' });
  } catch (err) {
    await stop();
    throw new Error(`${/** @type {Error} */ (err).message}\n--- vinbot output ---\n${output.slice(-4000)}`);
  }
  return { origin: origin(), logs: () => output, stop };
}

/**
 * Launch Chromium headless with an empty profile. Downloads are accepted.
 * @param {{width?: number, height?: number, colorScheme?: 'light' | 'dark'}} [opts]
 */
export async function launchBrowser({ width = 1280, height = 900, colorScheme = 'light' } = {}) {
  const profile = await mkdtemp(path.join(tmpdir(), 'vinbot-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true, // playwright passes --headless
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run',
    ],
    viewport: { width, height },
    colorScheme,
    acceptDownloads: true,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Record uncaught page errors, so each test can assert the page threw none.
 * @param {import('playwright-core').Page} page
 * @returns {string[]}
 */
export function trackPageErrors(page) {
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

/**
 * Save a full-page screenshot under frontend/test-output/.
 * @param {import('playwright-core').Page} page
 * @param {string} name without extension
 */
export async function screenshot(page, name) {
  await mkdir(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT_DIR, `${name}.png`), fullPage: true });
}
