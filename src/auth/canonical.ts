import { createHash, createHmac } from 'node:crypto';
import querystring from 'node:querystring';

/**
 * JDCLOUD2/JDCLOUD3-HMAC-SHA256 canonical request, rebuilt from what was received (reference
 * §a.4–§a.6). Pure functions: the signer (CLI, tests) and the verifier share them.
 */
export type Algorithm = 'JDCLOUD2-HMAC-SHA256' | 'JDCLOUD3-HMAC-SHA256';

export const ALGORITHMS: Readonly<Record<Algorithm, { prefix: string; terminator: string }>> = {
  'JDCLOUD2-HMAC-SHA256': { prefix: 'JDCLOUD2', terminator: 'jdcloud2_request' },
  'JDCLOUD3-HMAC-SHA256': { prefix: 'JDCLOUD3', terminator: 'jdcloud3_request' },
};

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** RFC 3986: only A-Z a-z 0-9 - _ . ~ stay literal; everything else is %XX upper-case, UTF-8. */
export function uriEscape(value: string): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    // A lone surrogate cannot be UTF-8 encoded; encode its replacement like a browser would.
    encoded = encodeURIComponent(value.toWellFormed());
  }
  return encoded.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Tolerant percent-decoding: malformed escapes (e.g. a bare `%`) are kept as literal text. */
export function lenientDecode(value: string): string {
  return querystring.unescape(value);
}

export function canonicalUri(rawPath: string): string {
  return rawPath
    .split('/')
    .map((segment) => uriEscape(lenientDecode(segment)))
    .join('/');
}

/**
 * The path with every run of `/` made one `/`. The Python SDK's JDCLOUD3 signer canonicalises the
 * path this way (jdcloud_sdk/core/signer.py `__build_canonical_uri`: unquote_plus, `/+` → `/`,
 * quote with `/~` safe); the JS and Go SDKs sign the path as sent. For every path the Python SDK
 * sends (its wire path is `quote(path, safe='/:')`: never a `%2F`, never a raw `+`), its canonical
 * URI is exactly `canonicalUri(collapseSlashes(path))`. Only `/` runs are collapsed, never `%2F`:
 * no SDK sends `%2F`, and decoding it would let a signature cross segment boundaries.
 */
export function collapseSlashes(rawPath: string): string {
  return rawPath.replace(/\/{2,}/g, '/');
}

export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([
      uriEscape(lenientDecode(k.replace(/\+/g, ' '))),
      uriEscape(lenientDecode(v.replace(/\+/g, ' '))),
    ]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

export function canonicalHeaderValue(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export interface CanonicalInput {
  method: string;
  rawPath: string;
  rawQuery: string;
  /** Lower-case header name → value, for every name in signedHeaders. */
  headers: Readonly<Record<string, string | undefined>>;
  signedHeaders: readonly string[];
  payloadHash: string;
}

export function canonicalRequest(input: CanonicalInput): string {
  const headerLines = input.signedHeaders
    .map((name) => `${name}:${canonicalHeaderValue(input.headers[name] ?? '')}`)
    .join('\n');
  return [
    input.method.toUpperCase(),
    canonicalUri(input.rawPath),
    canonicalQuery(input.rawQuery),
    `${headerLines}\n`,
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
}

export function stringToSign(
  algorithm: Algorithm,
  datetime: string,
  scope: string,
  canonical: string,
): string {
  return [algorithm, datetime, scope, sha256Hex(canonical)].join('\n');
}

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** Derived keys change once a day per key and scope: four HMACs saved on every other request. */
const derivedKeys = new Map<string, Buffer>();

export function signingKey(
  algorithm: Algorithm,
  secret: string,
  date: string,
  region: string,
  service: string,
): Buffer {
  const id = `${algorithm}\n${secret}\n${date}\n${region}\n${service}`;
  const known = derivedKeys.get(id);
  if (known !== undefined) return known;
  const { prefix, terminator } = ALGORITHMS[algorithm];
  const kDate = hmac(prefix + secret, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  const key = hmac(kService, terminator);
  if (derivedKeys.size >= 1000) derivedKeys.delete(derivedKeys.keys().next().value as string);
  derivedKeys.set(id, key);
  return key;
}

export function computeSignature(key: Buffer, toSign: string): string {
  return createHmac('sha256', key).update(toSign).digest('hex');
}
