/**
 * The JDCLOUD2/JDCLOUD3 canonical request text (reference §a.4–§a.6), as string building only. No
 * imports at all: the server (canonical.ts, Node crypto) and the web console's signer (Web Crypto)
 * build the very same text. Percent-decoding is passed in because the server must decode malformed
 * escapes exactly like node:querystring, which the browser does not have; the console only ever
 * signs well-formed paths it built itself.
 */

/** Percent-decoding of one path segment or query part that keeps malformed escapes as text. */
export type Decode = (value: string) => string;

/** SHA-256 of the empty body, the payload hash of every GET. */
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

export function canonicalUri(rawPath: string, decode: Decode): string {
  return rawPath
    .split('/')
    .map((segment) => uriEscape(decode(segment)))
    .join('/');
}

export function canonicalQuery(rawQuery: string, decode: Decode): string {
  if (rawQuery === '') return '';
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([uriEscape(decode(k.replace(/\+/g, ' '))), uriEscape(decode(v.replace(/\+/g, ' ')))]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

export function canonicalHeaderValue(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

export interface CanonicalInput {
  method: string;
  rawPath: string;
  rawQuery: string;
  /** Lower-case header name → value, for every name in signedHeaders. */
  headers: Readonly<Record<string, string | undefined>>;
  signedHeaders: readonly string[];
  payloadHash: string;
}

export function canonicalRequest(input: CanonicalInput, decode: Decode): string {
  const headerLines = input.signedHeaders
    .map((name) => `${name}:${canonicalHeaderValue(input.headers[name] ?? '')}`)
    .join('\n');
  return [
    input.method.toUpperCase(),
    canonicalUri(input.rawPath, decode),
    canonicalQuery(input.rawQuery, decode),
    `${headerLines}\n`,
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
}

/** `x-jdcloud-date`: ISO-8601 basic format in UTC, e.g. 20261207T042500Z. */
export function formatJdDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}
