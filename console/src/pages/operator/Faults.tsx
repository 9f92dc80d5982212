import { Button, PageSection, TextInput } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { admin } from '../../admin';
import { ConfirmModal, Empty, ErrorAlert, Field, Loading, PageHeader } from '../../components/common';
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
        <ErrorAlert error={q.error ?? error} />
        {q.isPending ? (
          <Loading />
        ) : !q.data?.faults.length ? (
          <Empty title="No faults">No fault is armed; every operation and step behaves normally.</Empty>
        ) : (
          <Table aria-label="Faults" variant="compact">
            <Thead>
              <Tr>
                <Th>Fault ID</Th>
                <Th>Target</Th>
                <Th>Scope</Th>
                <Th>Answer</Th>
                <Th>Remaining</Th>
                <Th>Fired</Th>
                <Th>Actions</Th>
              </Tr>
            </Thead>
            <Tbody>
              {q.data.faults.map((f) => (
                <Tr key={f.faultId}>
                  <Td dataLabel="Fault ID" className="edcps-mono">
                    {f.faultId}
                  </Td>
                  <Td dataLabel="Target">
                    {f.kind === 'step' ? `step ${f.step}` : `operation ${f.operation}`}
                  </Td>
                  <Td dataLabel="Scope">
                    {[f.instanceId, f.deviceType].filter(Boolean).join(', ') || 'any'}
                  </Td>
                  <Td dataLabel="Answer">
                    {f.code ? `${f.code} ${f.status} ${f.message}` : ''}
                    {f.delayMs ? ` delay ${f.delayMs} ms` : ''}
                  </Td>
                  <Td dataLabel="Remaining">{f.remaining ?? 'unlimited'}</Td>
                  <Td dataLabel="Fired">{f.fired}</Td>
                  <Td dataLabel="Actions">
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
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
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
