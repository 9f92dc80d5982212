import { Button, PageSection, Title, Toolbar, ToolbarContent, ToolbarItem } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import type { Page } from '../jd';
import { ConfirmModal, Empty, ErrorAlert, Loading, Pager } from './common';

export interface Column<T> {
  title: string;
  cell: (row: T) => ReactNode;
}

/**
 * A paged list of one resource kind with an optional create button and a confirmed per-row delete.
 * `fetch` gets the page and page size; `items` picks the rows from the result.
 */
export function ResourceList<T, R extends Page>({
  title,
  headingLevel = 'h2',
  queryKey,
  fetch,
  items,
  rowKey,
  columns,
  createLabel,
  onCreate,
  onDelete,
  deleteLabel = 'Delete',
  describe,
  emptyText,
}: {
  title: string;
  headingLevel?: 'h1' | 'h2';
  queryKey: unknown[];
  fetch: (page: number, perPage: number) => Promise<R>;
  items: (result: R) => T[];
  rowKey: (row: T) => string;
  columns: Column<T>[];
  createLabel?: string;
  onCreate?: () => void;
  onDelete?: (row: T) => Promise<unknown>;
  deleteLabel?: string;
  describe?: (row: T) => string;
  emptyText?: string;
}) {
  const [page, setPage] = useState(1);
  const [perPage, setPerPage] = useState(20);
  const [deleting, setDeleting] = useState<T | null>(null);
  const queryClient = useQueryClient();
  const q = useQuery({
    queryKey: [...queryKey, page, perPage],
    queryFn: () => fetch(page, perPage),
    placeholderData: keepPreviousData,
  });
  const rows = q.data ? items(q.data) : [];
  const total = q.data?.totalCount ?? 0;
  const change = (p: number, pp: number) => {
    setPage(p);
    setPerPage(pp);
  };
  return (
    <PageSection aria-label={title}>
      <Toolbar>
        <ToolbarContent>
          <ToolbarItem>
            <Title headingLevel={headingLevel}>{title}</Title>
          </ToolbarItem>
          {onCreate && createLabel ? (
            <ToolbarItem>
              <Button variant="primary" onClick={onCreate}>
                {createLabel}
              </Button>
            </ToolbarItem>
          ) : null}
          <ToolbarItem variant="pagination" align={{ default: 'alignEnd' }}>
            <Pager
              total={total}
              page={page}
              perPage={perPage}
              onChange={change}
              label={`${title} pagination`}
            />
          </ToolbarItem>
        </ToolbarContent>
      </Toolbar>
      <ErrorAlert error={q.error} title={`Could not list ${title.toLowerCase()}`} />
      {q.isPending ? (
        <Loading label={`Loading ${title.toLowerCase()}`} />
      ) : rows.length === 0 ? (
        <Empty title={`No ${title.toLowerCase()}`}>{emptyText}</Empty>
      ) : (
        <Table aria-label={title} variant="compact">
          <Thead>
            <Tr>
              {columns.map((c) => (
                <Th key={c.title}>{c.title}</Th>
              ))}
              {onDelete ? (
                <Th>
                  <span className="pf-v6-screen-reader">Actions</span>
                </Th>
              ) : null}
            </Tr>
          </Thead>
          <Tbody>
            {rows.map((row) => (
              <Tr key={rowKey(row)}>
                {columns.map((c) => (
                  <Td key={c.title} dataLabel={c.title}>
                    {c.cell(row)}
                  </Td>
                ))}
                {onDelete ? (
                  <Td dataLabel="Actions" isActionCell>
                    <Button
                      variant="secondary"
                      isDanger
                      size="sm"
                      aria-label={`${deleteLabel} ${describe ? describe(row) : rowKey(row)}`}
                      onClick={() => setDeleting(row)}
                    >
                      {deleteLabel}
                    </Button>
                  </Td>
                ) : null}
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      {deleting && onDelete ? (
        <ConfirmModal
          title={`${deleteLabel} ${describe ? describe(deleting) : rowKey(deleting)}?`}
          confirmLabel={deleteLabel}
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await onDelete(deleting);
            await queryClient.invalidateQueries({ queryKey: [queryKey[0]] });
          }}
        >
          This cannot be undone.
        </ConfirmModal>
      ) : null}
    </PageSection>
  );
}
