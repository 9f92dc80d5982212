import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import axe from 'axe-core';
import { type Browser, type ConsoleMessage, type Page, chromium } from 'playwright-core';
import { expect } from 'vitest';
import { freePort, spawnServer, type ServerProcess } from '../helpers/spawn-server.js';

/**
 * The console's browser tests: a real `edcps serve` (the built package, dist/ and dist/console) in
 * its own process, driven through Debian's Chromium by playwright-core (no browser download).
 */
export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Without Chromium the browser suites skip (with this reason); CI installs it (.ci/run). */
export const NO_CHROMIUM = fs.existsSync(CHROMIUM)
  ? undefined
  : `console browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
if (NO_CHROMIUM) process.stderr.write(`${NO_CHROMIUM}\n`);

/** Screenshots for docs/images/ are written only when EDCPS_SCREENSHOTS=1 (fixed names, fixed viewport). */
export const SCREENSHOTS = process.env.EDCPS_SCREENSHOTS === '1';
export const VIEWPORT = { width: 1280, height: 800 } as const;
const run = promisify(execFile);

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * dist/console as `npm run build` makes it: built now when missing or older than console/
 * (global-setup builds only the server). Vite alone, so a server type error elsewhere cannot
 * block it.
 */
export function ensureConsoleBuilt(): void {
  const index = path.join(ROOT, 'dist/console/index.html');
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= newestMtime(path.join(ROOT, 'console'))) return;
  execFileSync('npx', ['vite', 'build', '--config', 'console/vite.config.ts', '--logLevel', 'error'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export interface ConsoleServer {
  readonly url: string;
  readonly dataDir: string;
  /** Account `ops`, an operator (`edcps accounts create ops --operator`). */
  readonly operator: Credentials;
  /** Account `alice`, a plain user. */
  readonly user: Credentials;
  /** `edcps …` (the built CLI) against this server's data directory; resolves to stdout. */
  cli(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** The default account's key (the server's own); the flows use the accounts made below. */
const DEFAULT_KEY: Credentials = {
  accessKeyId: 'CONSOLEDEFAULT01',
  secretAccessKey: 'console-default-secret',
};

/** Starts `edcps serve` on a fresh SQLite data directory with a user and an operator account. */
export async function startConsoleServer(opts: { timeScale: number; env?: Record<string, string> }) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-console-'));
  const port = await freePort();
  const env: Record<string, string> = {
    EDCPS_DATA_DIR: dataDir,
    EDCPS_DATABASE_URL: `sqlite:${path.join(dataDir, 'edcps.db')}`,
    EDCPS_ACCESS_KEY_ID: DEFAULT_KEY.accessKeyId,
    EDCPS_SECRET_ACCESS_KEY: DEFAULT_KEY.secretAccessKey,
    EDCPS_MASTER_KEY: '22'.repeat(32),
    EDCPS_TIME_SCALE: String(opts.timeScale),
    ...opts.env,
  };
  let proc: ServerProcess;
  try {
    proc = await spawnServer(port, env);
  } catch (e) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const cli = async (args: string[]): Promise<string> => {
    const { stdout } = await run(process.execPath, [path.join(ROOT, 'bin/edcps.js'), ...args], {
      cwd: ROOT,
      // Local mode (the data directory), as an operator on the server's machine runs it.
      env: { ...process.env, ...env, EDCPS_LOG_LEVEL: 'warn' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  };
  const created = async (name: string, extra: string[]): Promise<Credentials> => {
    const c = JSON.parse(await cli(['accounts', 'create', name, ...extra, '--json'])) as Credentials;
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
  };
  let operator: Credentials;
  let user: Credentials;
  try {
    [operator, user] = [await created('ops', ['--operator']), await created('alice', [])];
  } catch (e) {
    await proc.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const server: ConsoleServer = {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    operator,
    user,
    cli,
    async stop() {
      await proc.kill();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/**
 * Everything the page reported as an error: uncaught exceptions, console.error calls, CSP
 * violations. Chromium's own "Failed to load resource: … status of 4xx/5xx" network lines are
 * not script errors (a refused API call is an expected answer the page must show) and are kept
 * apart in `network`.
 */
export interface PageWatch {
  readonly errors: string[];
  readonly network: string[];
}

export function watch(page: Page): PageWatch {
  const w: PageWatch = { errors: [], network: [] };
  page.on('pageerror', (err) => w.errors.push(`pageerror: ${err.stack ?? err.message}`));
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (/^Failed to load resource: the server responded with a status of \d{3}/.test(text))
      w.network.push(`${text} (${msg.location().url})`);
    else w.errors.push(`console.error: ${text}`);
  });
  return w;
}

export function expectNoPageErrors(w: PageWatch): void {
  expect(w.errors, 'errors in the browser console').toEqual([]);
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * axe-core on the page as it is now: injected with evaluate (not a script tag, which the page's
 * CSP would refuse); fails on serious and critical violations, printing each with its targets.
 * `include`: a CSS selector to check only that part of the page.
 */
export async function expectAccessible(page: Page, label: string, include?: string): Promise<void> {
  const has = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe !== 'undefined');
  if (!has) await page.evaluate(axe.source);
  const violations = await page.evaluate(async (selector) => {
    const a = (globalThis as unknown as { axe: typeof axe }).axe;
    const context = selector ? { include: [selector] } : { exclude: [] };
    const r = await a.run(context, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String), failureSummary: n.failureSummary })),
    }));
  }, include);
  const bad = (violations as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map(
    (v) =>
      `${label}: [${v.impact}] ${v.id}: ${v.help}\n` +
      v.nodes
        .slice(0, 5)
        .map((n) => `    ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\n/g, ' ')}`)
        .join('\n'),
  );
  expect(report, `axe-core serious/critical violations on ${label}`).toEqual([]);
}

/** docs/images/<name>.png at the fixed viewport, when EDCPS_SCREENSHOTS=1. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  const dir = path.join(ROOT, 'docs/images');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), animations: 'disabled', caret: 'hide' });
}
