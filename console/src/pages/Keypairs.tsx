import {
  Alert,
  Button,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextArea,
  TextInput,
} from '@patternfly/react-core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmModal, Field, fmtTime, PageHeader } from '../components/common';
import { useFieldErrors } from '../components/forms';
import { ResourceList } from '../components/ResourceList';
import { jd, type Keypair } from '../jd';
import { useSession } from '../session';

/** Saves text as a file through a blob: URL (an `<a download>` navigation; no network request). */
export function downloadText(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-pem-file' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export default function Keypairs() {
  const { region } = useSession();
  const [dialog, setDialog] = useState<'create' | 'import' | null>(null);
  const [created, setCreated] = useState<(Keypair & { privateKey: string }) | null>(null);
  return (
    <>
      <PageHeader title="Key pairs">
        <Button variant="secondary" onClick={() => setDialog('import')}>
          Import key pair
        </Button>
      </PageHeader>
      <ResourceList<Keypair, Awaited<ReturnType<typeof jd.keypairs>>>
        title="Key pairs"
        headingLevel="h2"
        queryKey={['keypairs', region]}
        fetch={(pageNumber, pageSize) => jd.keypairs(region, { pageNumber, pageSize })}
        items={(r) => r.keypairs}
        rowKey={(k) => k.keypairId}
        describe={(k) => `key pair ${k.name}`}
        columns={[
          { title: 'Key pair ID', cell: (k) => <span className="edcps-mono">{k.keypairId}</span> },
          { title: 'Name', cell: (k) => k.name },
          { title: 'Fingerprint', cell: (k) => <span className="edcps-mono">{k.fingerPrint}</span> },
          { title: 'Created', cell: (k) => fmtTime(k.createTime) },
        ]}
        createLabel="Create key pair"
        onCreate={() => setDialog('create')}
        onDelete={(k) => jd.deleteKeypair(region, k.keypairId)}
      />
      {dialog ? (
        <KeypairDialog
          kind={dialog}
          onClose={() => setDialog(null)}
          onCreated={(k) => {
            setDialog(null);
            setCreated(k);
          }}
        />
      ) : null}
      {created ? <PrivateKeyModal keypair={created} onClose={() => setCreated(null)} /> : null}
    </>
  );
}

function KeypairDialog({
  kind,
  onClose,
  onCreated,
}: {
  kind: 'create' | 'import';
  onClose: () => void;
  onCreated: (k: Keypair & { privateKey: string }) => void;
}) {
  const { region } = useSession();
  const queryClient = useQueryClient();
  const f = useFieldErrors();
  const [name, setName] = useState('');
  const [publicKey, setPublicKey] = useState('');
  return (
    <ConfirmModal
      title={kind === 'create' ? 'Create key pair' : 'Import key pair'}
      confirmLabel={kind === 'create' ? 'Create' : 'Import'}
      onClose={onClose}
      onConfirm={() =>
        f.run(async () => {
          if (kind === 'create') {
            const k = await jd.createKeypair(region, name);
            await queryClient.invalidateQueries({ queryKey: ['keypairs', region] });
            onCreated(k);
          } else {
            await jd.importKeypair(region, name, publicKey);
            await queryClient.invalidateQueries({ queryKey: ['keypairs', region] });
          }
        })
      }
    >
      <Field label="Key pair name" fieldId="keypair-name" isRequired error={f.of('name')}>
        <TextInput
          id="keypair-name"
          value={name}
          onChange={(_e, v) => setName(v)}
          validated={f.validated('name')}
          isRequired
        />
      </Field>
      {kind === 'import' ? (
        <Field
          label="Public key"
          fieldId="keypair-public-key"
          isRequired
          error={f.of('publicKey')}
          help="OpenSSH format, e.g. ssh-ed25519 AAAA…"
        >
          <TextArea
            id="keypair-public-key"
            value={publicKey}
            onChange={(_e, v) => setPublicKey(v)}
            validated={f.validated('publicKey')}
            isRequired
          />
        </Field>
      ) : null}
    </ConfirmModal>
  );
}

function PrivateKeyModal({
  keypair,
  onClose,
}: {
  keypair: Keypair & { privateKey: string };
  onClose: () => void;
}) {
  return (
    <Modal isOpen variant="medium" onClose={onClose} aria-labelledby="private-key-title">
      <ModalHeader title={`Key pair ${keypair.name} created`} labelId="private-key-title" />
      <ModalBody>
        <Alert variant="warning" isInline title="The private key is shown only this once">
          Download it now and keep it safe; the server does not keep a copy you can get back.
        </Alert>
        <Field label="Private key" fieldId="private-key">
          <TextArea
            id="private-key"
            value={keypair.privateKey}
            readOnlyVariant="default"
            rows={10}
            className="edcps-mono"
          />
        </Field>
        <Field label="Fingerprint" fieldId="private-key-fingerprint">
          <TextInput id="private-key-fingerprint" value={keypair.fingerPrint} readOnlyVariant="default" />
        </Field>
      </ModalBody>
      <ModalFooter>
        <Button variant="primary" onClick={() => downloadText(`${keypair.name}.pem`, keypair.privateKey)}>
          Download private key
        </Button>
        <Button variant="link" onClick={onClose}>
          Done
        </Button>
      </ModalFooter>
    </Modal>
  );
}
