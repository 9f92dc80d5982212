import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { signRequest } from '../../src/auth/sign.js';
import { CONSOLE_CSP, consoleStatic, resolveConsolePath } from '../../src/operator/console-static.js';
import { instanceEventsRoute } from '../../src/operator/instance-events-route.js';
import { type Credentials, REGION, type TestHarness, createHarness, errorOf } from '../helpers/harness.js';
import { createIds, settleAll, spec } from '../helpers/instances.js';

function consoleRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-console-'));
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>edcps console</title>');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  fs.writeFileSync(path.join(os.tmpdir(), 'edcps-console-secret.txt'), 'outside the root');
  return root;
}

async function staticApp(root: string): Promise<FastifyInstance> {
  const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
  consoleStatic(root)(app);
  await app.ready();
  return app;
}

describe('console static files', () => {
  let root: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    root = consoleRoot();
    app = await staticApp(root);
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('answers index.html for the console and its client routes, never cached, with the strict CSP', async () => {
    for (const url of ['/console/', '/console/instances', '/console/instances/edcps-abc']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('edcps console');
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
    const csp = CONSOLE_CSP;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('serves hashed assets with a long cache and their content type', async () => {
    const res = await app.inject({ url: '/console/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toContain('immutable');
    const svg = await app.inject({ url: '/console/favicon.svg' });
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.headers['cache-control']).toBe('no-cache');
  });

  it('redirects / and /console to /console/', async () => {
    expect((await app.inject({ url: '/' })).headers.location).toBe('/console/');
    expect((await app.inject({ url: '/console' })).headers.location).toBe('/console/');
  });

  it('answers a missing asset with the 404 envelope, and never leaves the root', async () => {
    const missing = await app.inject({ url: '/console/assets/nope.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.status).toBe('NOT_FOUND');
    for (const url of [
      '/console/../edcps-console-secret.txt',
      '/console/%2e%2e/edcps-console-secret.txt',
      '/console/assets/..%2f..%2fedcps-console-secret.txt',
      '/console/..%5cedcps-console-secret.txt',
    ]) {
      const res = await app.inject({ url });
      expect(res.body, url).not.toContain('outside the root');
    }
    expect(resolveConsolePath(root, '../x.txt')).toBeNull();
    expect(resolveConsolePath(root, 'a/../../x.txt')).toBeNull();
    expect(resolveConsolePath(root, 'a\0.js')).toBeNull();
    expect(resolveConsolePath(root, 'assets/index-abc123.js')).toBe(
      path.join(root, 'assets', 'index-abc123.js'),
    );
  });

  it('says how to build the console when it has not been built', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-console-empty-'));
    const bare = await staticApp(empty);
    try {
      const res = await bare.inject({ url: '/console/' });
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('npm run build');
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    } finally {
      await bare.close();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('GET /edcps/v1/regions/{regionId}/instances/{instanceId}/events', () => {
  let h: TestHarness;
  let app: FastifyInstance;
  let other: Credentials;
  let instanceId: string;
  beforeAll(async () => {
    h = await createHarness();
    app = await buildApp({
      services: h.runtime.services,
      logger: pino({ level: 'silent' }),
      signatureWindowSeconds: h.config.signatureWindowSeconds,
      bodyLimit: h.config.bodyLimit,
      now: () => Date.now(),
      extensions: [instanceEventsRoute(h.runtime)],
    });
    await app.ready();
    other = await h.newAccount();
    [instanceId] = (await createIds(h, spec())) as [string];
    await settleAll(h);
  });
  afterAll(async () => {
    await app.close();
    await h.close();
  });

  const get = (id: string, as: Credentials, region = REGION) => {
    const url = `/edcps/v1/regions/${region}/instances/${id}/events`;
    const headers = signRequest({
      method: 'GET',
      host: 'localhost',
      path: url,
      query: '',
      body: '',
      region,
      ...as,
    });
    return app.inject({ method: 'GET', url, headers });
  };

  it("answers the caller's own instance's timeline, oldest first", async () => {
    const res = await get(instanceId, h.credentials);
    expect(res.statusCode).toBe(200);
    const { result } = res.json() as {
      result: { instanceId: string; events: { to: string; time: string }[]; totalCount: number };
    };
    expect(result.instanceId).toBe(instanceId);
    expect(result.totalCount).toBe(result.events.length);
    expect(result.events.map((e) => e.to)).toContain('running');
    const times = result.events.map((e) => e.time);
    expect([...times].sort()).toEqual(times);
  });

  it("answers 404 for another account's instance, an unknown one, and another region", async () => {
    for (const res of [await get(instanceId, other), await get('edcps-nope', h.credentials)]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().error.status).toBe('NOT_FOUND');
    }
    const elsewhere = await get(instanceId, h.credentials, 'cn-north-1');
    expect(elsewhere.statusCode).toBeGreaterThanOrEqual(400);
    expect(elsewhere.statusCode).toBeLessThan(500);
  });

  it('refuses an unsigned request with 401', async () => {
    const res = await app.inject({ url: `/edcps/v1/regions/${REGION}/instances/${instanceId}/events` });
    expect(res.statusCode).toBe(401);
    expect(errorOf({ statusCode: res.statusCode, body: res.json(), raw: res }).status).toBe(
      'UNAUTHENTICATED',
    );
  });
});
