import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { expect } from 'vitest';
import { registerAdminRoutes } from '../../src/admin/admin-routes.js';
import { buildApp } from '../../src/app.js';
import { signRequest } from '../../src/auth/sign.js';
import { loadConfig } from '../../src/config.js';
import { faultHook } from '../../src/operator/extensions.js';
import { registerOpenApi } from '../../src/operator/openapi.js';
import { type Runtime, openRuntime } from '../../src/runtime.js';
import { type TestDatabase, createTestDatabase } from '../helpers/databases.js';
import { encodeQuery } from '../helpers/harness.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface AdminCall {
  query?: Record<string, string | number | boolean>;
  /** Object (serialised) or raw string body. */
  body?: unknown;
  /** Sign as this key (default: the operator's); `null`: send unsigned. */
  as?: Credentials | null;
}

export interface AdminResponse {
  statusCode: number;
  body: {
    requestId: string;
    result?: Record<string, unknown>;
    error?: { code: number; status: string; message: string };
  };
  raw: LightMyRequestResponse;
}

/**
 * A server with the JD API, the operator API and the OpenAPI document, on a fresh database
 * (SQLite, or PostgreSQL under EDCPS_TEST_PG_URL). `operator` is an operator account's key;
 * `user` the default account's (a user).
 */
export interface AdminHarness {
  runtime: Runtime;
  app: FastifyInstance;
  operator: Credentials & { accountId: string };
  user: Credentials & { accountId: string };
  /** A signed call; `path` is the whole path as sent (`/admin/v1/...`, `/v1/...`). */
  call(method: string, path: string, opts?: AdminCall): Promise<AdminResponse>;
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function createAdminHarness(env: Record<string, string> = {}): Promise<AdminHarness> {
  const db: TestDatabase = await createTestDatabase();
  const config = loadConfig({
    EDCPS_DATA_DIR: db.dataDir,
    EDCPS_DATABASE_URL: db.url,
    EDCPS_ACCESS_KEY_ID: 'TESTACCESSKEY',
    EDCPS_SECRET_ACCESS_KEY: 'test-secret-access-key',
    EDCPS_TIME_SCALE: '0',
    EDCPS_LOG_LEVEL: 'silent',
    ...env,
  });
  const log = pino({ level: 'silent' });
  const runtime = await openRuntime(config, { log });
  const app = await buildApp({
    services: runtime.services,
    logger: log,
    signatureWindowSeconds: config.signatureWindowSeconds,
    bodyLimit: config.bodyLimit,
    now: () => Date.now(),
    extensions: [(a) => registerOpenApi(a, 'test'), (a) => registerAdminRoutes(a, runtime)],
    beforeOperation: faultHook(runtime),
  });
  await app.ready();
  const op = await runtime.services.accounts.createAccount('ops', { role: 'operator' });
  const def = await runtime.services.accounts.describeAccount('default');
  const operator = {
    accountId: op.accountId,
    accessKeyId: op.accessKeyId,
    secretAccessKey: op.secretAccessKey,
  };
  const user = {
    accountId: def.accountId,
    accessKeyId: 'TESTACCESSKEY',
    secretAccessKey: 'test-secret-access-key',
  };

  async function call(method: string, path: string, o: AdminCall = {}): Promise<AdminResponse> {
    const query = encodeQuery(o.query);
    const body = o.body === undefined ? '' : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    const creds = o.as === undefined ? operator : o.as;
    const headers =
      creds === null
        ? { 'content-type': 'application/json' }
        : signRequest({
            method,
            host: 'localhost',
            path,
            query,
            body,
            accessKeyId: creds.accessKeyId,
            secretAccessKey: creds.secretAccessKey,
            region: 'jdcloud-api',
          });
    const raw = await app.inject({
      method: method as InjectOptions['method'],
      url: query ? `${path}?${query}` : path,
      headers,
      payload: body === '' ? undefined : body,
    });
    return { statusCode: raw.statusCode, body: raw.json(), raw };
  }

  return {
    runtime,
    app,
    operator,
    user,
    call,
    inject: (i) => app.inject(i),
    async close() {
      await app.close();
      await runtime.close();
      await db.drop();
    },
  };
}

/** The result of a successful call (fails the test with the error otherwise). */
export function ok<T = Record<string, unknown>>(res: AdminResponse): T {
  if (res.statusCode !== 200 || res.body.result === undefined) {
    throw new Error(`expected success, got ${res.statusCode} ${JSON.stringify(res.body)}`);
  }
  expect(res.raw.headers['x-jdcloud-request-id']).toBe(res.body.requestId);
  return res.body.result as T;
}

/** Asserts a JD error envelope: HTTP code, status and message. */
export function expectError(
  res: AdminResponse,
  code: number,
  status: string,
  message: RegExp | string,
): void {
  expect(res.statusCode, JSON.stringify(res.body)).toBe(code);
  expect(res.body.error).toBeDefined();
  expect(res.body.error!.code).toBe(code);
  expect(res.body.error!.status).toBe(status);
  if (typeof message === 'string') expect(res.body.error!.message).toContain(message);
  else expect(res.body.error!.message).toMatch(message);
  expect(res.raw.headers['x-jdcloud-request-id']).toBe(res.body.requestId);
}
