import { Button, PageSection, Title } from '@patternfly/react-core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Page } from '../jd';
import { ConfirmModal } from './common';
import { DataTable, type Column } from './DataTable';
import { FilterToolbar } from './FilterToolbar';
import { usePagedQuery } from './usePagedQuery';

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
  const [deleting, setDeleting] = useState<T | null>(null);
  const queryClient = useQueryClient();
  const { query: q, pager } = usePagedQuery({ queryKey, fetch });
  const name = (row: T) => (describe ? describe(row) : rowKey(row));
  return (
    <PageSection aria-label={title}>
      <FilterToolbar pager={{ ...pager, label: `${title} pagination` }}>
        <Title headingLevel={headingLevel}>{title}</Title>
        {onCreate && createLabel ? (
          <Button variant="primary" onClick={onCreate}>
            {createLabel}
          </Button>
        ) : null}
      </FilterToolbar>
      <DataTable
        label={title}
        pending={q.isPending}
        error={q.error}
        errorTitle={`Could not list ${title.toLowerCase()}`}
        loadingLabel={`Loading ${title.toLowerCase()}`}
        emptyTitle={`No ${title.toLowerCase()}`}
        emptyText={emptyText}
        rows={q.data ? items(q.data) : []}
        rowKey={rowKey}
        columns={
          onDelete
            ? [
                ...columns,
                {
                  title: 'Actions',
                  header: <span className="pf-v6-screen-reader">Actions</span>,
                  isActionCell: true,
                  cell: (row) => (
                    <Button
                      variant="secondary"
                      isDanger
                      size="sm"
                      aria-label={`${deleteLabel} ${name(row)}`}
                      onClick={() => setDeleting(row)}
                    >
                      {deleteLabel}
                    </Button>
                  ),
                },
              ]
            : columns
        }
      />
      {deleting && onDelete ? (
        <ConfirmModal
          title={`${deleteLabel} ${name(deleting)}?`}
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
