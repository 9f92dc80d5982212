import { PageSection } from '@patternfly/react-core';
import { useState } from 'react';
import { admin } from '../../admin';
import { fmtTime, PageHeader, StatusLabel } from '../../components/common';
import { DataTable } from '../../components/DataTable';
import { FilterText, FilterToolbar } from '../../components/FilterToolbar';
import { usePagedQuery } from '../../components/usePagedQuery';
import { TRANSITIONAL_STATUSES } from '../../jd';
import { useSession } from '../../session';

/** Every account's instances in the current region. */
export default function AllInstances() {
  const { region } = useSession();
  const [account, setAccount] = useState('');
  const { query: q, pager } = usePagedQuery({
    queryKey: ['admin', 'instances', region, account],
    fetch: (pageNumber, pageSize) =>
      admin.allInstances({ regionId: region, accountId: account, pageNumber, pageSize }),
    refetchInterval: (data) =>
      data?.instances.some((i) => TRANSITIONAL_STATUSES.has(i.status)) ? 2000 : false,
  });
  return (
    <>
      <PageHeader title="All instances" />
      <PageSection>
        <FilterToolbar pager={pager}>
          <FilterText
            label="Filter by account"
            placeholder="Account ID or name"
            value={account}
            onChange={setAccount}
          />
        </FilterToolbar>
        <DataTable
          label="All instances"
          pending={q.isPending}
          error={q.error}
          emptyTitle="No instances"
          rows={q.data?.instances ?? []}
          rowKey={(i) => i.instanceId}
          columns={[
            { title: 'Instance ID', cell: (i) => i.instanceId, className: 'edcps-mono' },
            { title: 'Account', cell: (i) => i.accountName },
            { title: 'Name', cell: (i) => i.name },
            { title: 'Status', cell: (i) => <StatusLabel status={i.status} /> },
            { title: 'Availability zone', cell: (i) => i.az },
            { title: 'Device type', cell: (i) => i.deviceType },
            { title: 'Private IP', cell: (i) => i.privateIp },
            { title: 'Created', cell: (i) => fmtTime(i.createdAt) },
          ]}
        />
      </PageSection>
    </>
  );
}
