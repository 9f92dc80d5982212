import { FormSelect, FormSelectOption, TextInput } from '@patternfly/react-core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmModal, Field, fmtTime, PageHeader, StatusLabel } from '../components/common';
import { useFieldErrors } from '../components/forms';
import { ResourceList } from '../components/ResourceList';
import { jd, type BandwidthPackage, type ElasticIp } from '../jd';
import { href, linkTo } from '../router';
import { useSession } from '../session';

export default function ElasticIps() {
  const { region } = useSession();
  const [dialog, setDialog] = useState<'eip' | 'bwp' | null>(null);
  return (
    <>
      <PageHeader title="Elastic IPs and bandwidth packages" />
      <ResourceList<ElasticIp, Awaited<ReturnType<typeof jd.elasticIps>>>
        title="Elastic IPs"
        queryKey={['elasticIps', region]}
        fetch={(pageNumber, pageSize) => jd.elasticIps(region, { pageNumber, pageSize })}
        items={(r) => r.elasticIps}
        rowKey={(e) => e.elasticIpId}
        describe={(e) => `elastic IP ${e.elasticIp || e.elasticIpId}`}
        columns={[
          { title: 'Elastic IP ID', cell: (e) => <span className="edcps-mono">{e.elasticIpId}</span> },
          { title: 'Address', cell: (e) => e.elasticIp },
          { title: 'Bandwidth (Mbps)', cell: (e) => e.bandwidth },
          { title: 'Line', cell: (e) => e.lineType },
          { title: 'Status', cell: (e) => <StatusLabel status={e.status} /> },
          {
            title: 'Instance',
            cell: (e) =>
              e.instanceId ? (
                <a href={href(`/instances/${e.instanceId}`)} onClick={linkTo(`/instances/${e.instanceId}`)}>
                  {e.instanceId}
                </a>
              ) : (
                '—'
              ),
          },
          { title: 'Bandwidth package', cell: (e) => e.bandwidthPackageId || '—' },
          { title: 'Charge', cell: (e) => e.charge?.chargeMode ?? '' },
        ]}
        createLabel="Apply for elastic IPs"
        onCreate={() => setDialog('eip')}
        onDelete={(e) => jd.deleteElasticIp(region, e.elasticIpId)}
        deleteLabel="Release"
      />
      <ResourceList<BandwidthPackage, Awaited<ReturnType<typeof jd.bandwidthPackages>>>
        title="Bandwidth packages"
        queryKey={['bandwidthPackages', region]}
        fetch={(pageNumber, pageSize) => jd.bandwidthPackages(region, { pageNumber, pageSize })}
        items={(r) => r.bandwidthPackages}
        rowKey={(p) => p.bandwidthPackageId}
        describe={(p) => `bandwidth package ${p.name || p.bandwidthPackageId}`}
        columns={[
          { title: 'Package ID', cell: (p) => <span className="edcps-mono">{p.bandwidthPackageId}</span> },
          { title: 'Name', cell: (p) => p.name },
          { title: 'Bandwidth (Mbps)', cell: (p) => p.bandwidth },
          { title: 'Line', cell: (p) => p.lineType },
          { title: 'Charge', cell: (p) => p.charge?.chargeMode ?? '' },
          { title: 'Created', cell: (p) => fmtTime(p.createTime) },
        ]}
        createLabel="Apply for a bandwidth package"
        onCreate={() => setDialog('bwp')}
        onDelete={(p) => jd.deleteBandwidthPackage(region, p.bandwidthPackageId)}
      />
      {dialog ? <ApplyDialog kind={dialog} onClose={() => setDialog(null)} /> : null}
    </>
  );
}

function ApplyDialog({ kind, onClose }: { kind: 'eip' | 'bwp'; onClose: () => void }) {
  const { region } = useSession();
  const queryClient = useQueryClient();
  const f = useFieldErrors();
  const [name, setName] = useState('');
  const [bandwidth, setBandwidth] = useState('10');
  const [count, setCount] = useState('1');
  const [chargeMode, setChargeMode] = useState('postpaid_by_duration');
  const charge =
    chargeMode === 'prepaid_by_duration'
      ? { chargeMode, chargeUnit: 'month', chargeDuration: 1 }
      : { chargeMode };
  return (
    <ConfirmModal
      title={kind === 'eip' ? 'Apply for elastic IPs' : 'Apply for a bandwidth package'}
      confirmLabel="Apply"
      onClose={onClose}
      onConfirm={() =>
        f.run(async () => {
          const spec = { bandwidth: Number(bandwidth), count: Number(count), charge };
          if (kind === 'eip') await jd.applyElasticIps(region, spec);
          else await jd.applyBandwidthPackages(region, { ...spec, name });
          await queryClient.invalidateQueries({
            queryKey: [kind === 'eip' ? 'elasticIps' : 'bandwidthPackages', region],
          });
        })
      }
    >
      {kind === 'bwp' ? (
        <Field label="Package name" fieldId="apply-name" isRequired error={f.of('name')}>
          <TextInput
            id="apply-name"
            value={name}
            onChange={(_e, v) => setName(v)}
            validated={f.validated('name')}
          />
        </Field>
      ) : null}
      <Field
        label="Bandwidth (Mbps)"
        fieldId="apply-bandwidth"
        isRequired
        error={f.of('bandwidth')}
        help="1 to 10240."
      >
        <TextInput
          id="apply-bandwidth"
          type="number"
          value={bandwidth}
          onChange={(_e, v) => setBandwidth(v)}
          validated={f.validated('bandwidth')}
        />
      </Field>
      <Field label="Count" fieldId="apply-count" isRequired error={f.of('count')}>
        <TextInput
          id="apply-count"
          type="number"
          value={count}
          onChange={(_e, v) => setCount(v)}
          validated={f.validated('count')}
        />
      </Field>
      <Field label="Charge mode" fieldId="apply-charge" error={f.of('chargeMode')}>
        <FormSelect id="apply-charge" value={chargeMode} onChange={(_e, v) => setChargeMode(v)}>
          <FormSelectOption value="postpaid_by_duration" label="Pay as you go (postpaid_by_duration)" />
          <FormSelectOption value="prepaid_by_duration" label="Prepaid, one month (prepaid_by_duration)" />
        </FormSelect>
      </Field>
    </ConfirmModal>
  );
}
