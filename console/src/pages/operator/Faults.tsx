import { Button, PageSection, TextInput } from '@patternfly/react-core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { admin } from '../../admin';
import { ConfirmModal, Field, PageHeader } from '../../components/common';
import { DataTable } from '../../components/DataTable';
import { useFieldErrors } from '../../components/forms';

/** Injected faults: an API operation or a provisioning step answers an error (or a delay). */
export default function Faults() {
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: ['admin', 'faults'], queryFn: admin.faults, refetchInterval: 5000 });
  const [adding, setAdding] = useState(false);
  const [clearAll, setClearAll] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admin', 'faults'] });
  return (
    <>
      <PageHeader title="Faults">
        <Button variant="primary" onClick={() => setAdding(true)}>
          Add fault
        </Button>
        <Button
          variant="secondary"
          isDanger
          onClick={() => setClearAll(true)}
          isDisabled={!q.data?.faults.length}
        >
          Clear all faults
        </Button>
      </PageHeader>
      <PageSection>
        <DataTable
          label="Faults"
          pending={q.isPending}
          error={q.error ?? error}
          emptyTitle="No faults"
          emptyText="No fault is armed; every operation and step behaves normally."
          rows={q.data?.faults ?? []}
          rowKey={(f) => f.faultId}
          columns={[
            { title: 'Fault ID', cell: (f) => f.faultId, className: 'edcps-mono' },
            {
              title: 'Target',
              cell: (f) => (f.kind === 'step' ? `step ${f.step}` : `operation ${f.operation}`),
            },
            { title: 'Scope', cell: (f) => [f.instanceId, f.deviceType].filter(Boolean).join(', ') || 'any' },
            {
              title: 'Answer',
              cell: (f) => (
                <>
                  {f.code ? `${f.code} ${f.status} ${f.message}` : ''}
                  {f.delayMs ? ` delay ${f.delayMs} ms` : ''}
                </>
              ),
            },
            { title: 'Remaining', cell: (f) => f.remaining ?? 'unlimited' },
            { title: 'Fired', cell: (f) => f.fired },
            {
              title: 'Actions',
              cell: (f) => (
                <Button
                  size="sm"
                  variant="secondary"
                  aria-label={`Clear fault ${f.faultId}`}
                  onClick={async () => {
                    setError(null);
                    try {
                      await admin.clearFault(f.faultId);
                      await refresh();
                    } catch (e) {
                      setError(e);
                    }
                  }}
                >
                  Clear
                </Button>
              ),
            },
          ]}
        />
      </PageSection>
      {clearAll ? (
        <ConfirmModal
          title="Clear every fault?"
          confirmLabel="Clear all"
          danger
          onClose={() => setClearAll(false)}
          onConfirm={async () => {
            await admin.clearFaults();
            await refresh();
          }}
        />
      ) : null}
      {adding ? <AddFault onClose={() => setAdding(false)} onDone={() => void refresh()} /> : null}
    </>
  );
}

function AddFault({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const f = useFieldErrors();
  const [v, setV] = useState({
    operation: '',
    step: '',
    instanceId: '',
    deviceType: '',
    code: '',
    status: '',
    message: '',
    times: '',
    probability: '',
    delayMs: '',
  });
  const input = (key: keyof typeof v, label: string, help?: string) => (
    <Field label={label} fieldId={`fault-${key}`} error={f.of(key)} help={help}>
      <TextInput
        id={`fault-${key}`}
        value={v[key]}
        onChange={(_e, x) => setV({ ...v, [key]: x })}
        validated={f.validated(key)}
      />
    </Field>
  );
  return (
    <ConfirmModal
      title="Add fault"
      confirmLabel="Add"
      onClose={onClose}
      onConfirm={() =>
        f.run(async () => {
          const body: Record<string, unknown> = {};
          for (const [k, x] of Object.entries(v)) {
            if (x === '') continue;
            body[k] = ['code', 'times', 'probability', 'delayMs'].includes(k) ? Number(x) : x;
          }
          await admin.addFault(body);
          onDone();
        })
      }
    >
      {input('operation', 'Operation', 'A JD operation name, e.g. createInstances; or give a step.')}
      {input('step', 'Step', 'A provisioning step, e.g. power-on.')}
      {input('instanceId', 'Instance ID')}
      {input('deviceType', 'Device type')}
      {input('code', 'HTTP code')}
      {input('status', 'Error status', 'e.g. INTERNAL, UNAVAILABLE')}
      {input('message', 'Message')}
      {input('times', 'Times', 'How many times it fires; empty = until cleared.')}
      {input('probability', 'Probability', '0 to 1.')}
      {input('delayMs', 'Delay (ms)')}
    </ConfirmModal>
  );
}
