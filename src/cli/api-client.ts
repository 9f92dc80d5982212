import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { signRequest } from '../auth/sign.js';
import { type ClientConfig, ENDPOINT, loadClientConfig } from '../config.js';

/**
 * A JD error answered by the server, a transport failure (httpCode 0), or no credentials to sign
 * with (401); the message is the CLI's error line.
 */
export class ApiCallError extends Error {
  constructor(
    message: string,
    readonly httpCode: number,
    readonly status: string,
  ) {
    super(message);
  }
}

interface ConfigFile {
  endpoint?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

function readConfigFile(file: string): ConfigFile {
  if (!fs.existsSync(file)) return {};
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new Error(`${file} must hold a JSON object`);
  const o = doc as Record<string, unknown>;
  const out: ConfigFile = {};
  for (const k of ['endpoint', 'region', 'accessKeyId', 'secretAccessKey'] as const) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== 'string') throw new Error(`${file}: ${k} must be a string`);
    out[k] = o[k];
  }
  if (out.endpoint !== undefined) {
    if (!ENDPOINT.test(out.endpoint))
      throw new Error(`${file}: endpoint must look like http://host:port, got "${out.endpoint}"`);
    out.endpoint = out.endpoint.replace(/\/$/, '');
  }
  return out;
}

export interface ApiClient {
  readonly endpoint: string;
  /** Region of user commands: EDCPS_REGION, the config file's, or the first the server lists. */
  region(): Promise<string>;
  /**
   * A signed call; `path` starts with /v1, /edcps/v1 or /admin/v1. Returns `result` or throws
   * ApiCallError. `timeoutMs` (default 60 s): how long the server may take to answer.
   */
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    opts?: { query?: Record<string, string>; body?: unknown; timeoutMs?: number },
  ): Promise<T>;
}

/**
 * Whether the operator commands go over the network: an endpoint is configured (EDCPS_ENDPOINT,
 * or `endpoint` in the config file) and so are credentials (EDCPS_ACCESS_KEY_ID and
 * EDCPS_SECRET_ACCESS_KEY, or the config file's). The server's own data/credentials.json, which
 * user commands fall back to, does not count: it holds the default account's key, not an
 * operator's, and is found in the server's folder, where the local database is too.
 */
export function remoteConfigured(cfg: ClientConfig = loadClientConfig()): boolean {
  const file = readConfigFile(cfg.configFile);
  const endpoint = cfg.endpointSet || file.endpoint !== undefined;
  const keys =
    (cfg.accessKeyId !== undefined && cfg.secretAccessKey !== undefined) ||
    (file.accessKeyId !== undefined && file.secretAccessKey !== undefined);
  return endpoint && keys;
}

/**
 * Where the keys come from: the environment; else the config file; else, when EDCPS_CONFIG is
 * not set, the credentials file a server wrote into its data folder (EDCPS_DATA_DIR, default
 * ./data), so `edcps instances list` works from the server's own folder as it is.
 */
function resolveKeys(
  cfg: ClientConfig,
  file: ConfigFile,
): { accessKeyId?: string; secretAccessKey?: string } {
  if (cfg.accessKeyId !== undefined && cfg.secretAccessKey !== undefined) return cfg;
  if (file.accessKeyId !== undefined && file.secretAccessKey !== undefined) return file;
  if (cfg.configFileSet) return {};
  return readConfigFile(cfg.serverCredentialsFile);
}

/**
 * The user side of the `edcps` command: requests signed exactly as the JD SDKs sign them.
 * The endpoint is EDCPS_ENDPOINT; credentials come from the environment first, then the config
 * file (EDCPS_CONFIG, default ~/.edcps/config.json, a JSON object with accessKeyId,
 * secretAccessKey and region; the server's data/credentials.json fits as it is), then — without
 * EDCPS_CONFIG — the server's <EDCPS_DATA_DIR>/credentials.json. The region comes from the
 * environment, then the config file.
 */
export function createApiClient(cfg: ClientConfig = loadClientConfig()): ApiClient {
  const file = readConfigFile(cfg.configFile);
  const endpoint = cfg.endpointSet ? cfg.endpoint : (file.endpoint ?? cfg.endpoint);
  const { accessKeyId, secretAccessKey } = resolveKeys(cfg, file);
  if (!accessKeyId || !secretAccessKey) {
    const where = cfg.configFileSet
      ? cfg.configFile
      : `${cfg.configFile} (or start the server here: it writes ${cfg.serverCredentialsFile})`;
    throw new ApiCallError(
      `no credentials: set EDCPS_ACCESS_KEY_ID and EDCPS_SECRET_ACCESS_KEY, or write accessKeyId and secretAccessKey to ${where}`,
      401,
      'UNAUTHENTICATED',
    );
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`endpoint "${endpoint}" is not a URL like http://127.0.0.1:8000`);
  }
  let region = cfg.region ?? file.region;

  function send(
    method: string,
    path: string,
    query: string,
    body: string,
    headers: Record<string, string>,
    timeoutMs: number,
  ) {
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise<{ statusCode: number; text: string }>((resolve, reject) => {
      const req = lib.request(
        {
          method,
          hostname: url.hostname,
          port: url.port || undefined,
          path: query ? `${path}?${query}` : path,
          headers: body === '' ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ statusCode: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
      req.on('error', (e: NodeJS.ErrnoException) =>
        reject(
          new ApiCallError(
            `cannot reach edcps at ${endpoint} (${e.code ?? e.message}); is \`edcps serve\` running there?`,
            0,
            'UNAVAILABLE',
          ),
        ),
      );
      if (body !== '') req.write(body);
      req.end();
    });
  }

  async function call<T>(
    method: string,
    path: string,
    opts: { query?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
  ): Promise<T> {
    const query = Object.entries(opts.query ?? {})
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&');
    const body = opts.body === undefined ? '' : JSON.stringify(opts.body);
    // The JS SDK escapes the action colon; the server accepts both forms.
    const wirePath = path.replace(/:(\w+)$/, '%3A$1');
    const headers = signRequest({
      method,
      host: url.host,
      path: wirePath,
      query,
      body,
      accessKeyId: accessKeyId!,
      secretAccessKey: secretAccessKey!,
      region: /^\/(?:edcps\/)?v1\/regions\/([^/]+)/.exec(path)?.[1] ?? 'jdcloud-api',
    });
    const res = await send(method, wirePath, query, body, headers, opts.timeoutMs ?? 60_000);
    let parsed: { result?: T; error?: { code: number; status: string; message: string } };
    try {
      parsed = JSON.parse(res.text) as typeof parsed;
    } catch {
      throw new ApiCallError(
        `${method} ${path}: HTTP ${res.statusCode} with a body that is not JSON`,
        res.statusCode,
        'UNKNOWN',
      );
    }
    if (parsed.error) {
      const e = parsed.error;
      throw new ApiCallError(`${e.code} ${e.status}: ${e.message}`, e.code, e.status);
    }
    if (res.statusCode !== 200 || parsed.result === undefined) {
      throw new ApiCallError(
        `${method} ${path}: HTTP ${res.statusCode} without a result`,
        res.statusCode,
        'UNKNOWN',
      );
    }
    return parsed.result;
  }

  return {
    endpoint,
    call,
    async region() {
      if (region === undefined) {
        const r = await call<{ regions: { region: string }[] }>('GET', '/v1/edgeRegions');
        region = r.regions[0]?.region;
        if (region === undefined) throw new Error('the server lists no region; set EDCPS_REGION');
      }
      return region;
    },
  };
}
