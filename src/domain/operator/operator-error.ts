import type { ErrorStatus } from '../errors.js';

/**
 * A refused operator request (bad argument, unknown name, a device still in use). Operator
 * commands are not JD operations, so these are not ApiErrors: the CLI prints the message as
 * its one error line, and the operator API (/admin/v1) answers it in the JD envelope with
 * `status` (DESIGN §3 "Errors": a named thing that does not exist → NOT_FOUND, the wrong state
 * → FAILED_PRECONDITION, a duplicate → ALREADY_EXISTS, anything else about the input →
 * INVALID_ARGUMENT).
 */
export class OperatorError extends Error {
  constructor(
    message: string,
    readonly status: ErrorStatus = 'INVALID_ARGUMENT',
  ) {
    super(message);
  }
}

export const operatorNotFound = (message: string): OperatorError => new OperatorError(message, 'NOT_FOUND');

export const operatorPrecondition = (message: string): OperatorError =>
  new OperatorError(message, 'FAILED_PRECONDITION');

export const operatorDuplicate = (message: string): OperatorError =>
  new OperatorError(message, 'ALREADY_EXISTS');

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length]!;
}

/**
 * `unknown AZ "x" in cn-east-tz1 (known: a, b)`, or `(did you mean "createVpc"?)` when one
 * choice is a near miss: the message says what to type instead. `status`: INVALID_ARGUMENT for
 * a value given in a body, query or file (an enum, a reference); NOT_FOUND when the value names
 * the resource the request is about (the path of an operator API call).
 */
export function known(
  kind: string,
  value: string,
  choices: readonly string[],
  scope?: string,
  status: ErrorStatus = 'INVALID_ARGUMENT',
): OperatorError {
  const where = scope === undefined ? '' : ` in ${scope}`;
  const scored = choices.map((c) => ({ c, d: distance(value.toLowerCase(), c.toLowerCase()) }));
  const best = Math.min(...scored.map((x) => x.d));
  const closest = scored.filter((x) => x.d === best);
  // Suggest only a single clear near miss; a tie (cn-east-tz1a or …1b?) lists the choices.
  const near =
    closest.length === 1 && best <= Math.max(1, Math.floor(value.length / 4)) ? closest[0] : undefined;
  const list = choices.length > 12 ? `${choices.slice(0, 12).join(', ')}, …` : choices.join(', ');
  const hint = near ? ` (did you mean "${near.c}"?)` : choices.length ? ` (known: ${list})` : '';
  return new OperatorError(`unknown ${kind} "${value}"${where}${hint}`, status);
}
