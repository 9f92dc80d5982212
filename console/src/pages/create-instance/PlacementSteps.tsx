// The wizard's first steps: where the machine is and what it runs (AZ, type, OS, RAID).
import { Alert, Form, Label, Radio } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { Loading } from '../../components/common';
import type { Raid } from '../../jd';
import { SpecSelect } from './spec-fields';
import type { SpecForm } from './spec-form';
import type { WizardCatalog } from './use-wizard-catalog';

/** What every step reads: the wizard's values and errors, and the catalog's lists. */
export interface StepProps {
  form: SpecForm;
  catalog: WizardCatalog;
}

export function AzStep({ form, catalog }: StepProps) {
  return (
    <Form onSubmit={(e) => e.preventDefault()}>
      <SpecSelect
        form={form}
        name="az"
        id="wizard-az"
        label="Availability zone"
        isRequired
        placeholder="Choose an availability zone"
        options={catalog.azs.map((a) => ({ value: a.az, label: a.azName ? `${a.azName} (${a.az})` : a.az }))}
        onChange={(v) => {
          // Types and subnets are per AZ: a choice made for another zone no longer holds.
          form.set('az', v);
          form.set('deviceType', '');
          form.set('subnetId', '');
        }}
      />
    </Form>
  );
}

export function DeviceTypeStep({ form, catalog }: StepProps) {
  const { s, set, err } = form;
  return (
    <>
      {err('deviceType') ? <Alert variant="danger" isInline title={err('deviceType')} role="alert" /> : null}
      {catalog.typesPending ? (
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
            {catalog.types.map((t) => {
              const available = catalog.stockOf(t.deviceType);
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
                        // OS images and RAID levels are per type.
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
    </>
  );
}

export function OsStep({ form, catalog }: StepProps) {
  return (
    <Form onSubmit={(e) => e.preventDefault()}>
      <SpecSelect
        form={form}
        name="osTypeId"
        id="wizard-os"
        label="Operating system"
        isRequired
        placeholder="Choose an operating system"
        options={catalog.oss.map((o) => ({ value: o.osTypeId, label: o.osName }))}
      />
    </Form>
  );
}

const raidOptions = (raids: Raid[]) =>
  raids.map((r) => ({
    value: r.raidTypeId,
    label: `${r.raidType}${r.volumeDetail ? ` — ${r.volumeDetail}` : ''}`,
  }));

export function RaidStep({ form, catalog }: StepProps) {
  return (
    <Form onSubmit={(e) => e.preventDefault()}>
      <SpecSelect
        form={form}
        name="sysRaidTypeId"
        id="wizard-sys-raid"
        label="System disk RAID"
        isRequired
        placeholder="Choose a RAID level"
        options={raidOptions(catalog.sysRaids)}
      />
      <SpecSelect
        form={form}
        name="dataRaidTypeId"
        id="wizard-data-raid"
        label="Data disk RAID"
        isRequired
        placeholder="Choose a RAID level"
        options={raidOptions(catalog.dataRaids)}
      />
    </Form>
  );
}
