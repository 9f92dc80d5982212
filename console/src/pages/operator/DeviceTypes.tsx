import { Button, Label, PageSection } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { admin } from '../../admin';
import { ErrorAlert, Loading, PageHeader } from '../../components/common';
import { useSession } from '../../session';

/** Device types of the region: on sale or sold out, with their stock. */
export default function DeviceTypes() {
  const { region } = useSession();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const q = useQuery({
    queryKey: ['admin', 'deviceTypes', region],
    queryFn: () => admin.deviceTypes(region),
  });
  const toggle = async (type: string, soldOut: boolean) => {
    setError(null);
    try {
      await admin.setSoldOut(region, type, soldOut);
      await queryClient.invalidateQueries({ queryKey: ['admin'] });
      await queryClient.invalidateQueries({ queryKey: ['deviceTypes'] });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <PageHeader title="Device types" />
      <PageSection>
        <ErrorAlert error={q.error ?? error} />
        {q.isPending ? (
          <Loading />
        ) : (
          <Table aria-label="Device types" variant="compact">
            <Thead>
              <Tr>
                <Th>Device type</Th>
                <Th>Name</Th>
                <Th>Sale</Th>
                <Th>Available</Th>
                <Th>Allocated</Th>
                <Th>Retired</Th>
                <Th>Actions</Th>
              </Tr>
            </Thead>
            <Tbody>
              {(q.data?.deviceTypes ?? []).map((t) => (
                <Tr key={t.deviceType}>
                  <Td dataLabel="Device type">{t.deviceType}</Td>
                  <Td dataLabel="Name">{t.name}</Td>
                  <Td dataLabel="Sale">
                    <Label color={t.soldOut ? 'red' : 'green'}>{t.soldOut ? 'sold out' : 'on sale'}</Label>
                  </Td>
                  <Td dataLabel="Available">{t.available}</Td>
                  <Td dataLabel="Allocated">{t.allocated}</Td>
                  <Td dataLabel="Retired">{t.retired}</Td>
                  <Td dataLabel="Actions">
                    {t.soldOut ? (
                      <Button
                        size="sm"
                        variant="secondary"
                        aria-label={`Put on sale: ${t.deviceType}`}
                        onClick={() => void toggle(t.deviceType, false)}
                      >
                        Put on sale
                      </Button>
                    ) : (
                      <Button
                        size="sm"
                        variant="secondary"
                        aria-label={`Mark sold out: ${t.deviceType}`}
                        onClick={() => void toggle(t.deviceType, true)}
                      >
                        Mark sold out
                      </Button>
                    )}
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </PageSection>
    </>
  );
}
