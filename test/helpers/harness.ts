import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { type AppOptions, buildApp } from '../../src/app.js';
import { signRequest } from '../../src/auth/sign.js';
import { type Config, loadConfig } from '../../src/config.js';
import type { Clock } from '../../src/domain/clock.js';
import { type Runtime, openRuntime } from '../../src/runtime.js';
import { type TestDatabase, createTestDatabase } from './databases.js';

export const REGION = 'cn-east-tz1';
export const AZ = 'cn-east-tz1a';
export const DEVICE_TYPE = 'edcps.c.normal1';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface ApiCall {
  query?: Record<string, string | number | boolean>;
  /** Object (serialised) or raw string body. */
  body?: unknown;
  /** Sign as another account. */
  as?: Credentials;
  headers?: Record<string, string>;
}

/** A parsed JD envelope plus the raw response. */
export interface ApiResponse {
  statusCode: number;
  body: {
    requestId: string;
    result?: Record<string, unknown>;
    error?: { code: number; status: string; message: string };
  };
  raw: LightMyRequestResponse;
}

export interface TestHarness {
  runtime: Runtime;
  app: FastifyInstance;
  db: TestDatabase;
  config: Config;
  credentials: Credentials;
  /** Signed request through Fastify inject; `path` after /v1, e.g. `/regions/r/instances`. */
  call(method: string, path: string, opts?: ApiCall): Promise<ApiResponse>;
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
  newAccount(name?: string): Promise<Credentials & { accountId: string }>;
  close(): Promise<void>;
}

let accountSeq = 0;

export function encodeQuery(query: Record<string, string | number | boolean> | undefined): string {
  if (!query) return '';
  return Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

export interface HarnessOptions {
  env?: Record<string, string>;
  clock?: Clock;
  log?: pino.Logger;
  /** Extra plugins for the app (e.g. the operator API), made once the runtime is open. */
  extensions?: (runtime: Runtime) => NonNullable<AppOptions['extensions']>;
  /** A hook run before every JD operation (e.g. fault injection), made once the runtime is open. */
  beforeOperation?: (runtime: Runtime) => AppOptions['beforeOperation'];
}

export async function createHarness(opts: HarnessOptions = {}): Promise<TestHarness> {
  const db = await createTestDatabase();
  const config = loadConfig({
    EDCPS_DATA_DIR: db.dataDir,
    EDCPS_DATABASE_URL: db.url,
    EDCPS_ACCESS_KEY_ID: 'TESTACCESSKEY',
    EDCPS_SECRET_ACCESS_KEY: 'test-secret-access-key',
    EDCPS_TIME_SCALE: '0',
    EDCPS_LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const log = opts.log ?? pino({ level: 'silent' });
  const runtime = await openRuntime(config, { log, clock: opts.clock });
  const app = await buildApp({
    services: runtime.services,
    logger: log,
    signatureWindowSeconds: config.signatureWindowSeconds,
    bodyLimit: config.bodyLimit,
    now: () => Date.now(),
    extensions: opts.extensions?.(runtime),
    beforeOperation: opts.beforeOperation?.(runtime),
  });
  await app.ready();
  const credentials = { accessKeyId: 'TESTACCESSKEY', secretAccessKey: 'test-secret-access-key' };

  async function call(method: string, path: string, o: ApiCall = {}): Promise<ApiResponse> {
    const query = encodeQuery(o.query);
    const wirePath = `/v1${path}`;
    const body = o.body === undefined ? '' : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    const region = /^\/regions\/([^/]+)/.exec(path)?.[1] ?? 'jdcloud-api';
    const creds = o.as ?? credentials;
    const headers = signRequest({
      method,
      host: 'localhost',
      path: wirePath,
      query,
      body,
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      region: decodeURIComponent(region),
    });
    const raw = await app.inject({
      method: method as InjectOptions['method'],
      url: query ? `${wirePath}?${query}` : wirePath,
      headers: { ...headers, ...o.headers },
      payload: body === '' ? undefined : body,
    });
    return { statusCode: raw.statusCode, body: raw.json(), raw };
  }

  return {
    runtime,
    app,
    db,
    config,
    credentials,
    call,
    inject: (i) => app.inject(i),
    async newAccount(name) {
      const c = await runtime.services.accounts.createAccount(
        name ?? `tenant${++accountSeq}${Date.now() % 100000}`,
      );
      return { accountId: c.accountId, accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
    },
    async close() {
      await app.close();
      await runtime.close();
      await db.drop();
    },
  };
}

/** Asserts a JD error envelope and returns it; use with expect(). */
export function errorOf(res: ApiResponse): { code: number; status: string; message: string } {
  if (!res.body.error)
    throw new Error(`expected an error, got ${res.statusCode} ${JSON.stringify(res.body)}`);
  return res.body.error;
}

/** Returns the result of a successful call, or throws with the error. */
export function resultOf<T = Record<string, unknown>>(res: ApiResponse): T {
  if (res.statusCode !== 200 || !res.body.result) {
    throw new Error(`expected success, got ${res.statusCode} ${JSON.stringify(res.body)}`);
  }
  return res.body.result as T;
}
