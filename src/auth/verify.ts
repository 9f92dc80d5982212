import { timingSafeEqual } from 'node:crypto';
import {
  type Algorithm,
  ALGORITHMS,
  canonicalRequest,
  collapseSlashes,
  computeSignature,
  sha256Hex,
  signingKey,
  stringToSign,
} from './canonical.js';

export interface ParsedAuthorization {
  algorithm: Algorithm;
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export type AuthFailure =
  | 'missing authorization header'
  | 'malformed authorization header'
  | 'algorithm and scope terminator disagree'
  | 'wrong service in credential scope'
  | 'missing x-jdcloud-date header'
  | 'malformed x-jdcloud-date header'
  | 'x-jdcloud-date does not match the credential scope date'
  | 'missing x-jdcloud-nonce header'
  | 'host header is not signed'
  | 'signed header missing from request';

const AUTH_RE =
  /^(JDCLOUD[23]-HMAC-SHA256)\s+Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/(jdcloud[23]_request),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]{64})$/i;

export function parseAuthorization(header: string | undefined): ParsedAuthorization | AuthFailure {
  if (header === undefined || header.trim() === '') return 'missing authorization header';
  const m = AUTH_RE.exec(header.trim());
  if (!m) return 'malformed authorization header';
  const algorithm = m[1].toUpperCase() as Algorithm;
  if (ALGORITHMS[algorithm].terminator !== m[6].toLowerCase())
    return 'algorithm and scope terminator disagree';
  if (m[5] !== 'edcps') return 'wrong service in credential scope';
  return {
    algorithm,
    accessKeyId: m[2],
    date: m[3],
    region: m[4],
    service: m[5],
    signedHeaders: m[7].toLowerCase().split(';'),
    signature: m[8].toLowerCase(),
  };
}

export interface ReceivedRequest {
  method: string;
  rawPath: string;
  rawQuery: string;
  /** Lower-case names; repeated headers already joined. */
  headers: Readonly<Record<string, string | undefined>>;
  body: Buffer | string;
}

/** Checks that depend only on the request itself; returns the request time (epoch ms) if they pass. */
export function checkRequestShape(auth: ParsedAuthorization, req: ReceivedRequest): number | AuthFailure {
  const datetime = req.headers['x-jdcloud-date'];
  if (datetime === undefined) return 'missing x-jdcloud-date header';
  const dm = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(datetime);
  if (!dm) return 'malformed x-jdcloud-date header';
  if (datetime.slice(0, 8) !== auth.date) return 'x-jdcloud-date does not match the credential scope date';
  if (req.headers['x-jdcloud-nonce'] === undefined) return 'missing x-jdcloud-nonce header';
  if (!auth.signedHeaders.includes('host')) return 'host header is not signed';
  for (const h of auth.signedHeaders)
    if (req.headers[h] === undefined) return 'signed header missing from request';
  const t = Date.UTC(+dm[1], +dm[2] - 1, +dm[3], +dm[4], +dm[5], +dm[6]);
  return Number.isNaN(t) ? 'malformed x-jdcloud-date header' : t;
}

/**
 * Constant-time comparison of the received signature with the one computed from `secret`.
 * The canonical URI is the path as received (JS, Go and Java SDKs sign the path as sent); when the
 * path has a run of `/`, its collapsed form (what the Python SDK signs) is accepted too, so every
 * official SDK's signature verifies. Accepting the collapsed form lets no signature name another
 * executed resource: paths with an empty segment name no operation (404 before authentication),
 * and for every other path the two forms are the same string (docs/decisions.md, "Signatures
 * over paths with `//`").
 */
export function signatureMatches(auth: ParsedAuthorization, req: ReceivedRequest, secret: string): boolean {
  const payloadHash = sha256Hex(req.body);
  const scope = `${auth.date}/${auth.region}/${auth.service}/${ALGORITHMS[auth.algorithm].terminator}`;
  const key = signingKey(auth.algorithm, secret, auth.date, auth.region, auth.service);
  const received = Buffer.from(auth.signature, 'hex');
  const collapsed = collapseSlashes(req.rawPath);
  const paths = collapsed === req.rawPath ? [req.rawPath] : [req.rawPath, collapsed];
  let matched = false;
  for (const rawPath of paths) {
    const canonical = canonicalRequest({
      method: req.method,
      rawPath,
      rawQuery: req.rawQuery,
      headers: req.headers,
      signedHeaders: auth.signedHeaders,
      payloadHash,
    });
    const expected = computeSignature(
      key,
      stringToSign(auth.algorithm, req.headers['x-jdcloud-date'] ?? '', scope, canonical),
    );
    // Every form is compared (no early exit), each in constant time.
    if (timingSafeEqual(Buffer.from(expected, 'hex'), received)) matched = true;
  }
  return matched;
}
