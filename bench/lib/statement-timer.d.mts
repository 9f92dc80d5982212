export interface StatementTimer {
  recording: boolean;
  /** Per SQL text: how many times it ran and the milliseconds it took. */
  stats(): Map<string, { n: number; ms: number }>;
  reset(): void;
}
export function installStatementTimer(): StatementTimer;
export function aroundStatements(
  around: (statement: { source: string }, method: string, args: unknown[], run: () => unknown) => unknown,
): void;
