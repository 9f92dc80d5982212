import { signRequest } from './signer';

/** An access key; the secret lives only in memory and this tab's sessionStorage. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A JD error envelope (`{requestId, error:{code,status,message}}`) or a transport failure. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    message: string,
    readonly requestId: string = '',
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The request field the message names (`invalid parameter instanceSpec.name: …`), if any. */
  get field(): string | undefined {
    return fieldOf(this.message);
  }
}

export function fieldOf(message: string): string | undefined {
  const m = /(?:invalid parameter|missing required parameter|parameter) ([A-Za-z][\w.[\]]*)/.exec(message);
  return m?.[1].replace(/\.$/, '');
}

export type QueryValue = string | number | boolean | undefined | null;
export interface Filter {
  name: string;
  values: readonly string[];
}

/** Query string as the JS SDK sends it: plain keys, then `filters.N.name` / `filters.N.values.M`. */
export function buildQuery(params: Record<string, QueryValue> = {}, filters: readonly Filter[] = []): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  let n = 0;
  for (const f of filters) {
    if (f.values.length === 0) continue;
    n += 1;
    parts.push(`filters.${n}.name=${encodeURIComponent(f.name)}`);
    f.values.forEach((v, i) => parts.push(`filters.${n}.values.${i + 1}=${encodeURIComponent(v)}`));
  }
  return parts.join('&');
}

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  filters?: readonly Filter[];
  body?: unknown;
  /** Region of the signature scope; the path's region for JD calls. */
  region: string;
}

export type UnauthenticatedHandler = (message: string) => void;

let onUnauthenticated: UnauthenticatedHandler = () => undefined;
export function setUnauthenticatedHandler(handler: UnauthenticatedHandler): void {
  onUnauthenticated = handler;
}

/** Encodes one path segment the way the SDK sends it (`:` of actions as `%3A`). */
export const seg = (value: string): string => encodeURIComponent(value);

/**
 * Sends one signed request and unwraps the JD envelope. Throws ApiError; a 401 also hands the
 * message to the session (back to sign-in) unless `quiet401` (the sign-in check itself).
 */
export async function call<T>(
  credentials: Credentials,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  path: string,
  options: RequestOptions,
  quiet401 = false,
): Promise<T> {
  const query = buildQuery(options.query, options.filters);
  const body = method === 'PUT' || method === 'POST' ? JSON.stringify(options.body ?? {}) : undefined;
  const headers = await signRequest({
    method,
    host: window.location.host,
    path,
    query,
    body,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    region: options.region,
  });
  // The browser sets Host itself (to the same value that was signed); it may not be set by script.
  const { host: _host, ...sendHeaders } = headers;
  let response: Response;
  try {
    response = await fetch(query === '' ? path : `${path}?${query}`, {
      method,
      headers: sendHeaders,
      body,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'UNAVAILABLE', 'the server cannot be reached');
  }
  let parsed: { requestId?: string; result?: T; error?: { code: number; status: string; message: string } };
  try {
    parsed = (await response.json()) as typeof parsed;
  } catch {
    throw new ApiError(response.status, 'UNKNOWN', `unexpected answer (HTTP ${response.status})`);
  }
  if (!response.ok || parsed.error) {
    const e = parsed.error ?? {
      code: response.status,
      status: 'UNKNOWN',
      message: `HTTP ${response.status}`,
    };
    const error = new ApiError(e.code, e.status, e.message, parsed.requestId ?? '');
    if (e.code === 401 && !quiet401) onUnauthenticated(e.message);
    throw error;
  }
  return parsed.result as T;
}

/** A fresh idempotency token for a mutating call (≤ 36 characters). */
export const clientToken = (): string => crypto.randomUUID();
