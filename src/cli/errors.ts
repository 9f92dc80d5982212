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

/**
 * Operator refusals (OperatorError, AccountError, the CLI's own checks) carry only a message:
 * their status follows from its wording, first match wins. Anything else is INVALID_ARGUMENT.
 */
const BY_MESSAGE: readonly [RegExp, ErrorStatus][] = [
  // An unknown thing the command names: stored accounts, keys, devices, faults, instances, or a
  // region, AZ or device type of the catalog. An unknown enum value (status, step, operation,
  // a key of a device file) is an invalid argument.
  [/^no (account|access key|device|fault|instance|events)\b/, 'NOT_FOUND'],
  [/^unknown (region|AZ|device type) /, 'NOT_FOUND'],
  [/already exists|already offers|already recorded for another device/, 'ALREADY_EXISTS'],
  // Something is in the wrong state for the command.
  [
    /carries instance|is already retired|is simulated: it has no BMC|needs manual time mode|saved under another master key|saved by a newer edcps|has no schema yet|another command on this BMC/,
    'FAILED_PRECONDITION',
  ],
  [/^no credentials/, 'UNAUTHENTICATED'],
  [/^cannot reach /, 'UNAVAILABLE'],
];

/** What went wrong, as the `error` object of `--json` (code = HTTP status of `status`). */
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
  const status = BY_MESSAGE.find(([re]) => re.test(message))?.[1] ?? 'INVALID_ARGUMENT';
  return { code: STATUS_CODES[status], status, message };
}

/** The message's first line: errors are one line, a stack or a wrapped cause is not for users. */
export function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}
