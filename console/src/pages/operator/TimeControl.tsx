import { Button, Form, PageSection, TextInput, Title } from '@patternfly/react-core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { admin } from '../../admin';
import { Details, ErrorAlert, Field, PageHeader } from '../../components/common';

/** The server's clock: advance (manual mode), set, or settle every due step. */
export default function TimeControl() {
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: ['admin', 'time'], queryFn: admin.time, refetchInterval: 5000 });
  const [seconds, setSeconds] = useState('60');
  const [time, setTime] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  const run = async (label: string, fn: () => Promise<unknown>) => {
    setError(null);
    setDone('');
    try {
      const r = await fn();
      setDone(`${label}: ${JSON.stringify(r)}`);
      await queryClient.invalidateQueries();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <PageHeader title="Time" />
      <PageSection>
        <ErrorAlert error={q.error ?? error} />
        {done ? <p role="status">{done}</p> : null}
        {q.data ? (
          <Details
            items={[
              ['Mode', q.data.mode],
              ['Server time', q.data.now],
            ]}
          />
        ) : null}
      </PageSection>
      <PageSection aria-label="Change time">
        <Title headingLevel="h2">Change time</Title>
        <Form
          onSubmit={(e) => {
            e.preventDefault();
            void run('Advanced', () => admin.advanceTime(Number(seconds)));
          }}
        >
          <Field
            label="Seconds to advance"
            fieldId="time-seconds"
            help="Manual time mode only; runs every step that becomes due."
          >
            <TextInput id="time-seconds" type="number" value={seconds} onChange={(_e, v) => setSeconds(v)} />
          </Field>
          <div>
            <Button type="submit" variant="primary">
              Advance
            </Button>
          </div>
        </Form>
        <Form
          onSubmit={(e) => {
            e.preventDefault();
            void run('Set', () => admin.setTime(time));
          }}
        >
          <Field
            label="Set time to"
            fieldId="time-set"
            help="ISO-8601 with a zone, e.g. 2030-01-01T00:00:00Z."
          >
            <TextInput id="time-set" value={time} onChange={(_e, v) => setTime(v)} />
          </Field>
          <div>
            <Button type="submit" variant="secondary" isDisabled={!time}>
              Set time
            </Button>
          </div>
        </Form>
        <div>
          <Button variant="secondary" onClick={() => void run('Settled', admin.settle)}>
            Settle
          </Button>
        </div>
      </PageSection>
    </>
  );
}
