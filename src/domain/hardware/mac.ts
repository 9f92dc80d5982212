import { OperatorError } from '../operator/operator-error.js';

const MAC = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i;

/** `AA-BB-CC-DD-EE-FF` or `aa:bb:…` → `aa:bb:cc:dd:ee:ff`; undefined when it is not a MAC. */
export function normalizeMac(value: string): string | undefined {
  const v = value.trim();
  return MAC.test(v) ? v.toLowerCase().replace(/-/g, ':') : undefined;
}

/** Normalises a device's NIC list (boot NIC first); a bad or repeated MAC is refused. */
export function normalizeMacs(values: readonly string[], where: string): string[] {
  const out: string[] = [];
  for (const v of values) {
    const m = normalizeMac(v);
    if (m === undefined) {
      throw new OperatorError(`${where}: MAC "${v}" must be six hex pairs separated by : or -`);
    }
    if (out.includes(m)) throw new OperatorError(`${where}: MAC ${m} is given twice`);
    out.push(m);
  }
  return out;
}
