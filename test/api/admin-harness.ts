import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { registerAdminRoutes } from '../../src/admin/admin-routes.js';
import { signRequest } from '../../src/auth/sign.js';
import { faultHook } from '../../src/operator/extensions.js';
import { registerOpenApi } from '../../src/operator/openapi.js';
import type { Runtime } from '../../src/runtime.js';
import { diffSnapshots, snapshotDb } from '../fuzz/support/db-snapshot.js';
import { type ApiResponse, type Credentials, createHarness, encodeQuery } from '../helpers/harness.js';

export type { Credentials };

export interface AdminCall {
  query?: Record<string, string | number | boolean>;
  /** Object (serialised) or raw string body. */
  body?: unknown;
  /** Sign as this key (default: the operator's); `null`: send unsigned. */
  as?: Credentials | null;
}

/** A parsed JD envelope plus the raw response (the operator API answers in the JD envelope). */
export type AdminResponse = ApiResponse;

/** One refusal: what to send, then the HTTP code, status and message expected. */
export type Refusal<I> = [input: I, code: number, status: string, message: RegExp | string];

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
  /** Asserts `send()` answers `code status message` (as expectError) and changes no table. */
  refused(
    send: () => Promise<AdminResponse>,
    code: number,
    status: string,
    message: RegExp | string,
  ): Promise<void>;
  /** `refused` for each row, sending `send(input)`: one request shape, many bad inputs. */
  refusesAll<I>(send: (input: I) => Promise<AdminResponse>, rows: Refusal<I>[]): Promise<void>;
  close(): Promise<void>;
}

export async function createAdminHarness(env: Record<string, string> = {}): Promise<AdminHarness> {
  const base = await createHarness({
    env,
    extensions: (runtime) => [(a) => registerOpenApi(a, 'test'), (a) => registerAdminRoutes(a, runtime)],
    beforeOperation: faultHook,
  });
  const { runtime, app } = base;
  const op = await runtime.services.accounts.createAccount('ops', { role: 'operator' });
  const def = await runtime.services.accounts.describeAccount('default');
  const operator = {
    accountId: op.accountId,
    accessKeyId: op.accessKeyId,
    secretAccessKey: op.secretAccessKey,
  };
  const user = { accountId: def.accountId, ...base.credentials };

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

  async function refused(
    send: () => Promise<AdminResponse>,
    code: number,
    status: string,
    message: RegExp | string,
  ): Promise<void> {
    const before = await snapshotDb(runtime.store);
    expectError(await send(), code, status, message);
    expect(diffSnapshots(before, await snapshotDb(runtime.store))).toEqual([]);
  }

  return {
    runtime,
    app,
    operator,
    user,
    call,
    inject: base.inject,
    refused,
    async refusesAll(send, rows) {
      for (const [input, code, status, message] of rows)
        await refused(() => send(input), code, status, message);
    },
    close: base.close,
  };
}

/**
 * Opens an admin harness before the enclosing suite's tests and closes it after them. The
 * object is returned at once (so tests can close over it) and filled in by `beforeAll`.
 */
export function useAdminHarness(env: Record<string, string> = {}): AdminHarness {
  const h = {} as AdminHarness;
  beforeAll(async () => {
    Object.assign(h, await createAdminHarness(env));
  });
  afterAll(() => h.close());
  return h;
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
