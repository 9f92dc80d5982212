import { randomUUID } from 'node:crypto';
import { formatJdDate } from './canonical-request.js';
import {
  type Algorithm,
  ALGORITHMS,
  EMPTY_SHA256,
  canonicalRequest,
  computeSignature,
  sha256Hex,
  signingKey,
  stringToSign,
} from './canonical.js';

export interface SignInput {
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
  algorithm?: Algorithm;
  /** Epoch milliseconds; defaults to now. */
  time?: number;
  nonce?: string;
  /** Extra headers to send and sign (lower-case names). */
  headers?: Record<string, string>;
}

export { formatJdDate };

/** Signs like the JS SDK does (reference §a.4) and returns every header to send. */
export function signRequest(input: SignInput): Record<string, string> {
  const algorithm = input.algorithm ?? 'JDCLOUD2-HMAC-SHA256';
  const service = input.service ?? 'edcps';
  const datetime = formatJdDate(input.time ?? Date.now());
  const date = datetime.slice(0, 8);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    host: input.host,
    'x-jdcloud-date': datetime,
    'x-jdcloud-nonce': input.nonce ?? randomUUID(),
    ...input.headers,
  };
  const signedHeaders = Object.keys(headers)
    .map((h) => h.toLowerCase())
    .sort();
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  const body = input.body ?? '';
  const canonical = canonicalRequest({
    method: input.method,
    rawPath: input.path,
    rawQuery: input.query ?? '',
    headers: lower,
    signedHeaders,
    payloadHash: body === '' ? EMPTY_SHA256 : sha256Hex(body),
  });
  const scope = `${date}/${input.region}/${service}/${ALGORITHMS[algorithm].terminator}`;
  const signature = computeSignature(
    signingKey(algorithm, input.secretAccessKey, date, input.region, service),
    stringToSign(algorithm, datetime, scope, canonical),
  );
  headers.authorization = `${algorithm} Credential=${input.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return headers;
}
