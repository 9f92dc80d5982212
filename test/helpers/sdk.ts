import { createRequire } from 'node:module';
import { loadConfig } from '../../src/config.js';
import { type Server, startServer } from '../../src/main.js';
import { type TestDatabase, createTestDatabase } from './databases.js';
import type { Credentials } from './harness.js';

const require = createRequire(import.meta.url);

/** The official JD Cloud JS SDK's edcps client: every method returns Promise<{requestId, result}>. */
export type EdcpsClient = Record<
  string,
  (params: Record<string, unknown>, regionId?: string) => Promise<SdkResponse>
>;

export interface SdkResponse {
  requestId: string;
  result: Record<string, unknown>;
}

/** The SDK rejects with the parsed error body: {requestId, error: {code, status, message}}. */
export interface SdkError {
  requestId: string;
  error: { code: number; status: string; message: string };
}

const core = require('jdcloud-sdk-js/src/lib/core') as { config: { logger: (s: string) => void } };
const EDCPS = require('jdcloud-sdk-js/src/repo/edcps/v1/edcps') as new (o: object) => EdcpsClient;
// The SDK prints every canonical request to stdout; keep test output readable.
core.config.logger = () => undefined;

export function sdkClient(host: string, creds: Credentials, regionId = 'cn-east-tz1'): EdcpsClient {
  return new EDCPS({
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
    endpoint: { host, protocol: 'http' },
    regionId,
  });
}

export interface TestServer {
  server: Server;
  db: TestDatabase;
  host: string;
  credentials: Credentials;
  sdk(regionId?: string, creds?: Credentials): EdcpsClient;
  stop(): Promise<void>;
}

/** A real listening server on a free port, for end-to-end tests through the official SDK. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const db = await createTestDatabase();
  const credentials = { accessKeyId: 'E2EACCESSKEY', secretAccessKey: 'e2e-secret-access-key' };
  const server = await startServer(
    loadConfig({
      EDCPS_DATA_DIR: db.dataDir,
      EDCPS_DATABASE_URL: db.url,
      EDCPS_ACCESS_KEY_ID: credentials.accessKeyId,
      EDCPS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      EDCPS_PORT: '0',
      EDCPS_TIME_SCALE: '0',
      EDCPS_LOG_LEVEL: 'silent',
      ...env,
    }),
  );
  const host = server.url.replace(/^http:\/\//, '');
  return {
    server,
    db,
    host,
    credentials,
    sdk: (regionId, creds) => sdkClient(host, creds ?? credentials, regionId),
    async stop() {
      await server.stop();
      await db.drop();
    },
  };
}
