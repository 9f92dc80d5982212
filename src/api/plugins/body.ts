import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidArgument } from '../../domain/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Exact bytes received: the signature hashes these, never a re-serialisation. */
    rawBody: Buffer | null;
  }
}

const MAX_DEPTH = 32;
export const EMPTY = Buffer.alloc(0);

/**
 * Reads every body as raw bytes whatever its content type (SDKs send application/json; some
 * clients send none). JSON is parsed later, after the signature check, by `parseJsonBody`.
 */
export function registerRawBodyParser(app: FastifyInstance, bodyLimit: number): void {
  app.decorateRequest('rawBody', null);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (req, body, done) => {
    req.rawBody = body as Buffer;
    done(null, undefined);
  });
}

/**
 * JSON null means absent (GO/PY SDKs send nulls for unset fields), so nulls are dropped.
 * Prototype-polluting keys are dropped too. Depth is bounded so hostile nesting is a 400.
 */
function stripNulls(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH)
    throw invalidArgument('request body', `must not nest deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) return value.filter((v) => v !== null).map((v) => stripNulls(v, depth + 1));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === null || k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
      out[k] = stripNulls(v, depth + 1);
    }
    return out;
  }
  return value;
}

/**
 * The body as one JSON object, before any cleaning; undefined when the body is empty. Throws
 * INVALID_ARGUMENT for text that is not JSON or JSON that is not an object. The JD API and the
 * operator API read bodies through it.
 */
export function parseJsonObject(raw: Buffer | null): object | undefined {
  const text = (raw ?? EMPTY).toString('utf8').trim();
  if (text === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidArgument('request body', 'is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidArgument('request body', 'must be a JSON object');
  }
  return parsed;
}

/** Replaces request.body with the parsed JSON object ({} when empty). Throws INVALID_ARGUMENT. */
export function parseJsonBody(request: FastifyRequest): void {
  if (request.method !== 'PUT' && request.method !== 'POST') return;
  const parsed = parseJsonObject(request.rawBody);
  request.body = parsed === undefined ? {} : stripNulls(parsed, 0);
}
