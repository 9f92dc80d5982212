import {
  Breadcrumb,
  BreadcrumbItem,
  Button,
  Card,
  CardBody,
  CardTitle,
  Checkbox,
  Content,
  FormSelect,
  FormSelectOption,
  Grid,
  GridItem,
  PageSection,
  Progress,
  TextInput,
  Title,
} from '@patternfly/react-core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { useFieldErrors } from '../components/forms';
import { ApiError } from '../api';
import {
  ConfirmModal,
  Details,
  Empty,
  ErrorAlert,
  Field,
  fmtTime,
  Loading,
  PageHeader,
  StatusLabel,
} from '../components/common';
import { get, jd, TRANSITIONAL_STATUSES, TRANSITIONS, type Instance } from '../jd';
import { href, linkTo, navigate } from '../router';
import { isOperator, useSession } from '../session';

interface TimelineEvent {
  time: string;
  kind: string;
  from: string | null;
  to: string | null;
  step: string | null;
  reason: string | null;
}

type Dialog = 'start' | 'stop' | 'restart' | 'reinstall' | 'resetPassword' | 'rename' | 'delete' | null;

const ACTIONS: { key: Exclude<Dialog, null>; label: string; op: string }[] = [
  { key: 'start', label: 'Start', op: 'startInstance' },
  { key: 'stop', label: 'Stop', op: 'stopInstance' },
  { key: 'restart', label: 'Restart', op: 'restartInstance' },
  { key: 'reinstall', label: 'Reinstall', op: 'reinstallInstance' },
  { key: 'resetPassword', label: 'Reset password', op: 'resetPassword' },
  { key: 'rename', label: 'Rename', op: 'modifyInstance' },
  { key: 'delete', label: 'Delete', op: 'deleteInstance' },
];

/** Every field of the Instance model, in the reference's order, as label/value text. */
const FIELDS: [keyof Instance | string, string][] = [
  ['instanceId', 'Instance ID'],
  ['name', 'Name'],
  ['description', 'Description'],
  ['status', 'Status'],
  ['region', 'Region'],
  ['az', 'Availability zone'],
  ['deviceType', 'Device type'],
  ['hostname', 'Hostname'],
  ['imageType', 'Image type'],
  ['osTypeId', 'OS type ID'],
  ['osName', 'OS name'],
  ['osType', 'OS type'],
  ['osVersion', 'OS version'],
  ['sysRaidTypeId', 'System RAID type ID'],
  ['sysRaidType', 'System RAID'],
  ['dataRaidTypeId', 'Data RAID type ID'],
  ['dataRaidType', 'Data RAID'],
  ['networkType', 'Network type'],
  ['interfaceMode', 'Interface mode'],
  ['vpcId', 'VPC ID'],
  ['vpcName', 'VPC name'],
  ['subnetId', 'Subnet ID'],
  ['subnetName', 'Subnet name'],
  ['privateIp', 'Private IP'],
  ['enableInternet', 'Internet'],
  ['lineType', 'Line type'],
  ['bandwidth', 'Bandwidth (Mbps)'],
  ['extraUplinkBandwidth', 'Extra uplink bandwidth (Mbps)'],
  ['elasticIpId', 'Elastic IP ID'],
  ['publicIp', 'Public IP'],
  ['enableIpv6', 'IPv6'],
  ['publicIpv6', 'Public IPv6'],
  ['keypairId', 'Key pair ID'],
  ['extensionVpcId', 'Secondary NIC VPC ID'],
  ['extensionVpcName', 'Secondary NIC VPC name'],
  ['extensionSubnetId', 'Secondary NIC subnet ID'],
  ['extensionSubnetName', 'Secondary NIC subnet name'],
  ['extensionPrivateIp', 'Secondary NIC private IP'],
  ['extensionEnableInternet', 'Secondary NIC internet'],
  ['extensionElasticIpId', 'Secondary NIC elastic IP ID'],
  ['extensionPublicIp', 'Secondary NIC public IP'],
  ['extensionBandwidth', 'Secondary NIC bandwidth (Mbps)'],
  ['extensionExtraUplinkBandwidth', 'Secondary NIC extra uplink (Mbps)'],
  ['agentStatus', 'Agent status'],
  ['createTime', 'Created'],
  ['updateTime', 'Updated'],
];

