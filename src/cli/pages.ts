import type { OperatorCall } from './admin.js';

/** The largest page the operator API serves (docs/admin-api.md, "Paging"). */
export const MAX_PAGE_SIZE = 100;

/**
 * Every item of a paged operator list (`describeAccounts`, `describeDevices`, …), fetched page
 * by page (pageSize 100) until `totalCount` items came or a page came back empty: the CLI's lists
 * print everything, as they did before they were paged. Items added or removed while the pages
 * are fetched may be missed or seen twice; the result is not a snapshot.
 */
export async function allPages<T>(
  call: OperatorCall,
  operation: string,
  key: string,
  input: Readonly<Record<string, unknown>> = {},
): Promise<T[]> {
  const items: T[] = [];
  for (let pageNumber = 1; ; pageNumber++) {
    const page = await call<Record<string, unknown>>(operation, {
      ...input,
      pageNumber,
      pageSize: MAX_PAGE_SIZE,
    });
    const got = page[key];
    if (!Array.isArray(got)) throw new Error(`${operation}: the answer has no "${key}" list`);
    items.push(...(got as T[]));
    const total = Number(page.totalCount);
    if (got.length === 0 || got.length < MAX_PAGE_SIZE || items.length >= total) return items;
  }
}
