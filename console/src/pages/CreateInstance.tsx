import {
  Alert,
  Checkbox,
  Content,
  Form,
  FormSelect,
  FormSelectOption,
  Label,
  NumberInput,
  PageSection,
  Radio,
  TextArea,
  TextInput,
  Wizard,
  WizardFooter,
  WizardStep,
  useWizardContext,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ApiError, clientToken } from '../api';
import { Details, ErrorAlert, errorText, Field, Loading, PageHeader } from '../components/common';
import { jd } from '../jd';
import { navigate } from '../router';
import { useSession } from '../session';

type StepId = 'az' | 'type' | 'os' | 'raid' | 'network' | 'internet' | 'login' | 'details' | 'review';

/** Which wizard step owns each `instanceSpec.<field>` the API may name in an error. */
const FIELD_STEP: Record<string, StepId> = {
  az: 'az',
  deviceType: 'type',
  imageType: 'os',
  osTypeId: 'os',
  sysRaidTypeId: 'raid',
  dataRaidTypeId: 'raid',
  subnetId: 'network',
  privateIp: 'network',
  hostname: 'network',
  networkType: 'network',
  cidr: 'network',
  interfaceMode: 'network',
  aliasIps: 'network',
  enableInternet: 'internet',
  lineType: 'internet',
  bandwidth: 'internet',
  extraUplinkBandwidth: 'internet',
  internetChargeMode: 'internet',
  bandwidthPackageId: 'internet',
  keypairId: 'login',
  password: 'login',
  name: 'details',
  description: 'details',
  count: 'details',
  userData: 'details',
  chargeMode: 'details',
  chargeUnit: 'details',
  chargeDuration: 'details',
  autoRenew: 'details',
};

/** `instanceSpec.charge.chargeDuration` → `chargeDuration`; `instanceSpec.name` → `name`. */
export function specField(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const parts = path.replace(/^instanceSpec\./, '').split('.');
  const key = parts[0] === 'charge' && parts[1] ? parts[1] : parts[0];
  return key.replace(/\[\d+\]$/, '');
}

interface Spec {
  az: string;
  deviceType: string;
  osTypeId: string;
  sysRaidTypeId: string;
  dataRaidTypeId: string;
  subnetId: string;
  privateIp: string;
  hostname: string;
  enableInternet: boolean;
  bandwidth: number;
  internetChargeMode: string;
  bandwidthPackageId: string;
  login: 'password' | 'keypair';
  keypairId: string;
  password: string;
  name: string;
  description: string;
  count: number;
  chargeMode: string;
  chargeUnit: string;
  chargeDuration: number;
  userData: string;
}

const INITIAL: Spec = {
  az: '',
  deviceType: '',
  osTypeId: '',
  sysRaidTypeId: '',
  dataRaidTypeId: '',
  subnetId: '',
  privateIp: '',
  hostname: '',
  enableInternet: true,
  bandwidth: 1,
  internetChargeMode: 'postpaid_by_duration',
  bandwidthPackageId: '',
  login: 'password',
  keypairId: '',
  password: '',
  name: '',
  description: '',
  count: 1,
  chargeMode: 'postpaid_by_duration',
  chargeUnit: 'month',
  chargeDuration: 1,
  userData: '',
};

function toInstanceSpec(s: Spec, lineType: string): Record<string, unknown> {
  const spec: Record<string, unknown> = {
    az: s.az,
    deviceType: s.deviceType,
    imageType: 'standard',
    osTypeId: s.osTypeId,
    sysRaidTypeId: s.sysRaidTypeId,
    dataRaidTypeId: s.dataRaidTypeId,
    networkType: 'vpc',
    name: s.name,
    count: s.count,
    enableInternet: s.enableInternet ? 'yes' : 'no',
    charge:
      s.chargeMode === 'prepaid_by_duration'
        ? { chargeMode: s.chargeMode, chargeUnit: s.chargeUnit, chargeDuration: s.chargeDuration }
        : { chargeMode: s.chargeMode },
  };
  if (s.subnetId) spec.subnetId = s.subnetId;
  if (s.privateIp) spec.privateIp = s.privateIp;
  if (s.hostname) spec.hostname = s.hostname;
  if (s.description) spec.description = s.description;
  if (s.enableInternet) {
    spec.bandwidth = s.bandwidth;
    spec.internetChargeMode = s.internetChargeMode;
    if (lineType) spec.lineType = lineType;
    if (s.bandwidthPackageId) spec.bandwidthPackageId = s.bandwidthPackageId;
  }
  if (s.login === 'keypair' && s.keypairId) spec.keypairId = s.keypairId;
  if (s.login === 'password' && s.password) spec.password = s.password;
  if (s.userData) spec.userData = btoa(String.fromCharCode(...new TextEncoder().encode(s.userData)));
  return spec;
}

