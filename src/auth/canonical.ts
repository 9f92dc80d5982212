import { createHash, createHmac } from 'node:crypto';
import querystring from 'node:querystring';
import * as text from './canonical-request.js';

/**
 * JDCLOUD2/JDCLOUD3-HMAC-SHA256 canonical request, rebuilt from what was received (reference
 * §a.4–§a.6). Pure functions: the signer (CLI, tests) and the verifier share them. The text itself
 * is built by canonical-request.ts (import-free, also used by the console's signer); this module
 * adds node:querystring's percent-decoding and node:crypto's hashing.
 */
export type Algorithm = 'JDCLOUD2-HMAC-SHA256' | 'JDCLOUD3-HMAC-SHA256';

export const ALGORITHMS: Readonly<Record<Algorithm, { prefix: string; terminator: string }>> = {
  'JDCLOUD2-HMAC-SHA256': { prefix: 'JDCLOUD2', terminator: 'jdcloud2_request' },
  'JDCLOUD3-HMAC-SHA256': { prefix: 'JDCLOUD3', terminator: 'jdcloud3_request' },
};

export { EMPTY_SHA256, uriEscape, canonicalHeaderValue, type CanonicalInput } from './canonical-request.js';

/** Tolerant percent-decoding: malformed escapes (e.g. a bare `%`) are kept as literal text. */
export function lenientDecode(value: string): string {
  return querystring.unescape(value);
}

export const canonicalUri = (rawPath: string): string => text.canonicalUri(rawPath, lenientDecode);

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

export const canonicalQuery = (rawQuery: string): string => text.canonicalQuery(rawQuery, lenientDecode);

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export const canonicalRequest = (input: text.CanonicalInput): string =>
  text.canonicalRequest(input, lenientDecode);

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
