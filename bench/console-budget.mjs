/* global performance, crypto, setTimeout, URL -- Node 20 globals */
// `node bench/console-budget.mjs` (after `npm run build`; also the last step of `npm run bench`):
// the web console's budgets, measured in Debian's Chromium against a real server.
//
//   1. first load ≤ 300 KB of JavaScript, gzipped: every script the browser fetched to open
//      /console/, sign in and show the first instances page (each body gzipped here at level 6,
//      what a reverse proxy would send);
//   2. sign-in to a first instances page ≤ 1 s with 10,000 instances stored: from the click on
//      "Sign in" to the first instance row visible, in a fresh browser context (cold cache).
//
// The instances are stored through the real path (createInstances, 1,000 a call, quota raised,
// the bench catalog's stock) and provisioned at time scale 0 before anything is measured.
// Environment: CONSOLE_BENCH_INSTANCES (default 10000), CONSOLE_BENCH_RUNS (default 5; the
// figure is the median, every run is printed), CHROMIUM_PATH (default /usr/bin/chromium).
// Exits 1 if a budget fails.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import { apiClient } from './lib/api.mjs';
import { instanceSpec, writeBenchCatalog } from './lib/catalog.mjs';
import { edcpsArgs, freePort, serverEnv, startProcess } from './lib/server.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const INSTANCES = Number(process.env.CONSOLE_BENCH_INSTANCES ?? 10_000);
const RUNS = Number(process.env.CONSOLE_BENCH_RUNS ?? 5);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const JS_BUDGET_BYTES = 300 * 1024;
const SIGN_IN_BUDGET_MS = 1000;
const CHUNK = 1_000;
const creds = { accessKeyId: 'BENCHACCESSKEY', secretAccessKey: 'bench-secret-access-key' };
const log = (msg) => process.stderr.write(`console-bench: ${msg}\n`);

