import { PageSection, TextInput, Toolbar, ToolbarContent, ToolbarItem } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { admin } from '../../admin';
import { Empty, ErrorAlert, fmtTime, Loading, PageHeader, Pager, StatusLabel } from '../../components/common';
import { TRANSITIONAL } from '../../jd';
import { useSession } from '../../session';

/** Every account's instances in the current region. */
export default function AllInstances() {
  const { region } = useSession();
  const [page, setPage] = useState(1);
  const [perPage, setPerPage] = useState(20);
  const [account, setAccount] = useState('');
  const q = useQuery({
    queryKey: ['admin', 'instances', region, page, perPage, account],
    queryFn: () =>
      admin.allInstances({ regionId: region, accountId: account, pageNumber: page, pageSize: perPage }),
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      query.state.data?.instances.some((i) => TRANSITIONAL.has(i.status)) ? 2000 : false,
  });
  return (
    <>
      <PageHeader title="All instances" />
      <PageSection>
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <TextInput
                aria-label="Filter by account"
                placeholder="Account ID or name"
                value={account}
                onChange={(_e, v) => setAccount(v)}
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
        ) : !q.data?.instances.length ? (
          <Empty title="No instances" />
        ) : (
          <Table aria-label="All instances" variant="compact">
            <Thead>
              <Tr>
                <Th>Instance ID</Th>
                <Th>Account</Th>
                <Th>Name</Th>
                <Th>Status</Th>
                <Th>Availability zone</Th>
                <Th>Device type</Th>
                <Th>Private IP</Th>
                <Th>Created</Th>
              </Tr>
            </Thead>
            <Tbody>
              {q.data.instances.map((i) => (
                <Tr key={i.instanceId}>
                  <Td dataLabel="Instance ID" className="edcps-mono">
                    {i.instanceId}
                  </Td>
                  <Td dataLabel="Account">{i.accountName}</Td>
                  <Td dataLabel="Name">{i.name}</Td>
                  <Td dataLabel="Status">
                    <StatusLabel status={i.status} />
                  </Td>
                  <Td dataLabel="Availability zone">{i.az}</Td>
                  <Td dataLabel="Device type">{i.deviceType}</Td>
                  <Td dataLabel="Private IP">{i.privateIp}</Td>
                  <Td dataLabel="Created">{fmtTime(i.createdAt)}</Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </PageSection>
    </>
  );
}
