import { PageSection, TextInput, Toolbar, ToolbarContent, ToolbarItem } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { admin } from '../../admin';
import { Empty, ErrorAlert, fmtTime, Loading, PageHeader, Pager } from '../../components/common';

/** The fleet-wide event feed, newest first. */
export default function Events() {
  const [page, setPage] = useState(1);
  const [perPage, setPerPage] = useState(50);
  const [instanceId, setInstanceId] = useState('');
  const [accountId, setAccountId] = useState('');
  const q = useQuery({
    queryKey: ['admin', 'events', page, perPage, instanceId, accountId],
    queryFn: () => admin.events({ pageNumber: page, pageSize: perPage, instanceId, accountId }),
    placeholderData: keepPreviousData,
    refetchInterval: 5000,
  });
  return (
    <>
      <PageHeader title="Events" />
      <PageSection>
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <TextInput
                aria-label="Filter by instance ID"
                placeholder="Instance ID"
                value={instanceId}
                onChange={(_e, v) => setInstanceId(v)}
              />
            </ToolbarItem>
            <ToolbarItem>
              <TextInput
                aria-label="Filter by account"
                placeholder="Account ID"
                value={accountId}
                onChange={(_e, v) => setAccountId(v)}
              />
            </ToolbarItem>
            <ToolbarItem variant="pagination" align={{ default: 'alignEnd' }}>
              <Pager
                total={q.data?.totalCount ?? 0}
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
        <ErrorAlert error={q.error} />
        {q.isPending ? (
          <Loading />
        ) : !q.data?.events.length ? (
          <Empty title="No events" />
        ) : (
          <Table aria-label="Events" variant="compact">
            <Thead>
              <Tr>
                <Th>Time</Th>
                <Th>Instance</Th>
                <Th>Account</Th>
                <Th>Region</Th>
                <Th>Kind</Th>
                <Th>Change</Th>
                <Th>Step</Th>
                <Th>Reason</Th>
              </Tr>
            </Thead>
            <Tbody>
              {q.data.events.map((e, n) => (
                <Tr key={`${e.time}-${e.instanceId}-${n}`}>
                  <Td dataLabel="Time">{fmtTime(e.time)}</Td>
                  <Td dataLabel="Instance" className="edcps-mono">
                    {e.instanceId}
                  </Td>
                  <Td dataLabel="Account">{e.accountId}</Td>
                  <Td dataLabel="Region">{e.regionId}</Td>
                  <Td dataLabel="Kind">{e.kind}</Td>
                  <Td dataLabel="Change">{e.from || e.to ? `${e.from ?? '—'} → ${e.to ?? '—'}` : ''}</Td>
                  <Td dataLabel="Step">{e.step ?? ''}</Td>
                  <Td dataLabel="Reason">{e.reason ?? ''}</Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </PageSection>
    </>
  );
}