function show(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v))
    return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export default function InstanceDetail({ param: id }: { param: string }) {
  const s = useSession();
  const region = s.region;
  const operator = isOperator(s);
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [deleted, setDeleted] = useState(false);

  const inst = useQuery({
    queryKey: ['instance', region, id],
    queryFn: () => jd.instance(region, id).then((r) => r.instance),
    refetchInterval: (q) => (q.state.data && TRANSITIONAL_STATUSES.has(q.state.data.status) ? 1500 : false),
    retry: false,
  });
  const moving = inst.data ? TRANSITIONAL_STATUSES.has(inst.data.status) : false;
  const progress = useQuery({
    queryKey: ['progress', region, id],
    queryFn: () => jd.progress(region, id),
    enabled: !!inst.data,
    refetchInterval: moving ? 1500 : false,
  });
  const health = useQuery({
    queryKey: ['health', region, id],
    queryFn: () => jd.instanceHealth(region, id),
    enabled: !!inst.data,
  });
  const events = useQuery({
    queryKey: ['events', region, id, operator],
    queryFn: () =>
      get<{ events: TimelineEvent[] }>(
        operator
          ? `/admin/v1/instances/${encodeURIComponent(id)}/events`
          : `/edcps/v1/regions/${encodeURIComponent(region)}/instances/${encodeURIComponent(id)}/events`,
      ),
    enabled: !!inst.data,
    refetchInterval: moving ? 2000 : false,
    retry: false,
  });

  // A status change ends or starts an action: reload the timeline and progress at once.
  const status = inst.data?.status;
  useEffect(() => {
    if (!status) return;
    void queryClient.invalidateQueries({ queryKey: ['events', region, id] });
    void queryClient.invalidateQueries({ queryKey: ['progress', region, id] });
  }, [status, queryClient, region, id]);

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['instance', region, id] });
    void queryClient.invalidateQueries({ queryKey: ['progress', region, id] });
    void queryClient.invalidateQueries({ queryKey: ['events', region, id] });
    void queryClient.invalidateQueries({ queryKey: ['instances', region] });
  };

  if (deleted || (inst.error instanceof ApiError && inst.error.code === 404)) {
    return (
      <>
        <PageHeader title={id} />
        <PageSection>
          <Empty title={deleted ? 'Instance is being deleted' : 'Instance not found'}>
            <a href={href('/instances')} onClick={linkTo('/instances')}>
              Back to instances
            </a>
          </Empty>
        </PageSection>
      </>
    );
  }
  if (inst.isPending) return <Loading label="Loading instance" />;
  if (!inst.data) return <ErrorAlert error={inst.error} title="Could not load the instance" />;
  const i = inst.data;
  const allowed = (key: Exclude<Dialog, null>) =>
    key === 'rename' || (TRANSITIONS[key].from as readonly string[]).includes(i.status);
  const charge = i.charge ?? ({} as Instance['charge']);

  return (
    <>
      <PageSection>
        <Breadcrumb>
          <BreadcrumbItem to={href('/instances')} onClick={linkTo('/instances')}>
            Instances
          </BreadcrumbItem>
          <BreadcrumbItem isActive>{i.instanceId}</BreadcrumbItem>
        </Breadcrumb>
      </PageSection>
      <PageHeader title={i.name || i.instanceId}>
        {ACTIONS.map((a) => (
          <Button
            key={a.key}
            variant={a.key === 'delete' ? 'danger' : 'secondary'}
            isDisabled={!allowed(a.key)}
            onClick={() => setDialog(a.key)}
          >
            {a.label}
          </Button>
        ))}
      </PageHeader>
      <PageSection>
        <Content component="p">
          <span className="edcps-mono">{i.instanceId}</span> — status <StatusLabel status={i.status} />
        </Content>
        {moving && progress.data && progress.data.stepCount > 0 ? (
          <Progress
            value={(Math.max(progress.data.stepIndex - 1, 0) / progress.data.stepCount) * 100}
            title={`${progress.data.action}: step ${progress.data.stepIndex} of ${progress.data.stepCount} (${progress.data.step})`}
            aria-label="Action progress"
          />
        ) : null}
        {progress.data?.lastError ? (
          <ErrorAlert title="Last error" error={new Error(progress.data.lastError)} />
        ) : null}
      </PageSection>
      <PageSection>
        <Grid hasGutter>
          <GridItem lg={8}>
            <Card>
              <CardTitle>
                <Title headingLevel="h2">Details</Title>
              </CardTitle>
              <CardBody>
                <Details
                  twoColumns
                  items={[
                    ...FIELDS.map(([k, label]): [string, ReactNode] => [
                      label,
                      k === 'status' ? <StatusLabel status={i.status} /> : show(i[k]),
                    ]),
                    ['Charge mode', charge.chargeMode],
                    ['Charge status', charge.chargeStatus],
                    ['Charge start', fmtTime(charge.chargeStartTime)],
                    ['Charge expires', fmtTime(charge.chargeExpiredTime)],
                    ['Charge retires', fmtTime(charge.chargeRetireTime)],
                  ]}
                />
              </CardBody>
            </Card>
          </GridItem>
          <GridItem lg={4} className="edcps-stack">
            <Card>
              <CardTitle>
                <Title headingLevel="h2">Hardware health</Title>
              </CardTitle>
              <CardBody>
                {health.data ? (
                  <Details
                    items={(['cpus', 'mems', 'disks', 'nics'] as const).map((k) => [
                      { cpus: 'CPUs', mems: 'Memory', disks: 'Disks', nics: 'NICs' }[k],
                      health.data[k] ? 'healthy' : 'unhealthy',
                    ])}
                  />
                ) : (
                  <ErrorAlert error={health.error} />
                )}
              </CardBody>
            </Card>
            <Card>
              <CardTitle>
                <Title headingLevel="h2">Events</Title>
              </CardTitle>
              <CardBody>
                {events.data ? (
                  events.data.events.length === 0 ? (
                    <Content component="p">No events recorded.</Content>
                  ) : (
                    <ol className="edcps-timeline" aria-label="Event timeline">
                      {[...events.data.events].reverse().map((e, n) => (
                        <li key={`${e.time}-${n}`}>
                          <time dateTime={e.time}>{fmtTime(e.time)}</time>
                          <strong>{e.kind}</strong>
                          {e.from || e.to ? ` ${e.from ?? '—'} → ${e.to ?? '—'}` : ''}
                          {e.step ? ` · step ${e.step}` : ''}
                          {e.reason ? ` · ${e.reason}` : ''}
                        </li>
                      ))}
                    </ol>
                  )
                ) : events.isPending ? (
                  <Loading label="Loading events" />
                ) : (
                  <Content component="p">
                    The event timeline is not available: {String(events.error?.message)}
                  </Content>
                )}
              </CardBody>
            </Card>
          </GridItem>
        </Grid>
      </PageSection>
      {dialog === 'start' || dialog === 'stop' || dialog === 'restart' ? (
        <ConfirmModal
          title={`${ACTIONS.find((a) => a.key === dialog)?.label} instance ${i.name || i.instanceId}?`}
          confirmLabel={ACTIONS.find((a) => a.key === dialog)?.label ?? ''}
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await jd.action(region, id, `${dialog}Instance`);
            refresh();
          }}
        >
          <Content component="p">
            {dialog === 'start'
              ? 'The server is powered on.'
              : dialog === 'stop'
                ? 'The server is powered off. Running workloads stop.'
                : 'The server is rebooted. Running workloads are interrupted.'}
          </Content>
        </ConfirmModal>
      ) : null}
      {dialog === 'delete' ? (
        <ConfirmModal
          title={`Delete instance ${i.name || i.instanceId}?`}
          confirmLabel="Delete"
          danger
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await jd.deleteInstance(region, id);
            refresh();
            setDeleted(true);
            navigate('/instances');
          }}
        >
          <Content component="p">
            The server is wiped and returned to the pool; its elastic IP created with it is released. This
            cannot be undone.
          </Content>
        </ConfirmModal>
      ) : null}
      {dialog === 'rename' ? (
        <RenameDialog instance={i} onClose={() => setDialog(null)} onDone={refresh} />
      ) : null}
      {dialog === 'resetPassword' ? (
        <ResetPasswordDialog instance={i} onClose={() => setDialog(null)} onDone={refresh} />
      ) : null}
      {dialog === 'reinstall' ? (
        <ReinstallDialog instance={i} onClose={() => setDialog(null)} onDone={refresh} />
      ) : null}
    </>
  );
}

