/**
 * The error catalogue: every client-visible error is made here, so codes, statuses and wording
 * stay consistent. `code` is always the HTTP status; `status` is one of JD's strings
 * (reference §b). Messages name the field and the rule and never carry internals or secrets.
 */
export type ErrorStatus =
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'OUT_OF_RANGE'
  | 'UNAUTHENTICATED'
  | 'HTTP_FORBIDDEN'
  | 'NOT_FOUND'
  | 'ABORTED'
  | 'ALREADY_EXISTS'
  | 'QUOTA_EXCEEDED'
  | 'RATE_LIMIT'
  | 'CANCELLED'
  | 'UNKNOWN'
  | 'INTERNAL'
  | 'NOT_IMPLEMENTED'
  | 'SOURCE_UNAVAILABLE'
  | 'UNAVAILABLE';

export const STATUS_CODES: Readonly<Record<ErrorStatus, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  HTTP_FORBIDDEN: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  QUOTA_EXCEEDED: 429,
  RATE_LIMIT: 429,
  CANCELLED: 499,
  UNKNOWN: 500,
  INTERNAL: 500,
  NOT_IMPLEMENTED: 501,
  SOURCE_UNAVAILABLE: 502,
  UNAVAILABLE: 503,
};

export class ApiError extends Error {
  readonly code: number;
  constructor(
    readonly status: ErrorStatus,
    message: string,
    code?: number,
  ) {
    super(message);
    this.code = code ?? STATUS_CODES[status];
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

/** A field failed a type, enum, format or reference rule. */
export const invalidArgument = (field: string, rule: string): ApiError =>
  new ApiError('INVALID_ARGUMENT', `invalid parameter ${field}: ${rule}`);

export const missingArgument = (field: string): ApiError =>
  new ApiError('INVALID_ARGUMENT', `missing required parameter ${field}`);

/** A numeric or size bound was violated. */
export const outOfRange = (field: string, rule: string): ApiError =>
  new ApiError('OUT_OF_RANGE', `parameter ${field} out of range: ${rule}`);

export const notFound = (kind: string, id: string): ApiError =>
  new ApiError('NOT_FOUND', `${kind} ${id} not found`);

export const failedPrecondition = (message: string): ApiError => new ApiError('FAILED_PRECONDITION', message);

export const alreadyExists = (message: string): ApiError => new ApiError('ALREADY_EXISTS', message);

export const quotaExceeded = (message: string): ApiError => new ApiError('QUOTA_EXCEEDED', message);

export const unauthenticated = (message: string): ApiError => new ApiError('UNAUTHENTICATED', message);

export const notImplemented = (operation: string): ApiError =>
  new ApiError('NOT_IMPLEMENTED', `operation ${operation} is not implemented yet`);

export const routeNotFound = (method: string, path: string): ApiError =>
  new ApiError('NOT_FOUND', `no operation matches ${method} ${path}`);

export const internal = (): ApiError =>
  new ApiError('INTERNAL', 'internal error; the request id identifies it in the server log');

export const unavailable = (message: string): ApiError => new ApiError('UNAVAILABLE', message);

/** An injected fault (operator tooling) answers with whatever JD error the tester asked for. */
export const injected = (code: number, status: ErrorStatus, message: string): ApiError =>
  new ApiError(status, message, code);
