import type { LightMyRequestResponse } from 'fastify';
import { STATUS_CODES } from '../../../src/domain/errors.js';

export interface Answer {
  statusCode: number;
  ok: boolean;
  /** JD status string of an error answer, or '' for a success. */
  status: string;
  message: string;
}

/**
 * Problems with an answer's shape, empty when it is a JD envelope: `{requestId, result}` with
 * 200, or `{requestId, error: {code, status, message}}` whose code is the HTTP status and whose
 * status belongs to the catalogue; and the `x-jdcloud-request-id` header equals requestId.
 * `allowNotImplemented` admits 501 for an operation without a handler (not built yet).
 */
export function envelopeProblems(
  res: LightMyRequestResponse,
  allowNotImplemented: boolean,
): { answer: Answer; problems: string[] } {
  const problems: string[] = [];
  const answer: Answer = { statusCode: res.statusCode, ok: false, status: '', message: '' };
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    return { answer, problems: [`body is not JSON: ${res.body.slice(0, 200)}`] };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { answer, problems: ['body is not a JSON object'] };
  }
  const env = body as Record<string, unknown>;
  if (typeof env.requestId !== 'string' || !/^[a-z0-9]{32}$/.test(env.requestId)) {
    problems.push(`requestId ${JSON.stringify(env.requestId)} is not 32 lower-case alphanumerics`);
  }
  if (res.headers['x-jdcloud-request-id'] !== env.requestId) {
    problems.push(
      `x-jdcloud-request-id ${String(res.headers['x-jdcloud-request-id'])} differs from requestId ${String(env.requestId)}`,
    );
  }
  const keys = Object.keys(env).sort().join(',');
  if (res.statusCode === 200) {
    answer.ok = true;
    if (keys !== 'requestId,result') problems.push(`success envelope has keys ${keys}`);
    if (typeof env.result !== 'object' || env.result === null) problems.push('result is not an object');
    return { answer, problems };
  }
  if (keys !== 'error,requestId') problems.push(`error envelope has keys ${keys}`);
  const err = env.error as Record<string, unknown> | undefined;
  if (typeof err !== 'object' || err === null)
    return { answer, problems: [...problems, 'error is not an object'] };
  answer.status = String(err.status);
  answer.message = String(err.message);
  if (Object.keys(err).sort().join(',') !== 'code,message,status') {
    problems.push(`error has keys ${Object.keys(err).sort().join(',')}`);
  }
  if (err.code !== res.statusCode) problems.push(`error.code ${String(err.code)} ≠ HTTP ${res.statusCode}`);
  if (!(String(err.status) in STATUS_CODES)) problems.push(`unknown error status ${String(err.status)}`);
  else if (STATUS_CODES[err.status as keyof typeof STATUS_CODES] !== res.statusCode) {
    problems.push(`status ${String(err.status)} answered with HTTP ${res.statusCode}`);
  }
  if (typeof err.message !== 'string' || err.message === '') problems.push('error.message is empty');
  const notImplemented = res.statusCode === 501 && err.status === 'NOT_IMPLEMENTED' && allowNotImplemented;
  if (res.statusCode >= 500 && !notImplemented)
    problems.push(`server error ${res.statusCode}: ${answer.message}`);
  return { answer, problems };
}