/** Every action dialog: the instance it acts on; `onDone` refreshes the page after a success. */
interface DialogProps {
  instance: Instance;
  onClose: () => void;
  onDone: () => void;
}

function RenameDialog({ instance, onClose, onDone }: DialogProps) {
  const { region } = useSession();
  const [name, setName] = useState(instance.name);
  const [description, setDescription] = useState(instance.description);
  const f = useFieldErrors();
  return (
    <ConfirmModal
      title="Rename instance"
      confirmLabel="Save"
      onClose={onClose}
      onConfirm={() =>
        f.run(async () => {
          await jd.modifyInstance(region, instance.instanceId, { name, description });
          onDone();
        })
      }
    >
      <>
        <Field label="Name" fieldId="rename-name" isRequired error={f.of('name')}>
          <TextInput id="rename-name" value={name} onChange={(_e, v) => setName(v)} isRequired />
        </Field>
        <Field label="Description" fieldId="rename-description" error={f.of('description')}>
          <TextInput id="rename-description" value={description} onChange={(_e, v) => setDescription(v)} />
        </Field>
      </>
    </ConfirmModal>
  );
}

function ResetPasswordDialog({ instance, onClose, onDone }: DialogProps) {
  const { region } = useSession();
  const [password, setPassword] = useState('');
  const f = useFieldErrors();
  return (
    <ConfirmModal
      title={`Reset the password of ${instance.name || instance.instanceId}?`}
      confirmLabel="Reset password"
      onClose={onClose}
      isConfirmDisabled={password === ''}
      onConfirm={() =>
        f.run(async () => {
          await jd.action(region, instance.instanceId, 'resetPassword', { password });
          onDone();
        })
      }
    >
      <>
        <Field
          label="New password"
          fieldId="reset-password"
          isRequired
          error={f.of('password')}
          help="8–30 characters with at least three of: upper case, lower case, digits, special characters. Takes effect at the next start."
        >
          <TextInput
            id="reset-password"
            validated={f.validated('password')}
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(_e, v) => setPassword(v)}
            isRequired
          />
        </Field>
      </>
    </ConfirmModal>
  );
}

