import { Button, PageSection, SearchInput } from '@patternfly/react-core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { fmtTime, PageHeader, Pager, StatusLabel } from '../components/common';
import { DataTable } from '../components/DataTable';
import { FilterSelect, FilterToolbar } from '../components/FilterToolbar';
import { usePagedQuery } from '../components/usePagedQuery';
import { jd, STATUS_LIST, TRANSITIONAL_STATUSES, type Instance } from '../jd';
import { href, linkTo, navigate } from '../router';
import { useSession } from '../session';

/** The account's instances in the current region: paged, filtered, polled while anything moves. */
export default function Instances() {
  const { region } = useSession();
  const [name, setName] = useState('');
  const [status, setStatus] = useState('');
  const [az, setAz] = useState('');
  const regions = useQuery({ queryKey: ['regions'], queryFn: jd.regions, staleTime: 300_000 });
  const azs = regions.data?.regions.find((r) => r.region === region)?.azs ?? [];

  const { query: list, pager } = usePagedQuery({
    queryKey: ['instances', region, name, status, az],
    fetch: (pageNumber, pageSize) =>
      jd.instances(region, { pageNumber, pageSize, name, az }, status ? [status] : []),
    refetchInterval: (data) =>
      data?.instances.some((i) => TRANSITIONAL_STATUSES.has(i.status)) ? 2000 : false,
  });

  return (
    <>
      <PageHeader title="Instances">
        <Button variant="primary" onClick={() => navigate('/instances/create')}>
          Create instance
        </Button>
      </PageHeader>
      <PageSection aria-label="Instance list">
        <FilterToolbar pager={pager}>
          <SearchInput
            aria-label="Filter by name"
            placeholder="Filter by name"
            value={name}
            onChange={(_e, v) => setName(v)}
            onClear={() => setName('')}
          />
          <FilterSelect
            id="filter-status"
            label="Filter by status"
            allLabel="All statuses"
            options={STATUS_LIST}
            value={status}
            onChange={setStatus}
          />
          <FilterSelect
            id="filter-az"
            label="Filter by availability zone"
            allLabel="All availability zones"
            options={azs.map((a) => ({ value: a.az, label: a.azName ? `${a.azName} (${a.az})` : a.az }))}
            value={az}
            onChange={setAz}
          />
        </FilterToolbar>
        <DataTable<Instance>
          label="Instances"
          pending={list.isPending}
          error={list.error}
          errorTitle="Could not list instances"
          loadingLabel="Loading instances"
          emptyTitle="No instances"
          emptyText={
            name || status || az
              ? 'No instance matches these filters.'
              : 'This region has no instances yet. Use “Create instance” to start one.'
          }
          rows={list.data?.instances ?? []}
          rowKey={(i) => i.instanceId}
          rowProps={(i) => ({ 'data-instance-id': i.instanceId })}
          columns={[
            {
              title: 'Instance ID',
              cell: (i) => (
                <a
                  className="edcps-mono"
                  href={href(`/instances/${i.instanceId}`)}
                  onClick={linkTo(`/instances/${i.instanceId}`)}
                >
                  {i.instanceId}
                </a>
              ),
            },
            { title: 'Name', cell: (i) => i.name },
            { title: 'Status', cell: (i) => <StatusLabel status={i.status} /> },
            { title: 'Availability zone', cell: (i) => i.az },
            { title: 'Device type', cell: (i) => i.deviceType },
            { title: 'Private IP', cell: (i) => i.privateIp || '—' },
            { title: 'Public IP', cell: (i) => i.publicIp || '—' },
            { title: 'Created', cell: (i) => fmtTime(i.createTime) },
          ]}
        />
        {pager.total > 0 ? <Pager bottom {...pager} /> : null}
      </PageSection>
    </>
  );
}
