/**
 * A refused operator request (bad argument, unknown name, a device still in use). Operator
 * commands are not JD operations, so these are not ApiErrors: the CLI prints the message as
 * its one error line.
 */
export class OperatorError extends Error {}

export function known(kind: string, value: string, choices: readonly string[]): OperatorError {
  const list = choices.length > 12 ? `${choices.slice(0, 12).join(', ')}, …` : choices.join(', ');
  return new OperatorError(`unknown ${kind} "${value}"${choices.length ? ` (known: ${list})` : ''}`);
}
