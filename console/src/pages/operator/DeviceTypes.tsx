import { Button, Label, PageSection } from '@patternfly/react-core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { admin } from '../../admin';
import { PageHeader } from '../../components/common';
import { DataTable } from '../../components/DataTable';
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
        <DataTable
          label="Device types"
          pending={q.isPending}
          error={q.error ?? error}
          rows={q.data?.deviceTypes ?? []}
          rowKey={(t) => t.deviceType}
          columns={[
            { title: 'Device type', cell: (t) => t.deviceType },
            { title: 'Name', cell: (t) => t.name },
            {
              title: 'Sale',
              cell: (t) => (
                <Label color={t.soldOut ? 'red' : 'green'}>{t.soldOut ? 'sold out' : 'on sale'}</Label>
              ),
            },
            { title: 'Available', cell: (t) => t.available },
            { title: 'Allocated', cell: (t) => t.allocated },
            { title: 'Retired', cell: (t) => t.retired },
            {
              title: 'Actions',
              cell: (t) =>
                t.soldOut ? (
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
                ),
            },
          ]}
        />
      </PageSection>
    </>
  );
}
