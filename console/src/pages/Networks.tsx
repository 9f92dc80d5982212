import { FormSelect, FormSelectOption, TextInput } from '@patternfly/react-core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmModal, Field, fmtTime, PageHeader } from '../components/common';
import { useFieldErrors } from '../components/forms';
import { ResourceList } from '../components/ResourceList';
import { jd, type Subnet, type Vpc } from '../jd';
import { useSession } from '../session';

export default function Networks() {
  const { region } = useSession();
  const [dialog, setDialog] = useState<'vpc' | 'subnet' | null>(null);
  return (
    <>
      <PageHeader title="VPCs and subnets" />
      <ResourceList<Vpc, Awaited<ReturnType<typeof jd.vpcs>>>
        title="VPCs"
        queryKey={['vpcs', region]}
        fetch={(pageNumber, pageSize) => jd.vpcs(region, { pageNumber, pageSize })}
        items={(r) => r.vpcs}
        rowKey={(v) => v.vpcId}
        describe={(v) => `VPC ${v.name || v.vpcId}`}
        columns={[
          { title: 'VPC ID', cell: (v) => <span className="edcps-mono">{v.vpcId}</span> },
          { title: 'Name', cell: (v) => v.name },
          { title: 'CIDR', cell: (v) => v.cidr },
          { title: 'Description', cell: (v) => v.description || '—' },
          { title: 'Created', cell: (v) => fmtTime(v.createTime) },
        ]}
        createLabel="Create VPC"
        onCreate={() => setDialog('vpc')}
        onDelete={(v) => jd.deleteVpc(region, v.vpcId)}
        emptyText="A default VPC is created on first use when an instance is created without a subnet."
      />
      <ResourceList<Subnet, Awaited<ReturnType<typeof jd.subnets>>>
        title="Subnets"
        queryKey={['subnets', region]}
        fetch={(pageNumber, pageSize) => jd.subnets(region, { pageNumber, pageSize })}
        items={(r) => r.subnets}
        rowKey={(n) => n.subnetId}
        describe={(n) => `subnet ${n.name || n.subnetId}`}
        columns={[
          { title: 'Subnet ID', cell: (n) => <span className="edcps-mono">{n.subnetId}</span> },
          { title: 'Name', cell: (n) => n.name },
          { title: 'CIDR', cell: (n) => n.cidr },
          { title: 'VPC', cell: (n) => n.vpcName || n.vpcId },
          { title: 'Availability zone', cell: (n) => n.az },
          { title: 'Free IPs', cell: (n) => `${n.availableIpCount} of ${n.totalIpCount}` },
        ]}
        createLabel="Create subnet"
        onCreate={() => setDialog('subnet')}
        onDelete={(n) => jd.deleteSubnet(region, n.subnetId)}
      />
      {dialog === 'vpc' ? <CreateVpc onClose={() => setDialog(null)} /> : null}
      {dialog === 'subnet' ? <CreateSubnet onClose={() => setDialog(null)} /> : null}
    </>
  );
}

function CreateVpc({ onClose }: { onClose: () => void }) {
  const { region } = useSession();
  const queryClient = useQueryClient();
  const f = useFieldErrors();
  const [name, setName] = useState('');
  const [cidr, setCidr] = useState('10.0.0.0/16');
  const [description, setDescription] = useState('');
  return (
    <ConfirmModal
      title="Create VPC"
      confirmLabel="Create"
      onClose={onClose}
      onConfirm={() =>
        f.run(async () => {
          await jd.createVpc(region, { name, cidr, description });
          await queryClient.invalidateQueries({ queryKey: ['vpcs', region] });
        })
      }
    >
      <Field label="VPC name" fieldId="vpc-name" isRequired error={f.of('name')}>
        <TextInput
          id="vpc-name"
          value={name}
          onChange={(_e, v) => setName(v)}
          validated={f.validated('name')}
          isRequired
        />
      </Field>
      <Field label="CIDR" fieldId="vpc-cidr" isRequired error={f.of('cidr')} help="For example 10.0.0.0/16.">
        <TextInput
          id="vpc-cidr"
          value={cidr}
          onChange={(_e, v) => setCidr(v)}
          validated={f.validated('cidr')}
          isRequired
        />
      </Field>
      <Field label="Description" fieldId="vpc-description" error={f.of('description')}>
        <TextInput id="vpc-description" value={description} onChange={(_e, v) => setDescription(v)} />
      </Field>
    </ConfirmModal>
  );
}

function CreateSubnet({ onClose }: { onClose: () => void }) {
  const { region } = useSession();
  const queryClient = useQueryClient();
  const f = useFieldErrors();
  const regions = useQuery({ queryKey: ['regions'], queryFn: jd.regions, staleTime: 300_000 });
  const azs = regions.data?.regions.find((r) => r.region === region)?.azs ?? [];
  const vpcs = useQuery({
    queryKey: ['vpcs', region, 'all'],
    queryFn: () => jd.vpcs(region, { pageSize: 100 }),
  });
  const [vpcId, setVpcId] = useState('');
  const [az, setAz] = useState('');
  const [name, setName] = useState('');
  const [cidr, setCidr] = useState('');
  const [description, setDescription] = useState('');
  return (
    <ConfirmModal
      title="Create subnet"
      confirmLabel="Create"
      onClose={onClose}
      isConfirmDisabled={!vpcId || !az}
      onConfirm={() =>
        f.run(async () => {
          await jd.createSubnet(region, { vpcId, az, name, cidr, description });
          await queryClient.invalidateQueries({ queryKey: ['subnets', region] });
        })
      }
    >
      <Field label="VPC" fieldId="subnet-vpc" isRequired error={f.of('vpcId')}>
        <FormSelect
          id="subnet-vpc"
          value={vpcId}
          onChange={(_e, v) => setVpcId(v)}
          validated={f.validated('vpcId')}
        >
          <FormSelectOption value="" label="Choose a VPC" isPlaceholder />
          {(vpcs.data?.vpcs ?? []).map((v) => (
            <FormSelectOption key={v.vpcId} value={v.vpcId} label={`${v.name} (${v.cidr})`} />
          ))}
        </FormSelect>
      </Field>
      <Field label="Availability zone" fieldId="subnet-az" isRequired error={f.of('az')}>
        <FormSelect id="subnet-az" value={az} onChange={(_e, v) => setAz(v)} validated={f.validated('az')}>
          <FormSelectOption value="" label="Choose an availability zone" isPlaceholder />
          {azs.map((a) => (
            <FormSelectOption key={a.az} value={a.az} label={a.az} />
          ))}
        </FormSelect>
      </Field>
      <Field label="Subnet name" fieldId="subnet-name" isRequired error={f.of('name')}>
        <TextInput
          id="subnet-name"
          value={name}
          onChange={(_e, v) => setName(v)}
          validated={f.validated('name')}
          isRequired
        />
      </Field>
      <Field
        label="CIDR"
        fieldId="subnet-cidr"
        isRequired
        error={f.of('cidr')}
        help="Inside the VPC's CIDR, e.g. 10.0.1.0/24."
      >
        <TextInput
          id="subnet-cidr"
          value={cidr}
          onChange={(_e, v) => setCidr(v)}
          validated={f.validated('cidr')}
          isRequired
        />
      </Field>
      <Field label="Description" fieldId="subnet-description" error={f.of('description')}>
        <TextInput id="subnet-description" value={description} onChange={(_e, v) => setDescription(v)} />
      </Field>
    </ConfirmModal>
  );
}
