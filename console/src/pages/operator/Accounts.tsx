import {
  Alert,
  Button,
  ClipboardCopy,
  FormSelect,
  FormSelectOption,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  PageSection,
  TextInput,
  Title,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { admin, type Account } from '../../admin';
import {
  ConfirmModal,
  Details,
  ErrorAlert,
  Field,
  fmtTime,
  PageHeader,
  StatusLabel,
} from '../../components/common';
import { useFieldErrors } from '../../components/forms';
import { ResourceList } from '../../components/ResourceList';
import { useSession } from '../../session';

interface Secret {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export default function Accounts() {
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<Secret | null>(null);
  const [selected, setSelected] = useState<Account | null>(null);
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <PageHeader title="Accounts" />
      <ErrorAlert error={error} />
      <ResourceList<Account, Awaited<ReturnType<typeof admin.accounts>>>
        title="Accounts"
        queryKey={['admin', 'accounts']}
        fetch={(pageNumber, pageSize) => admin.accounts({ pageNumber, pageSize })}
        items={(r) => r.accounts}
        rowKey={(a) => a.accountId}
        columns={[
          {
            title: 'Name',
            cell: (a) => (
              <Button
                variant="link"
                isInline
                onClick={() => setSelected(a)}
                aria-label={`Show account ${a.name}`}
              >
                {a.name}
              </Button>
            ),
          },
          { title: 'Account ID', cell: (a) => <span className="edcps-mono">{a.accountId}</span> },
          { title: 'Role', cell: (a) => a.role },
          { title: 'Status', cell: (a) => <StatusLabel status={a.status} /> },
          { title: 'Created', cell: (a) => fmtTime(a.createdAt) },
          {
            title: 'Enabled',
            cell: (a) => (
              <Button
                size="sm"
                variant="secondary"
                aria-label={`${a.status === 'active' ? 'Disable' : 'Enable'} account ${a.name}`}
                onClick={async () => {
                  setError(null);
                  try {
                    await admin.setAccountEnabled(a.accountId, a.status !== 'active');
                    await queryClient.invalidateQueries({ queryKey: ['admin', 'accounts'] });
                  } catch (e) {
                    setError(e);
                  }
                }}
              >
                {a.status === 'active' ? 'Disable' : 'Enable'}
              </Button>
            ),
          },
        ]}
        createLabel="Create account"
        onCreate={() => setCreating(true)}
      />
      {selected ? <AccountPanel account={selected} onSecret={setSecret} /> : null}
      {creating ? (
        <CreateAccount
          onClose={() => setCreating(false)}
          onCreated={(s) => {
            setCreating(false);
            setSecret(s);
          }}
        />
      ) : null}
      {secret ? <SecretModal secret={secret} onClose={() => setSecret(null)} /> : null}
    </>
  );
}

function AccountPanel({ account, onSecret }: { account: Account; onSecret: (s: Secret) => void }) {
  const { region } = useSession();
  const queryClient = useQueryClient();
  const keys = useQuery({
    queryKey: ['admin', 'keys', account.accountId],
    queryFn: () => admin.accessKeys(account.accountId),
  });
  const quota = useQuery({
    queryKey: ['admin', 'quota', account.accountId, region],
    queryFn: () => admin.quota(account.accountId, region),
  });
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admin', 'keys', account.accountId] });
  return (
    <PageSection aria-label={`Account ${account.name}`}>
      <Title headingLevel="h2">Account {account.name}</Title>
      <ErrorAlert error={error ?? keys.error ?? quota.error} />
      <Title headingLevel="h3">Quota in {region}</Title>
      {quota.data ? (
        <Details
          items={[
            ['Instances', String(quota.data.quota.instances)],
            ['Elastic IPs', String(quota.data.quota.elasticIps)],
            ['Key pairs', String(quota.data.quota.keypairs)],
          ]}
        />
      ) : null}
      <Button variant="secondary" onClick={() => setEditing(true)}>
        Edit quota
      </Button>
      <Title headingLevel="h3">Access keys</Title>
      <Button
        variant="secondary"
        onClick={async () => {
          setError(null);
          try {
            onSecret(await admin.createAccessKey(account.accountId));
            await refresh();
          } catch (e) {
            setError(e);
          }
        }}
      >
        Create access key
      </Button>
      <Table aria-label={`Access keys of ${account.name}`} variant="compact">
        <Thead>
          <Tr>
            <Th>Access key ID</Th>
            <Th>Status</Th>
            <Th>Created</Th>
            <Th>Actions</Th>
          </Tr>
        </Thead>
        <Tbody>
          {(keys.data?.accessKeys ?? []).map((k) => (
            <Tr key={k.accessKeyId}>
              <Td dataLabel="Access key ID" className="edcps-mono">
                {k.accessKeyId}
              </Td>
              <Td dataLabel="Status">{k.status}</Td>
              <Td dataLabel="Created">{fmtTime(k.createdAt)}</Td>
              <Td dataLabel="Actions">
                <Button
                  size="sm"
                  variant="secondary"
                  isDanger
                  isDisabled={k.status !== 'active'}
                  aria-label={`Revoke ${k.accessKeyId}`}
                  onClick={async () => {
                    setError(null);
                    try {
                      await admin.revokeAccessKey(k.accessKeyId);
                      await refresh();
                    } catch (e) {
                      setError(e);
                    }
                  }}
                >
                  Revoke
                </Button>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      {editing && quota.data ? (
        <QuotaDialog account={account} current={quota.data.quota} onClose={() => setEditing(false)} />
      ) : null}
    </PageSection>
  );
}

function QuotaDialog({
  account,
  current,
  onClose,
}: {
  account: Account;
  current: { instances: number; elasticIps: number; keypairs: number };
  onClose: () => void;
}) {
  const { region } = useSession();
  const queryClient = useQueryClient();
  const [v, setV] = useState({ ...current });
  return (
    <ConfirmModal
      title={`Quota of ${account.name} in ${region}`}
      confirmLabel="Save"
      onClose={onClose}
      onConfirm={async () => {
        await admin.setQuota(account.accountId, region, v);
        await queryClient.invalidateQueries({ queryKey: ['admin', 'quota', account.accountId] });
      }}
    >
      {(['instances', 'elasticIps', 'keypairs'] as const).map((k) => (
        <Field
          key={k}
          label={{ instances: 'Instances', elasticIps: 'Elastic IPs', keypairs: 'Key pairs' }[k]}
          fieldId={`quota-${k}`}
        >
          <TextInput
            id={`quota-${k}`}
            type="number"
            value={v[k]}
            onChange={(_e, x) => setV({ ...v, [k]: Number(x) })}
          />
        </Field>
      ))}
    </ConfirmModal>
  );
}

function CreateAccount({ onClose, onCreated }: { onClose: () => void; onCreated: (s: Secret) => void }) {
  const queryClient = useQueryClient();
  const f = useFieldErrors();
  const [name, setName] = useState('');
  const [role, setRole] = useState('user');
  return (
    <ConfirmModal
      title="Create account"
      confirmLabel="Create"
      onClose={onClose}
      onConfirm={() =>
        f.run(async () => {
          const r = await admin.createAccount(name, role);
          await queryClient.invalidateQueries({ queryKey: ['admin', 'accounts'] });
          onCreated(r);
        })
      }
    >
      <Field label="Account name" fieldId="account-name" isRequired error={f.of('name')}>
        <TextInput
          id="account-name"
          value={name}
          onChange={(_e, v) => setName(v)}
          validated={f.validated('name')}
        />
      </Field>
      <Field label="Role" fieldId="account-role" error={f.of('role')}>
        <FormSelect id="account-role" value={role} onChange={(_e, v) => setRole(v)}>
          <FormSelectOption value="user" label="user" />
          <FormSelectOption value="operator" label="operator" />
        </FormSelect>
      </Field>
    </ConfirmModal>
  );
}

function SecretModal({ secret, onClose }: { secret: Secret; onClose: () => void }) {
  return (
    <Modal isOpen variant="medium" onClose={onClose} aria-labelledby="secret-title">
      <ModalHeader title="New access key" labelId="secret-title" />
      <ModalBody>
        <Alert variant="warning" isInline title="The secret is shown only this once" />
        <Field label="Access key ID" fieldId="new-access-key-id">
          <ClipboardCopy isReadOnly hoverTip="Copy" clickTip="Copied" textAriaLabel="New access key ID">
            {secret.accessKeyId}
          </ClipboardCopy>
        </Field>
        <Field label="Secret access key" fieldId="new-secret-access-key">
          <ClipboardCopy isReadOnly hoverTip="Copy" clickTip="Copied" textAriaLabel="New secret access key">
            {secret.secretAccessKey}
          </ClipboardCopy>
        </Field>
      </ModalBody>
      <ModalFooter>
        <Button variant="primary" onClick={onClose}>
          Done
        </Button>
      </ModalFooter>
    </Modal>
  );
}
