import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { ReactNode } from 'react';
import { Empty, ErrorAlert, Loading } from './common';

export interface Column<T> {
  /** Header text, and the cell's label when the table stacks on a narrow screen. */
  title: string;
  cell: (row: T) => ReactNode;
  /** Header content instead of the title, e.g. a label only screen readers read. */
  header?: ReactNode;
  className?: string;
  isActionCell?: boolean;
}

/**
 * A list's body: the API's error, a spinner until the first answer, an empty state (when
 * `emptyTitle` is given; without it an empty table shows its headers), or the table.
 */
export function DataTable<T>({
  label,
  columns,
  rows,
  rowKey,
  rowProps,
  pending,
  error,
  errorTitle,
  loadingLabel,
  emptyTitle,
  emptyText,
}: {
  /** The table's accessible name. */
  label: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T, index: number) => string;
  /** Extra attributes per row, e.g. a data attribute tests find it by. */
  rowProps?: (row: T) => Record<string, string>;
  pending: boolean;
  error?: unknown;
  errorTitle?: string;
  loadingLabel?: string;
  emptyTitle?: string;
  emptyText?: ReactNode;
}) {
  return (
    <>
      <ErrorAlert error={error} title={errorTitle} />
      {pending ? (
        <Loading label={loadingLabel} />
      ) : emptyTitle !== undefined && rows.length === 0 ? (
        <Empty title={emptyTitle}>{emptyText}</Empty>
      ) : (
        <Table aria-label={label} variant="compact">
          <Thead>
            <Tr>
              {columns.map((c) => (
                <Th key={c.title}>{c.header ?? c.title}</Th>
              ))}
            </Tr>
          </Thead>
          <Tbody>
            {rows.map((row, n) => (
              <Tr key={rowKey(row, n)} {...rowProps?.(row)}>
                {columns.map((c) => (
                  <Td key={c.title} dataLabel={c.title} className={c.className} isActionCell={c.isActionCell}>
                    {c.cell(row)}
                  </Td>
                ))}
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </>
  );
}
