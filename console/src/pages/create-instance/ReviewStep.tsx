import { Content } from '@patternfly/react-core';
import { Details, ErrorAlert } from '../../components/common';
import type { StepProps } from './PlacementSteps';

/** Every choice in words before Create; `general` is an API error no single field owns. */
export function ReviewStep({
  form,
  catalog,
  region,
  general,
}: StepProps & { region: string; general: unknown }) {
  const { s } = form;
  const selectedType = catalog.types.find((t) => t.deviceType === s.deviceType);
  return (
    <>
      <Content component="h2">Review</Content>
      {general ? <ErrorAlert error={general} title="The instances were not created" /> : null}
      <Details
        items={[
          ['Region', region],
          ['Availability zone', s.az],
          ['Device type', selectedType ? `${selectedType.name} (${s.deviceType})` : s.deviceType],
          ['Operating system', catalog.oss.find((o) => o.osTypeId === s.osTypeId)?.osName ?? s.osTypeId],
          [
            'System disk RAID',
            catalog.sysRaids.find((r) => r.raidTypeId === s.sysRaidTypeId)?.raidType ?? '',
          ],
          [
            'Data disk RAID',
            catalog.dataRaids.find((r) => r.raidTypeId === s.dataRaidTypeId)?.raidType ?? '',
          ],
          ['Subnet', s.subnetId || 'Default subnet'],
          ['Private IP', s.privateIp || 'Automatic'],
          ['Internet', s.enableInternet ? `yes, ${s.bandwidth} Mbps (${catalog.lineType})` : 'no'],
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
    </>
  );
}
