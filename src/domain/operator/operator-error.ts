/**
 * A refused operator request (bad argument, unknown name, a device still in use). Operator
 * commands are not JD operations, so these are not ApiErrors: the CLI prints the message as
 * its one error line.
 */
export class OperatorError extends Error {}

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
 * choice is a near miss: the message says what to type instead.
 */
export function known(
  kind: string,
  value: string,
  choices: readonly string[],
  scope?: string,
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
  return new OperatorError(`unknown ${kind} "${value}"${where}${hint}`);
}
