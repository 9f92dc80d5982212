import { ApiError, type ErrorStatus, STATUS_CODES } from '../domain/errors.js';
import { ApiCallError } from './api-client.js';

/**
 * Statuses of `edcps` errors: JD's catalogue, plus DEADLINE_EXCEEDED (504) for a `--wait` that
 * gave up — the status Google's API design (which JD's statuses follow) has for a timeout.
 */
export type CliStatus = ErrorStatus | 'DEADLINE_EXCEEDED';

/** The `error` object of a failed command's `--json` document: `{"error":{code,status,message}}`. */
export interface ErrorBody {
  code: number;
  status: string;
  message: string;
}

/**
 * A refusal of the CLI itself with its status, and optionally more of the document (e.g. the
 * final state of the instances a `--wait` followed), printed next to `error` under `--json`.
 */
export class CliError extends Error {
  readonly code: number;
  constructor(
    readonly status: CliStatus,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.code = status === 'DEADLINE_EXCEEDED' ? 504 : STATUS_CODES[status];
  }
}

/** A status an error object carries itself (OperatorError, and any error made with one). */
function ownStatus(e: unknown): ErrorStatus | undefined {
  const status = (e as { status?: unknown } | null)?.status;
  return typeof status === 'string' && Object.hasOwn(STATUS_CODES, status)
    ? (status as ErrorStatus)
    : undefined;
}

/**
 * What went wrong, as the `error` object of `--json` (code = HTTP status of `status`): the status
 * the error was made with — the server's answer (remote), the operation's ApiError or
 * OperatorError (local), or the CLI's own CliError. Anything else (a file the CLI could not
 * read or parse, a bad setting) is INVALID_ARGUMENT.
 */
export function errorBody(e: unknown): ErrorBody {
  if (e instanceof CliError) return { code: e.code, status: e.status, message: e.message };
  if (e instanceof ApiCallError) {
    // The server's envelope, without the "404 NOT_FOUND: " the one-line form puts in front.
    const prefix = `${e.httpCode} ${e.status}: `;
    const message = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
    // httpCode 0: no answer at all (connection refused, timeout).
    if (e.httpCode === 0) return { code: STATUS_CODES.UNAVAILABLE, status: 'UNAVAILABLE', message };
    return { code: e.httpCode, status: e.status, message };
  }
  if (e instanceof ApiError) return { code: e.code, status: e.status, message: e.message };
  const message = firstLine(e);
  const status = ownStatus(e) ?? 'INVALID_ARGUMENT';
  return { code: STATUS_CODES[status], status, message };
}

/** The message's first line: errors are one line, a stack or a wrapped cause is not for users. */
export function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}
