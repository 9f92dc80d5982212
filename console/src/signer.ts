/**
 * JDCLOUD2-HMAC-SHA256 request signing in the browser (Web Crypto), computed exactly like the JS SDK
 * and the server's own signer (src/auth/sign.ts, reference §a.4). Pure and DOM-free so the unit test
 * can compare it with the server's signer under Node's globalThis.crypto.subtle. The canonical request
 * text comes from the server's own module (src/auth/canonical-request.ts); only hashing is async here.
 */
import { canonicalRequest, EMPTY_SHA256, formatJdDate } from '../../src/auth/canonical-request.js';

export interface BrowserSignInput {
  method: string;
  host: string;
  /** Path as it goes on the wire, e.g. `/v1/regions/r/instances/i%3AstopInstance`. */
  path: string;
  /** Raw query string without `?`. */
  query?: string;
  body?: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service?: string;
  /** Epoch milliseconds; defaults to now. */
  time?: number;
  nonce?: string;
}

const ALGORITHM = 'JDCLOUD2-HMAC-SHA256';
const encoder = new TextEncoder();

/**
 * Percent-decoding that keeps malformed escapes as literal text. The server decodes with
 * node:querystring; both agree on every well-formed path, and the console only signs paths it built.
 */
function lenientDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256Hex(data: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', encoder.encode(data)));
}

async function hmac(key: ArrayBuffer, data: string): Promise<ArrayBuffer> {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', k, encoder.encode(data));
}

/** Signs a request and returns every header to send (lower-case names), `authorization` included. */
export async function signRequest(input: BrowserSignInput): Promise<Record<string, string>> {
  const service = input.service ?? 'edcps';
  const datetime = formatJdDate(input.time ?? Date.now());
  const date = datetime.slice(0, 8);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    host: input.host,
    'x-jdcloud-date': datetime,
    'x-jdcloud-nonce': input.nonce ?? crypto.randomUUID(),
  };
  const signedHeaders = Object.keys(headers).sort();
  const body = input.body ?? '';
  const canonical = canonicalRequest(
    {
      method: input.method,
      rawPath: input.path,
      rawQuery: input.query ?? '',
      headers,
      signedHeaders,
      payloadHash: body === '' ? EMPTY_SHA256 : await sha256Hex(body),
    },
    lenientDecode,
  );
  const scope = `${date}/${input.region}/${service}/jdcloud2_request`;
  const toSign = [ALGORITHM, datetime, scope, await sha256Hex(canonical)].join('\n');
  const kDate = await hmac(encoder.encode(`JDCLOUD2${input.secretAccessKey}`).buffer as ArrayBuffer, date);
  const kRegion = await hmac(kDate, input.region);
  const kService = await hmac(kRegion, service);
  const kSigning = await hmac(kService, 'jdcloud2_request');
  const signature = hex(await hmac(kSigning, toSign));
  headers.authorization = `${ALGORITHM} Credential=${input.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return headers;
}
