export type Dialect = 'sqlite' | 'postgres';

export function dialectOf(databaseUrl: string): Dialect {
  return /^postgres(ql)?:\/\//.test(databaseUrl) ? 'postgres' : 'sqlite';
}

/** `sqlite:./data/x.db`, `file:x.db`, `x.db` or `:memory:` → the file path better-sqlite3 opens. */
export function sqlitePath(databaseUrl: string): string {
  return databaseUrl.replace(/^sqlite:(\/\/)?/, '').replace(/^file:/, '');
}
