import { ApiError, internal, invalidArgument, isApiError } from '../domain/errors.js';

export interface ErrorEnvelope {
  requestId: string;
  error: { code: number; status: string; message: string };
}

export const failure = (requestId: string, e: ApiError): ErrorEnvelope => ({
  requestId,
  error: { code: e.code, status: e.status, message: e.message },
});

interface AjvLikeError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Turns a Fastify validation failure into INVALID_ARGUMENT naming the field (dotted path). */
export function validationError(part: string | undefined, errors: readonly AjvLikeError[]): ApiError {
  const e = errors[0] ?? {};
  const base = (e.instancePath ?? '')
    .split('/')
    .filter((s) => s !== '')
    .join('.');
  if (e.keyword === 'required') {
    const missing = String(e.params?.missingProperty ?? '');
    return new ApiError(
      'INVALID_ARGUMENT',
      `missing required parameter ${base === '' ? missing : `${base}.${missing}`}`,
    );
  }
  const field = base === '' ? (part === 'body' ? 'request body' : (part ?? 'request')) : base;
  if (e.keyword === 'enum') {
    const allowed = (e.params?.allowedValues as unknown[] | undefined)?.join(', ') ?? '';
    return invalidArgument(field, `must be one of ${allowed}`);
  }
  if (e.keyword === 'type') return invalidArgument(field, `must be of type ${String(e.params?.type)}`);
  return invalidArgument(field, e.message ?? 'is invalid');
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  validation?: AjvLikeError[];
  validationContext?: string;
}

/** Maps anything thrown while serving a request to a catalogue error. Unknown errors become INTERNAL. */
export function toApiError(e: unknown, bodyLimit: number): { error: ApiError; unexpected: boolean } {
  if (isApiError(e)) return { error: e, unexpected: false };
  const fe = (typeof e === 'object' && e !== null ? e : {}) as FastifyLikeError;
  if (fe.validation)
    return { error: validationError(fe.validationContext, fe.validation), unexpected: false };
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        error: invalidArgument('request body', `must not exceed ${bodyLimit} bytes`),
        unexpected: false,
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { error: invalidArgument('request body', 'must be a JSON object'), unexpected: false };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { error: invalidArgument('path', 'a path parameter exceeds 200 characters'), unexpected: false };
    case 'FST_ERR_BAD_URL':
      return { error: invalidArgument('path', 'is not valid percent-encoding'), unexpected: false };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { error: invalidArgument('content-length', 'does not match the body'), unexpected: false };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { error: invalidArgument('request', 'is malformed'), unexpected: false };
  }
  return { error: internal(), unexpected: true };
}
