// End-to-end harness: starts the real `vinbot serve` on an unused loopback port with its own SQLite
// database, waits for /health/ready, and launches Debian's Chromium through playwright-core.

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

/** @returns {Promise<number>} a port the OS just handed out and released */
export async function freePort() {
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

/**
 * Start `vinbot serve` serving frontend/ at / (FRONTEND_DIR) with CORS for `allowedOrigins`.
 * @param {{allowedOrigins?: string[]}} [opts]
 * @returns {Promise<Backend>}
 */
export async function startBackend({ allowedOrigins = [] } = {}) {
  const bin = process.env.VINBOT_BIN ?? path.resolve(FRONTEND_DIR, '../target/debug/vinbot');
  try {
    await access(bin);
  } catch {
    throw new Error(`vinbot binary not found at ${bin}: build it (cargo build -p vinbot-server) or set VINBOT_BIN`);
  }
  const port = await freePort();
  const metricsPort = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const dataTmp = await mkdtemp(path.join(tmpdir(), 'vinbot-e2e-'));
  let output = '';
  /** @type {NodeJS.ProcessEnv} */
  const env = {
    ...process.env,
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
    FRONTEND_DIR,
    // The page's own origin is listed too: browsers send Origin on same-origin POSTs.
    DASHBOARD_ALLOWED_ORIGINS: [origin, `http://localhost:${port}`, ...allowedOrigins].join(','),
    DATABASE_URL: `sqlite://${path.join(dataTmp, 'e2e.db')}?mode=rwc`,
    RATE_LIMIT_ANON_PER_MINUTE: '100000',
    RATE_LIMIT_KEY_PER_MINUTE: '100000',
    LOG_FORMAT: 'json',
  };
  // Defaults only: no Redis, bot or Sentry from the developer's shell leak into the test server.
  for (const key of ['REDIS_URL', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET', 'SENTRY_DSN']) delete env[key];
  const child = spawn(bin, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
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
  try {
    await poll(async () => {
      if (exited) throw new Error(`vinbot ${exited}:\n${output.slice(-4000)}`);
      const res = await fetch(`${origin}/health/ready`);
      return res.ok;
    }, { timeoutMs: Number(process.env.E2E_READY_TIMEOUT_MS ?? 180_000), what: `${origin}/health/ready` });
  } catch (err) {
    await stop();
    throw new Error(`${/** @type {Error} */ (err).message}\n--- vinbot output ---\n${output.slice(-4000)}`);
  }
  return { origin, logs: () => output, stop };
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
