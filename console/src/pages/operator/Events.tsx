import { PageSection } from '@patternfly/react-core';
import { useState } from 'react';
import { admin } from '../../admin';
import { fmtTime, PageHeader } from '../../components/common';
import { DataTable } from '../../components/DataTable';
import { FilterText, FilterToolbar } from '../../components/FilterToolbar';
import { usePagedQuery } from '../../components/usePagedQuery';

/** The fleet-wide event feed, newest first. */
export default function Events() {
  const [instanceId, setInstanceId] = useState('');
  const [accountId, setAccountId] = useState('');
  const { query: q, pager } = usePagedQuery({
    queryKey: ['admin', 'events', instanceId, accountId],
    fetch: (pageNumber, pageSize) => admin.events({ pageNumber, pageSize, instanceId, accountId }),
    perPage: 50,
    refetchInterval: 5000,
  });
  return (
    <>
      <PageHeader title="Events" />
      <PageSection>
        <FilterToolbar pager={pager}>
          <FilterText
            label="Filter by instance ID"
            placeholder="Instance ID"
            value={instanceId}
            onChange={setInstanceId}
          />
          <FilterText
            label="Filter by account"
            placeholder="Account ID"
            value={accountId}
            onChange={setAccountId}
          />
        </FilterToolbar>
        <DataTable
          label="Events"
          pending={q.isPending}
          error={q.error}
          emptyTitle="No events"
          rows={q.data?.events ?? []}
          rowKey={(e, n) => `${e.time}-${e.instanceId}-${n}`}
          columns={[
            { title: 'Time', cell: (e) => fmtTime(e.time) },
            { title: 'Instance', cell: (e) => e.instanceId, className: 'edcps-mono' },
            { title: 'Account', cell: (e) => e.accountId },
            { title: 'Region', cell: (e) => e.regionId },
            { title: 'Kind', cell: (e) => e.kind },
            { title: 'Change', cell: (e) => (e.from || e.to ? `${e.from ?? '—'} → ${e.to ?? '—'}` : '') },
            { title: 'Step', cell: (e) => e.step ?? '' },
            { title: 'Reason', cell: (e) => e.reason ?? '' },
          ]}
        />
      </PageSection>
    </>
  );
}