if (!fs.existsSync(CHROMIUM)) {
  log(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH): skipped`);
  process.exit(0);
}
if (!fs.existsSync(path.join(ROOT, 'dist/console/index.html'))) {
  log('dist/console missing: building the console (vite build)');
  execFileSync('npx', ['vite', 'build', '--config', 'console/vite.config.ts', '--logLevel', 'error'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}
const { signRequest } = await import(path.join(ROOT, 'dist/src/auth/sign.js'));
const { loadConfig } = await import(path.join(ROOT, 'dist/src/config.js'));
const { openRuntime } = await import(path.join(ROOT, 'dist/src/runtime.js'));

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-console-bench-'));
const logDir = path.join(ROOT, '.bench-tmp');
fs.mkdirSync(logDir, { recursive: true });
const cat = writeBenchCatalog(ROOT, work, Math.ceil(INSTANCES / 2) + 100);
const port = await freePort();
const env = serverEnv(work, port, creds, { EDCPS_CATALOG: cat.file, EDCPS_LOG_LEVEL: 'warn' });

let server;
let browser;
try {
  // Room for every instance: the default account's quota raised before the server starts.
  const runtime = await openRuntime(loadConfig(env));
  await runtime.services.accounts.setQuota('default', cat.regionId, { instances: 10_000_000 });
  await runtime.close();

  server = await startProcess({ name: 'console-bench', args: edcpsArgs(ROOT), env, port, logDir });
  const call = apiClient(signRequest, server.url, creds, cat.regionId);
  const subnets = [];
  for (const [i, az] of cat.azs.slice(0, 2).entries()) {
    const { vpcId } = await call('PUT', `/regions/${cat.regionId}/vpcs`, {
      body: { vpcSpec: { name: `console-${i}`, cidr: `10.${i}.0.0/16`, description: '' } },
    });
    const { subnetId } = await call('PUT', `/regions/${cat.regionId}/subnets`, {
      body: { subnetSpec: { az, vpcId, cidr: `10.${i}.0.0/16`, name: `console-${i}`, description: '' } },
    });
    subnets.push({ id: subnetId, az });
  }
  const t0 = performance.now();
  for (let done = 0; done < INSTANCES; done += CHUNK) {
    const count = Math.min(CHUNK, INSTANCES - done);
    const subnet = subnets[Math.floor(done / CHUNK) % subnets.length];
    await call('PUT', `/regions/${cat.regionId}/instances`, {
      body: { clientToken: crypto.randomUUID(), instanceSpec: instanceSpec(cat, subnet, count, 'web') },
    });
  }
  const db = new Database(path.join(work, 'edcps.db'), { readonly: true, fileMustExist: true });
  for (;;) {
    const left = db.prepare(`select count(*) as n from instances where status <> 'running'`).get().n;
    if (left === 0) break;
    if (performance.now() - t0 > 1_800_000) throw new Error(`${left} instances still not running`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const stored = db.prepare('select count(*) as n from instances').get().n;
  db.close();
  log(`${stored} instances stored and running in ${Math.round(performance.now() - t0)} ms`);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });

  /** One cold sign-in: JS bytes fetched (raw, gzipped) and ms from the click to the first row. */
  async function measure() {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const scripts = [];
    /** Every request after the click: what the second budget is spent on. */
    const timeline = [];
    let clickedAt = Infinity;
    page.on('requestfinished', (req) => {
      const t = req.timing();
      const startedAt = t.startTime - clickedAt;
      if (startedAt >= -1) {
        const u = new URL(req.url());
        timeline.push({ what: `${req.method()} ${u.pathname}${u.search}`, startedAt, ms: t.responseEnd });
      }
    });
    page.on('response', (res) => {
      const type = res.request().resourceType();
      if (type === 'script' || /\.m?js(\?|$)/.test(res.url())) {
        scripts.push(
          res
            .body()
            .then((b) => ({ url: res.url(), raw: b.length, gzip: zlib.gzipSync(b, { level: 6 }).length })),
        );
      }
    });
    await page.goto(`${server.url}/console/`);
    await page.getByLabel('Access key ID').fill(creds.accessKeyId);
    await page.getByLabel('Secret access key').fill(creds.secretAccessKey);
    const button = page.getByRole('button', { name: 'Sign in' });
    await button.waitFor();
    const start = performance.now();
    clickedAt = await page.evaluate(() => performance.timeOrigin + performance.now());
    await button.click();
    await page
      .getByRole('link', { name: /^edcps-[a-z0-9]+$/ })
      .first()
      .waitFor({ timeout: 30_000 });
    const ms = performance.now() - start;
    await page.waitForLoadState('networkidle');
    const files = await Promise.all(scripts);
    await context.close();
    if (errors.length) throw new Error(`errors in the page: ${errors.join('; ')}`);
    return {
      ms,
      timeline,
      files,
      raw: files.reduce((a, f) => a + f.raw, 0),
      gzip: files.reduce((a, f) => a + f.gzip, 0),
    };
  }

  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await measure();
    runs.push(r);
    log(
      `run ${i + 1}: sign-in to first instances page ${Math.round(r.ms)} ms, JS ${(r.gzip / 1024).toFixed(1)} KB gzipped`,
    );
  }
  const sorted = [...runs].sort((a, b) => a.ms - b.ms);
  const median = sorted[Math.floor(sorted.length / 2)];
  const js = runs[0];
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const jsOk = js.gzip <= JS_BUDGET_BYTES;
  const msOk = median.ms <= SIGN_IN_BUDGET_MS;
  console.log(
    `\nweb console budgets (${stored} instances stored; Chromium ${browser.version()}; ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'})`,
  );
  for (const f of js.files)
    console.log(
      `  ${new URL(f.url).pathname.padEnd(56)} ${kb(f.raw).padStart(10)} raw ${kb(f.gzip).padStart(10)} gzip`,
    );
  console.log(`  requests after the click (median run, ms from the click: start + duration):`);
  for (const t of median.timeline.sort((a, b) => a.startedAt - b.startedAt))
    console.log(
      `    ${String(Math.round(t.startedAt)).padStart(6)} + ${String(Math.round(t.ms)).padStart(5)}  ${t.what}`,
    );
  console.log(
    `${jsOk ? 'PASS' : 'FAIL'}  first load JavaScript: ${kb(js.gzip)} gzipped (${kb(js.raw)} raw, ${js.files.length} files); budget ${kb(JS_BUDGET_BYTES)}`,
  );
  console.log(
    `${msOk ? 'PASS' : 'FAIL'}  sign-in to first instances page: ${Math.round(median.ms)} ms median of ${runs.length} ` +
      `(${runs.map((r) => Math.round(r.ms)).join(', ')} ms); budget ${SIGN_IN_BUDGET_MS} ms`,
  );
  process.exitCode = jsOk && msOk ? 0 : 1;
} finally {
  await browser?.close();
  await server?.stop();
  if (process.env.BENCH_KEEP !== '1') fs.rmSync(work, { recursive: true, force: true });
}