function CreateFooter({
  canNext,
  busy,
  onCreate,
}: {
  canNext: (id: StepId) => boolean;
  busy: boolean;
  onCreate: () => Promise<StepId | null>;
}) {
  const { activeStep, goToNextStep, goToPrevStep, goToStepById, close } = useWizardContext();
  const id = activeStep.id as StepId;
  const last = id === 'review';
  return (
    <WizardFooter
      activeStep={activeStep}
      onNext={async () => {
        if (!last) return goToNextStep();
        const step = await onCreate();
        if (step && step !== 'review') goToStepById(step);
      }}
      onBack={goToPrevStep}
      onClose={close}
      nextButtonText={last ? 'Create' : 'Next'}
      isNextDisabled={busy || !canNext(id)}
      isBackDisabled={activeStep.index === 1}
      nextButtonProps={last ? { isLoading: busy } : undefined}
    />
  );
}

/** The create wizard, driven by the region's catalog: AZ → type → OS → RAID → network → internet → login → details. */
export default function CreateInstance() {
  const { region } = useSession();
  const queryClient = useQueryClient();
  const [s, setS] = useState<Spec>(INITIAL);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const token = useMemo(() => clientToken(), []);
  const set = <K extends keyof Spec>(k: K, v: Spec[K]) => {
    setS((prev) => ({ ...prev, [k]: v }));
    setErrors((prev) => {
      if (!(k in prev)) return prev;
      const { [k]: _gone, ...rest } = prev;
      return rest;
    });
  };

  const regions = useQuery({ queryKey: ['regions'], queryFn: jd.regions, staleTime: 300_000 });
  const azs = regions.data?.regions.find((r) => r.region === region)?.azs ?? [];
  const types = useQuery({
    queryKey: ['deviceTypes', region, s.az],
    queryFn: () => jd.deviceTypes(region, s.az || undefined),
    enabled: !!s.az,
  });
  const stock = useQuery({ queryKey: ['deviceStock', region], queryFn: () => jd.deviceStock(region) });
  const os = useQuery({
    queryKey: ['os', region, s.deviceType],
    queryFn: () => jd.os(region, s.deviceType),
    enabled: !!s.deviceType,
  });
  const raids = useQuery({
    queryKey: ['raids', region, s.deviceType],
    queryFn: () => jd.raids(region, s.deviceType),
    enabled: !!s.deviceType,
  });
  const subnets = useQuery({
    queryKey: ['subnets', region, 'az', s.az],
    queryFn: () => jd.subnets(region, { az: s.az, pageSize: 100 }),
    enabled: !!s.az,
  });
  const line = useQuery({ queryKey: ['lineType', region], queryFn: () => jd.lineType(region) });
  const packages = useQuery({
    queryKey: ['bandwidthPackages', region, 'all'],
    queryFn: () => jd.bandwidthPackages(region, { pageSize: 100 }),
  });
  const keypairs = useQuery({
    queryKey: ['keypairs', region, 'all'],
    queryFn: () => jd.keypairs(region, { pageSize: 100 }),
  });

  const stockOf = (t: string) => stock.data?.devicesStock.find((x) => x.deviceType === t)?.available;
  const sysRaids = raids.data?.raids.filter((r) => r.volumeType === 'system') ?? [];
  const dataRaids = raids.data?.raids.filter((r) => r.volumeType === 'data') ?? [];
  const lineType = line.data?.lineType.lineType ?? '';

  const canNext = (id: StepId): boolean => {
    switch (id) {
      case 'az':
        return !!s.az;
      case 'type':
        return !!s.deviceType;
      case 'os':
        return !!s.osTypeId;
      case 'raid':
        return !!s.sysRaidTypeId && !!s.dataRaidTypeId;
      case 'login':
        return s.login === 'password' || !!s.keypairId;
      case 'details':
        return s.name.trim() !== '' && s.count >= 1;
      default:
        return true;
    }
  };

  const onCreate = async (): Promise<StepId | null> => {
    setBusy(true);
    setGeneral(null);
    setErrors({});
    try {
      const result = await jd.createInstances(region, toInstanceSpec(s, lineType), token);
      await queryClient.invalidateQueries({ queryKey: ['instances', region] });
      navigate(result.instanceIds.length === 1 ? `/instances/${result.instanceIds[0]}` : '/instances');
      return null;
    } catch (e) {
      setBusy(false);
      const field = e instanceof ApiError ? specField(e.field) : undefined;
      const step = field ? FIELD_STEP[field] : undefined;
      if (field && step) {
        setErrors({ [field]: errorText(e) });
        return step;
      }
      setGeneral(e);
      return 'review';
    }
  };

  const err = (k: keyof Spec) => errors[k];
  const validated = (k: keyof Spec) => (errors[k] ? 'error' : 'default');
  const selectedType = types.data?.deviceTypes.find((t) => t.deviceType === s.deviceType);

  return (
    <>
      <PageHeader title="Create instance" />
      <PageSection>
        <Wizard
          className="edcps-wizard"
          navAriaLabel="Create instance steps"
          isVisitRequired
          onClose={() => navigate('/instances')}
          footer={<CreateFooter canNext={canNext} busy={busy} onCreate={onCreate} />}
        >
          <WizardStep id="az" name="Availability zone">
            <Form onSubmit={(e) => e.preventDefault()}>
              <Field label="Availability zone" fieldId="wizard-az" error={err('az')} isRequired>
                <FormSelect
                  id="wizard-az"
                  value={s.az}
                  validated={validated('az')}
                  onChange={(_e, v) => {
                    set('az', v);
                    set('deviceType', '');
                    set('subnetId', '');
                  }}
                >
                  <FormSelectOption value="" label="Choose an availability zone" isPlaceholder />
                  {azs.map((a) => (
                    <FormSelectOption
                      key={a.az}
                      value={a.az}
                      label={a.azName ? `${a.azName} (${a.az})` : a.az}
                    />
                  ))}
                </FormSelect>
              </Field>
            </Form>
          </WizardStep>
          <WizardStep id="type" name="Device type">
            {err('deviceType') ? (
              <Alert variant="danger" isInline title={err('deviceType')} role="alert" />
            ) : null}
            {types.isPending ? (
              <Loading label="Loading device types" />
            ) : (
              <Table aria-label="Device types" variant="compact">
                <Thead>
                  <Tr>
                    <Th>Device type</Th>
                    <Th>CPU</Th>
                    <Th>Memory</Th>
                    <Th>Disks</Th>
                    <Th>Network</Th>
                    <Th>Stock</Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {(types.data?.deviceTypes ?? []).map((t) => {
                    const available = stockOf(t.deviceType);
                    const soldOut = t.isSoldOut || available === 0;
                    return (
                      <Tr key={t.deviceType}>
                        <Td dataLabel="Device type">
                          <Radio
                            id={`type-${t.deviceType}`}
                            name="deviceType"
                            label={`${t.name} (${t.deviceType})`}
                            isChecked={s.deviceType === t.deviceType}
                            isDisabled={soldOut}
                            onChange={() => {
                              set('deviceType', t.deviceType);
                              set('osTypeId', '');
                              set('sysRaidTypeId', '');
                              set('dataRaidTypeId', '');
                            }}
                          />
                        </Td>
                        <Td dataLabel="CPU">{t.cpuConcise}</Td>
                        <Td dataLabel="Memory">{t.memConcise}</Td>
                        <Td dataLabel="Disks">
                          {t.systemDiskAmount}×{t.systemDiskSize} GB system
                          {t.dataDiskAmount ? `, ${t.dataDiskAmount}×${t.dataDiskSize} GB data` : ''}
                        </Td>
                        <Td dataLabel="Network">{t.ifConcise}</Td>
                        <Td dataLabel="Stock">
                          {soldOut ? (
                            <Label color="red">Sold out</Label>
                          ) : (
                            <Label color="green">
                              {available === undefined ? 'In stock' : `${available} available`}
                            </Label>
                          )}
                        </Td>
                      </Tr>
                    );
                  })}
                </Tbody>
              </Table>
            )}
          </WizardStep>
          <WizardStep id="os" name="Operating system">
            <Form onSubmit={(e) => e.preventDefault()}>
              <Field label="Operating system" fieldId="wizard-os" error={err('osTypeId')} isRequired>
                <FormSelect
                  id="wizard-os"
                  value={s.osTypeId}
                  validated={validated('osTypeId')}
                  onChange={(_e, v) => set('osTypeId', v)}
                >
                  <FormSelectOption value="" label="Choose an operating system" isPlaceholder />
                  {(os.data?.oss ?? []).map((o) => (
                    <FormSelectOption key={o.osTypeId} value={o.osTypeId} label={o.osName} />
                  ))}
                </FormSelect>
              </Field>
            </Form>
          </WizardStep>
          <WizardStep id="raid" name="RAID">
            <Form onSubmit={(e) => e.preventDefault()}>
              <Field
                label="System disk RAID"
                fieldId="wizard-sys-raid"
                error={err('sysRaidTypeId')}
                isRequired
              >
                <FormSelect
                  id="wizard-sys-raid"
                  value={s.sysRaidTypeId}
                  validated={validated('sysRaidTypeId')}
                  onChange={(_e, v) => set('sysRaidTypeId', v)}
                >
                  <FormSelectOption value="" label="Choose a RAID level" isPlaceholder />
                  {sysRaids.map((r) => (
                    <FormSelectOption
                      key={r.raidTypeId}
                      value={r.raidTypeId}
                      label={`${r.raidType}${r.volumeDetail ? ` — ${r.volumeDetail}` : ''}`}
                    />
                  ))}
                </FormSelect>
              </Field>
              <Field
                label="Data disk RAID"
                fieldId="wizard-data-raid"
                error={err('dataRaidTypeId')}
                isRequired
              >
                <FormSelect
                  id="wizard-data-raid"
                  value={s.dataRaidTypeId}
                  validated={validated('dataRaidTypeId')}
                  onChange={(_e, v) => set('dataRaidTypeId', v)}
                >
                  <FormSelectOption value="" label="Choose a RAID level" isPlaceholder />
                  {dataRaids.map((r) => (
                    <FormSelectOption
                      key={r.raidTypeId}
                      value={r.raidTypeId}
                      label={`${r.raidType}${r.volumeDetail ? ` — ${r.volumeDetail}` : ''}`}
                    />
                  ))}
                </FormSelect>
              </Field>
            </Form>
          </WizardStep>
          <WizardStep id="network" name="Network">
            <Form onSubmit={(e) => e.preventDefault()}>
              <Field
                label="Subnet"
                fieldId="wizard-subnet"
                error={err('subnetId')}
                help="Without a subnet, the default VPC and a default subnet of this zone are used."
              >
                <FormSelect
                  id="wizard-subnet"
                  value={s.subnetId}
                  validated={validated('subnetId')}
                  onChange={(_e, v) => set('subnetId', v)}
                >
                  <FormSelectOption value="" label="Default subnet" />
                  {(subnets.data?.subnets ?? []).map((n) => (
                    <FormSelectOption
                      key={n.subnetId}
                      value={n.subnetId}
                      label={`${n.name} (${n.cidr}, ${n.vpcName || n.vpcId})`}
                    />
                  ))}
                </FormSelect>
              </Field>
              <Field
                label="Private IP"
                fieldId="wizard-private-ip"
                error={err('privateIp')}
                help="Optional; a fixed address allows only one instance."
              >
                <TextInput
                  id="wizard-private-ip"
                  value={s.privateIp}
                  validated={validated('privateIp')}
                  onChange={(_e, v) => set('privateIp', v)}
                />
              </Field>
              <Field label="Hostname" fieldId="wizard-hostname" error={err('hostname')} help="Optional.">
                <TextInput
                  id="wizard-hostname"
                  value={s.hostname}
                  validated={validated('hostname')}
                  onChange={(_e, v) => set('hostname', v)}
                />
              </Field>
            </Form>
          </WizardStep>
          <WizardStep id="internet" name="Internet">
            <Form onSubmit={(e) => e.preventDefault()}>
              <Checkbox
                id="wizard-internet"
                label="Public internet access (an elastic IP is created with the instance)"
                isChecked={s.enableInternet}
                onChange={(_e, v) => set('enableInternet', v)}
              />
              {err('enableInternet') ? (
                <Alert variant="danger" isInline title={err('enableInternet')} />
              ) : null}
              {s.enableInternet ? (
                <>
                  <Field label="Line type" fieldId="wizard-line" error={errors.lineType}>
                    <TextInput id="wizard-line" value={lineType} readOnlyVariant="default" />
                  </Field>
                  <Field
                    label="Bandwidth (Mbps)"
                    fieldId="wizard-bandwidth"
                    error={err('bandwidth')}
                    help="1 to 10240 Mbps."
                  >
                    <NumberInput
                      id="wizard-bandwidth"
                      inputName="bandwidth"
                      inputAriaLabel="Bandwidth (Mbps)"
                      value={s.bandwidth}
                      min={1}
                      max={10240}
                      validated={validated('bandwidth')}
                      onMinus={() => set('bandwidth', Math.max(1, s.bandwidth - 1))}
                      onPlus={() => set('bandwidth', s.bandwidth + 1)}
                      onChange={(e) => set('bandwidth', Number((e.target as HTMLInputElement).value) || 0)}
                      minusBtnAriaLabel="Less bandwidth"
                      plusBtnAriaLabel="More bandwidth"
                    />
                  </Field>
                  <Field
                    label="Internet charge mode"
                    fieldId="wizard-internet-charge"
                    error={err('internetChargeMode')}
                  >
                    <FormSelect
                      id="wizard-internet-charge"
                      value={s.internetChargeMode}
                      onChange={(_e, v) => set('internetChargeMode', v)}
                    >
                      <FormSelectOption
                        value="postpaid_by_duration"
                        label="Pay as you go (postpaid_by_duration)"
                      />
                      <FormSelectOption value="prepaid_by_duration" label="Prepaid (prepaid_by_duration)" />
                    </FormSelect>
                  </Field>
                  <Field label="Bandwidth package" fieldId="wizard-bwp" error={err('bandwidthPackageId')}>
                    <FormSelect
                      id="wizard-bwp"
                      value={s.bandwidthPackageId}
                      onChange={(_e, v) => set('bandwidthPackageId', v)}
                    >
                      <FormSelectOption value="" label="None" />
                      {(packages.data?.bandwidthPackages ?? []).map((p) => (
                        <FormSelectOption
                          key={p.bandwidthPackageId}
                          value={p.bandwidthPackageId}
                          label={`${p.name} (${p.bandwidth} Mbps)`}
                        />
                      ))}
                    </FormSelect>
                  </Field>
                </>
              ) : null}
            </Form>
          </WizardStep>
          <WizardStep id="login" name="Login">
            <Form onSubmit={(e) => e.preventDefault()}>
              <Radio
                id="wizard-login-password"
                name="login"
                label="Password"
                description="Set a password, or leave it empty for a random one."
                isChecked={s.login === 'password'}
                onChange={() => set('login', 'password')}
              />
              <Radio
                id="wizard-login-keypair"
                name="login"
                label="Key pair"
                isChecked={s.login === 'keypair'}
                onChange={() => set('login', 'keypair')}
              />
              {s.login === 'password' ? (
                <Field
                  label="Instance password"
                  fieldId="wizard-password"
                  error={err('password')}
                  help="8–30 characters with at least three of: upper case, lower case, digits, special characters."
                >
                  <TextInput
                    id="wizard-password"
                    type="password"
                    autoComplete="new-password"
                    value={s.password}
                    validated={validated('password')}
                    onChange={(_e, v) => set('password', v)}
                  />
                </Field>
              ) : (
                <Field label="Key pair name" fieldId="wizard-keypair" error={err('keypairId')} isRequired>
                  <FormSelect
                    id="wizard-keypair"
                    value={s.keypairId}
                    validated={validated('keypairId')}
                    onChange={(_e, v) => set('keypairId', v)}
                  >
                    <FormSelectOption value="" label="Choose a key pair" isPlaceholder />
                    {(keypairs.data?.keypairs ?? []).map((k) => (
                      <FormSelectOption
                        key={k.keypairId}
                        value={k.keypairId}
                        label={`${k.name} (${k.keypairId})`}
                      />
                    ))}
                  </FormSelect>
                </Field>
              )}
            </Form>
          </WizardStep>
          <WizardStep id="details" name="Name and charge">
            <Form onSubmit={(e) => e.preventDefault()}>
              <Field
                label="Instance name"
                fieldId="wizard-name"
                error={err('name')}
                isRequired
                help="2–128 characters, starting with a letter or Chinese character; digits, '.', '_', ':' and '-' allowed."
              >
                <TextInput
                  id="wizard-name"
                  value={s.name}
                  validated={validated('name')}
                  onChange={(_e, v) => set('name', v)}
                  isRequired
                />
              </Field>
              <Field label="Description" fieldId="wizard-description" error={err('description')}>
                <TextInput
                  id="wizard-description"
                  value={s.description}
                  validated={validated('description')}
                  onChange={(_e, v) => set('description', v)}
                />
              </Field>
              <Field label="Count" fieldId="wizard-count" error={err('count')} isRequired>
                <NumberInput
                  id="wizard-count"
                  inputName="count"
                  inputAriaLabel="Count"
                  value={s.count}
                  min={1}
                  validated={validated('count')}
                  onMinus={() => set('count', Math.max(1, s.count - 1))}
                  onPlus={() => set('count', s.count + 1)}
                  onChange={(e) => set('count', Number((e.target as HTMLInputElement).value) || 0)}
                  minusBtnAriaLabel="Fewer instances"
                  plusBtnAriaLabel="More instances"
                />
              </Field>
              <Field label="Charge mode" fieldId="wizard-charge-mode" error={err('chargeMode')}>
                <FormSelect
                  id="wizard-charge-mode"
                  value={s.chargeMode}
                  onChange={(_e, v) => set('chargeMode', v)}
                >
                  <FormSelectOption
                    value="postpaid_by_duration"
                    label="Pay as you go (postpaid_by_duration)"
                  />
                  <FormSelectOption value="prepaid_by_duration" label="Prepaid (prepaid_by_duration)" />
                </FormSelect>
              </Field>
              {s.chargeMode === 'prepaid_by_duration' ? (
                <>
                  <Field label="Charge unit" fieldId="wizard-charge-unit" error={err('chargeUnit')}>
                    <FormSelect
                      id="wizard-charge-unit"
                      value={s.chargeUnit}
                      onChange={(_e, v) => set('chargeUnit', v)}
                    >
                      <FormSelectOption value="month" label="Month" />
                      <FormSelectOption value="year" label="Year" />
                    </FormSelect>
                  </Field>
                  <Field
                    label="Charge duration"
                    fieldId="wizard-charge-duration"
                    error={err('chargeDuration')}
                    help="Months: 1–9; years: 1–3."
                  >
                    <TextInput
                      id="wizard-charge-duration"
                      type="number"
                      value={s.chargeDuration}
                      validated={validated('chargeDuration')}
                      onChange={(_e, v) => set('chargeDuration', Number(v))}
                    />
                  </Field>
                </>
              ) : null}
              <Field
                label="User data"
                fieldId="wizard-user-data"
                error={err('userData')}
                help="Optional script run at first boot (starts with #!/bin/bash); sent Base64-encoded."
              >
                <TextArea
                  id="wizard-user-data"
                  value={s.userData}
                  validated={validated('userData')}
                  onChange={(_e, v) => set('userData', v)}
                  resizeOrientation="vertical"
                />
              </Field>
            </Form>
          </WizardStep>
          <WizardStep id="review" name="Review">
            <Content component="h2">Review</Content>
            {general ? <ErrorAlert error={general} title="The instances were not created" /> : null}
            <Details
              items={[
                ['Region', region],
                ['Availability zone', s.az],
                ['Device type', selectedType ? `${selectedType.name} (${s.deviceType})` : s.deviceType],
                [
                  'Operating system',
                  os.data?.oss.find((o) => o.osTypeId === s.osTypeId)?.osName ?? s.osTypeId,
                ],
                ['System disk RAID', sysRaids.find((r) => r.raidTypeId === s.sysRaidTypeId)?.raidType ?? ''],
                ['Data disk RAID', dataRaids.find((r) => r.raidTypeId === s.dataRaidTypeId)?.raidType ?? ''],
                ['Subnet', s.subnetId || 'Default subnet'],
                ['Private IP', s.privateIp || 'Automatic'],
                ['Internet', s.enableInternet ? `yes, ${s.bandwidth} Mbps (${lineType})` : 'no'],
                [
                  'Login',
                  s.login === 'keypair'
                    ? `Key pair ${s.keypairId}`
                    : s.password
                      ? 'Password (set)'
                      : 'Random password',
                ],
                ['Name', s.name],
                ['Count', String(s.count)],
                [
                  'Charge',
                  s.chargeMode === 'prepaid_by_duration'
                    ? `${s.chargeMode}, ${s.chargeDuration} ${s.chargeUnit}(s)`
                    : s.chargeMode,
                ],
              ]}
            />
          </WizardStep>
        </Wizard>
      </PageSection>
    </>
  );
}
