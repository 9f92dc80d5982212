/** Database errors translated at the store edge, so the domain never sees driver codes. */
export function isUniqueViolation(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const code = (e as { code?: unknown }).code;
  // PostgreSQL unique_violation; better-sqlite3 constraint codes.
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Serialization failures and deadlocks are safe to retry as a whole transaction. */
export function isRetryableTxError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const code = (e as { code?: unknown }).code;
  return code === '40001' || code === '40P01' || code === 'SQLITE_BUSY';
}