function ReinstallDialog({ instance, onClose, onDone }: DialogProps) {
  const { region } = useSession();
  const os = useQuery({
    queryKey: ['os', region, instance.deviceType],
    queryFn: () => jd.os(region, instance.deviceType),
  });
  const raids = useQuery({
    queryKey: ['raids', region, instance.deviceType],
    queryFn: () => jd.raids(region, instance.deviceType),
  });
  const [osTypeId, setOs] = useState(instance.osTypeId);
  const [sysRaid, setSysRaid] = useState(instance.sysRaidTypeId);
  const [dataRaid, setDataRaid] = useState(instance.dataRaidTypeId);
  const [keepData, setKeepData] = useState(true);
  const [password, setPassword] = useState('');
  const f = useFieldErrors();
  const sys = raids.data?.raids.filter((r) => r.volumeType === 'system') ?? [];
  const data = raids.data?.raids.filter((r) => r.volumeType === 'data') ?? [];
  return (
    <ConfirmModal
      title={`Reinstall ${instance.name || instance.instanceId}?`}
      confirmLabel="Reinstall"
      danger
      onClose={onClose}
      isConfirmDisabled={password === '' || !osTypeId}
      onConfirm={() =>
        f.run(async () => {
          await jd.action(region, instance.instanceId, 'reinstallInstance', {
            instanceSpec: {
              az: instance.az,
              imageType: 'standard',
              osTypeId,
              sysRaidTypeId: sysRaid,
              dataRaidTypeId: dataRaid,
              keepData: keepData ? 'yes' : 'no',
              password,
              ...(instance.keypairId ? { keypairId: instance.keypairId } : {}),
            },
          });
          onDone();
        })
      }
    >
      <>
        <Field label="Operating system" fieldId="reinstall-os" isRequired error={f.of('osTypeId')}>
          <FormSelect id="reinstall-os" value={osTypeId} onChange={(_e, v) => setOs(v)}>
            {(os.data?.oss ?? []).map((o) => (
              <FormSelectOption key={o.osTypeId} value={o.osTypeId} label={o.osName} />
            ))}
          </FormSelect>
        </Field>
        {(
          [
            ['System disk RAID', 'reinstall-sys-raid', sys, sysRaid, setSysRaid],
            ['Data disk RAID', 'reinstall-data-raid', data, dataRaid, setDataRaid],
          ] as const
        ).map(([label, id, raids, value, set]) => (
          <Field key={id} label={label} fieldId={id} isRequired>
            <FormSelect id={id} value={value} onChange={(_e, v) => set(v)}>
              {raids.map((r) => (
                <FormSelectOption key={r.raidTypeId} value={r.raidTypeId} label={r.raidType} />
              ))}
            </FormSelect>
          </Field>
        ))}
        <Checkbox
          id="reinstall-keep-data"
          label="Keep the data on the data disks"
          isChecked={keepData}
          onChange={(_e, v) => setKeepData(v)}
        />
        <Field label="New password" fieldId="reinstall-password" isRequired error={f.of('password')}>
          <TextInput
            id="reinstall-password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(_e, v) => setPassword(v)}
            isRequired
          />
        </Field>
      </>
    </ConfirmModal>
  );
}
