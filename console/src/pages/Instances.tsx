import {
  Button,
  FormSelect,
  FormSelectOption,
  PageSection,
  SearchInput,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Empty, ErrorAlert, fmtTime, Loading, PageHeader, Pager, StatusLabel } from '../components/common';
import { jd, STATUSES, TRANSITIONAL } from '../jd';
import { href, linkTo, navigate } from '../router';
import { useSession } from '../session';

/** The account's instances in the current region: paged, filtered, polled while anything moves. */
export default function Instances() {
  const { region } = useSession();
  const [page, setPage] = useState(1);
  const [perPage, setPerPage] = useState(20);
  const [name, setName] = useState('');
  const [status, setStatus] = useState('');
  const [az, setAz] = useState('');
  const regions = useQuery({ queryKey: ['regions'], queryFn: jd.regions, staleTime: 300_000 });
  const azs = regions.data?.regions.find((r) => r.region === region)?.azs ?? [];

  const list = useQuery({
    queryKey: ['instances', region, page, perPage, name, status, az],
    queryFn: () =>
      jd.instances(region, { pageNumber: page, pageSize: perPage, name, az }, status ? [status] : []),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.instances.some((i) => TRANSITIONAL.has(i.status)) ? 2000 : false),
  });
  const instances = list.data?.instances ?? [];
  const total = list.data?.totalCount ?? 0;

  return (
    <>
      <PageHeader title="Instances">
        <Button variant="primary" onClick={() => navigate('/instances/create')}>
          Create instance
        </Button>
      </PageHeader>
      <PageSection aria-label="Instance list">
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <SearchInput
                aria-label="Filter by name"
                placeholder="Filter by name"
                value={name}
                onChange={(_e, v) => {
                  setName(v);
                  setPage(1);
                }}
                onClear={() => setName('')}
              />
            </ToolbarItem>
            <ToolbarItem>
              <FormSelect
                id="filter-status"
                aria-label="Filter by status"
                value={status}
                onChange={(_e, v) => {
                  setStatus(v);
                  setPage(1);
                }}
              >
                <FormSelectOption value="" label="All statuses" />
                {STATUSES.map((s) => (
                  <FormSelectOption key={s} value={s} label={s} />
                ))}
              </FormSelect>
            </ToolbarItem>
            <ToolbarItem>
              <FormSelect
                id="filter-az"
                aria-label="Filter by availability zone"
                value={az}
                onChange={(_e, v) => {
                  setAz(v);
                  setPage(1);
                }}
              >
                <FormSelectOption value="" label="All availability zones" />
                {azs.map((a) => (
                  <FormSelectOption
                    key={a.az}
                    value={a.az}
                    label={a.azName ? `${a.azName} (${a.az})` : a.az}
                  />
                ))}
              </FormSelect>
            </ToolbarItem>
            <ToolbarItem variant="pagination" align={{ default: 'alignEnd' }}>
              <Pager
                total={total}
                page={page}
                perPage={perPage}
                onChange={(p, pp) => {
                  setPage(p);
                  setPerPage(pp);
                }}
              />
            </ToolbarItem>
          </ToolbarContent>
        </Toolbar>
        <ErrorAlert error={list.error} title="Could not list instances" />
        {list.isPending ? (
          <Loading label="Loading instances" />
        ) : instances.length === 0 ? (
          <Empty title="No instances">
            {name || status || az
              ? 'No instance matches these filters.'
              : 'This region has no instances yet. Use “Create instance” to start one.'}
          </Empty>
        ) : (
          <Table aria-label="Instances" variant="compact">
            <Thead>
              <Tr>
                <Th>Instance ID</Th>
                <Th>Name</Th>
                <Th>Status</Th>
                <Th>Availability zone</Th>
                <Th>Device type</Th>
                <Th>Private IP</Th>
                <Th>Public IP</Th>
                <Th>Created</Th>
              </Tr>
            </Thead>
            <Tbody>
              {instances.map((i) => (
                <Tr key={i.instanceId} data-instance-id={i.instanceId}>
                  <Td dataLabel="Instance ID">
                    <a
                      className="edcps-mono"
                      href={href(`/instances/${i.instanceId}`)}
                      onClick={linkTo(`/instances/${i.instanceId}`)}
                    >
                      {i.instanceId}
                    </a>
                  </Td>
                  <Td dataLabel="Name">{i.name}</Td>
                  <Td dataLabel="Status">
                    <StatusLabel status={i.status} />
                  </Td>
                  <Td dataLabel="Availability zone">{i.az}</Td>
                  <Td dataLabel="Device type">{i.deviceType}</Td>
                  <Td dataLabel="Private IP">{i.privateIp || '—'}</Td>
                  <Td dataLabel="Public IP">{i.publicIp || '—'}</Td>
                  <Td dataLabel="Created">{fmtTime(i.createTime)}</Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
        {total > 0 ? (
          <Pager
            bottom
            total={total}
            page={page}
            perPage={perPage}
            onChange={(p, pp) => {
              setPage(p);
              setPerPage(pp);
            }}
          />
        ) : null}
      </PageSection>
    </>
  );
}
