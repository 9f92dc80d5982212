import type { FastifyRequest } from 'fastify';
import { checkRequestShape, parseAuthorization, signatureMatches } from '../../auth/verify.js';
import type { AccountRole, AccountService } from '../../domain/account/account-service.js';
import { ApiError, unauthenticated } from '../../domain/errors.js';
import { EMPTY } from './body.js';

export interface SignatureOptions {
  accounts: AccountService;
  windowSeconds: number;
  /** Real wall-clock time (not the simulated clock): signatures are dated by the client's clock. */
  now: () => number;
}

function headerMap(request: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(request.headers)) {
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  }
  return out;
}

/** Who signed a request: the account, its name and role. */
export interface SignedCaller {
  accountId: string;
  name: string;
  role: AccountRole;
}

/**
 * Verifies JDCLOUD2/JDCLOUD3 signatures (reference §a.6) and returns the caller's account id.
 * Every failure is 401 UNAUTHENTICATED saying which check failed, never the expected signature.
 * The nonce is recorded only after the signature matched, so forged requests cannot burn nonces.
 * A disabled account's correctly signed request is 403 HTTP_FORBIDDEN.
 */
export async function authenticate(request: FastifyRequest, opts: SignatureOptions): Promise<string> {
  return (await authenticateCaller(request, opts)).accountId;
}

/** As `authenticate`, returning the caller's name and role too (the operator API's role check). */
export async function authenticateCaller(
  request: FastifyRequest,
  opts: SignatureOptions,
): Promise<SignedCaller> {
  const headers = headerMap(request);
  const auth = parseAuthorization(headers.authorization);
  if (typeof auth === 'string') throw unauthenticated(auth);
  const url = request.originalUrl;
  const q = url.indexOf('?');
  const received = {
    method: request.method,
    rawPath: q < 0 ? url : url.slice(0, q),
    rawQuery: q < 0 ? '' : url.slice(q + 1),
    headers,
    body: request.rawBody ?? EMPTY,
  };
  const at = checkRequestShape(auth, received);
  if (typeof at === 'string') throw unauthenticated(at);
  const now = opts.now();
  const windowMs = opts.windowSeconds * 1000;
  if (Math.abs(now - at) > windowMs) {
    throw unauthenticated(`x-jdcloud-date is outside the allowed window of ±${opts.windowSeconds} seconds`);
  }
  const key = await opts.accounts.lookupKey(auth.accessKeyId);
  if (!key) throw unauthenticated('unknown or revoked access key');
  if (!signatureMatches(auth, received, key.secret)) throw unauthenticated('signature does not match');
  const nonce = headers['x-jdcloud-nonce'] ?? '';
  if (!(await opts.accounts.rememberNonce(auth.accessKeyId, nonce, at + windowMs))) {
    throw unauthenticated('nonce was already used (replayed request)');
  }
  // Only after the signature matched: an unsigned caller learns nothing about the account.
  const name = key.name ?? key.accountId;
  if (key.status === 'disabled') throw new ApiError('HTTP_FORBIDDEN', `account ${name} is disabled`);
  return { accountId: key.accountId, name, role: key.role ?? 'user' };
}
