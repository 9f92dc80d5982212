import { signRequest } from '../../../src/auth/sign.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** An answer, or status 0 when none came (connection refused or reset: the node was killed). */
export interface Answer {
  status: number;
  body: {
    requestId?: string;
    result?: Record<string, unknown>;
    error?: { code: number; status: string; message: string };
  };
  error?: string;
}

/** One signed JSON call; never throws. */
export async function callApi(
  url: string,
  creds: Credentials,
  region: string,
  method: string,
  path: string,
  o: { body?: unknown; query?: string; timeoutMs?: number } = {},
): Promise<Answer> {
  const payload = o.body === undefined ? '' : JSON.stringify(o.body);
  const wirePath = `/v1${path}`;
  const headers = signRequest({
    method,
    host: new URL(url).host,
    path: wirePath,
    query: o.query ?? '',
    body: payload,
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    region,
  });
  try {
    const res = await fetch(`${url}${wirePath}${o.query ? `?${o.query}` : ''}`, {
      method,
      headers,
      body: payload || undefined,
      signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) as Answer['body'] };
    } catch {
      return { status: res.status, body: {}, error: `not JSON: ${text.slice(0, 200)}` };
    }
  } catch (e) {
    return { status: 0, body: {}, error: (e as Error).message };
  }
}
