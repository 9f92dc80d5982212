import {
  Button,
  FileUpload,
  FormSelect,
  FormSelectOption,
  PageSection,
  TextInput,
  Title,
} from '@patternfly/react-core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { admin, type Device } from '../../admin';
import { ConfirmModal, ErrorAlert, errorText, Field, PageHeader, StatusLabel } from '../../components/common';
import { DataTable } from '../../components/DataTable';
import { FilterSelect, FilterToolbar } from '../../components/FilterToolbar';
import { useFieldErrors } from '../../components/forms';
import { usePagedQuery } from '../../components/usePagedQuery';
import { jd } from '../../jd';
import { useSession } from '../../session';

/** The fleet of the current region: devices with their state, stock per AZ and type, add/upload/retire, power, health. */
export default function Fleet() {
  const { region } = useSession();
  const queryClient = useQueryClient();
  const [az, setAz] = useState('');
  const [type, setType] = useState('');
  const [status, setStatus] = useState('');
  const [dialog, setDialog] = useState<'add' | 'upload' | null>(null);
  const [retiring, setRetiring] = useState<Device | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);

  const regions = useQuery({ queryKey: ['regions'], queryFn: jd.regions, staleTime: 300_000 });
  const azs = regions.data?.regions.find((r) => r.region === region)?.azs ?? [];
  const stock = useQuery({ queryKey: ['admin', 'stock', region], queryFn: () => admin.stock(region) });
  const types = [...new Set((stock.data?.stock ?? []).map((s) => s.deviceType))];
  const { query: devices, pager } = usePagedQuery({
    queryKey: ['admin', 'devices', region, az, type, status],
    fetch: (pageNumber, pageSize) =>
      admin.devices({ regionId: region, az, deviceType: type, status, pageNumber, pageSize }),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['admin'] });
  const act = async (label: string, fn: () => Promise<unknown>) => {
    setNotice(null);
    try {
      const r = await fn();
      setNotice({ ok: true, text: `${label}: ${JSON.stringify(r)}` });
      refresh();
    } catch (e) {
      setNotice({ ok: false, text: `${label}: ${errorText(e)}` });
    }
  };

  return (
    <>
      <PageHeader title="Fleet">
        <Button variant="primary" onClick={() => setDialog('add')}>
          Add device
        </Button>
        <Button variant="secondary" onClick={() => setDialog('upload')}>
          Upload device file
        </Button>
      </PageHeader>
      <PageSection aria-label="Stock">
        <Title headingLevel="h2">Stock per availability zone and type</Title>
        <ErrorAlert error={stock.error} />
        {stock.data ? (
          <DataTable
            label="Stock"
            pending={false}
            rows={stock.data.stock}
            rowKey={(s) => `${s.az}/${s.deviceType}`}
            columns={[
              { title: 'Availability zone', cell: (s) => s.az },
              { title: 'Device type', cell: (s) => s.deviceType },
              { title: 'Sale', cell: (s) => (s.soldOut ? 'sold out' : 'on sale') },
              { title: 'Available', cell: (s) => s.available },
              { title: 'Allocated', cell: (s) => s.allocated },
              { title: 'Retired', cell: (s) => s.retired },
            ]}
          />
        ) : null}
      </PageSection>
      <PageSection aria-label="Devices">
        <Title headingLevel="h2">Devices</Title>
        {notice ? (
          <ErrorAlert
            title={notice.ok ? 'Done' : 'The request failed'}
            error={notice.ok ? null : new Error(notice.text)}
          />
        ) : null}
        {notice?.ok ? <p role="status">{notice.text}</p> : null}
        <FilterToolbar pager={pager}>
          <FilterSelect
            id="fleet-az"
            label="Filter by availability zone"
            allLabel="All availability zones"
            options={azs.map((a) => a.az)}
            value={az}
            onChange={setAz}
          />
          <FilterSelect
            id="fleet-type"
            label="Filter by device type"
            allLabel="All device types"
            options={types}
            value={type}
            onChange={setType}
          />
          <FilterSelect
            id="fleet-status"
            label="Filter by device status"
            allLabel="All statuses"
            options={['available', 'allocated', 'retired']}
            value={status}
            onChange={setStatus}
          />
        </FilterToolbar>
        <DataTable
          label="Devices"
          pending={devices.isPending}
          error={devices.error}
          errorTitle="Could not list devices"
          loadingLabel="Loading devices"
          emptyTitle="No devices"
          rows={devices.data?.devices ?? []}
          rowKey={(d) => d.deviceId}
          columns={[
            { title: 'Serial', cell: (d) => d.serial },
            { title: 'Availability zone', cell: (d) => d.az },
            { title: 'Device type', cell: (d) => d.deviceType },
            { title: 'Status', cell: (d) => <StatusLabel status={d.status} /> },
            { title: 'Instance', cell: (d) => d.instanceId || '—' },
            { title: 'Driver', cell: (d) => d.driver },
            { title: 'Power', cell: (d) => d.power || 'unknown' },
            {
              title: 'Health',
              cell: (d) =>
                d.health ? `${d.health}${d.healthMessage ? `: ${d.healthMessage}` : ''}` : 'not checked',
            },
            {
              title: 'Actions',
              cell: (d) => (
                <div className="edcps-page-actions">
                  <Button
                    size="sm"
                    variant="secondary"
                    aria-label={`Power status of ${d.serial}`}
                    onClick={() =>
                      void act(`Power ${d.serial}`, () => admin.powerDevice(d.deviceId, 'status'))
                    }
                  >
                    Power status
                  </Button>
                  {(['on', 'off', 'cycle'] as const).map((action) => (
                    <Button
                      key={action}
                      size="sm"
                      variant="secondary"
                      aria-label={`Power ${action} ${d.serial}`}
                      isDisabled={d.status === 'retired'}
                      onClick={() =>
                        void act(`Power ${action} ${d.serial}`, () => admin.powerDevice(d.deviceId, action))
                      }
                    >
                      Power {action}
                    </Button>
                  ))}
                  <Button
                    size="sm"
                    variant="secondary"
                    aria-label={`Check health of ${d.serial}`}
                    onClick={() => void act(`Check ${d.serial}`, () => admin.checkDevice(d.deviceId))}
                  >
                    Check health
                  </Button>
                  <Button
                    size="sm"
                    variant="secondary"
                    isDanger
                    aria-label={`Retire ${d.serial}`}
                    isDisabled={d.status !== 'available'}
                    onClick={() => setRetiring(d)}
                  >
                    Retire
                  </Button>
                </div>
              ),
            },
          ]}
        />
      </PageSection>
      {retiring ? (
        <ConfirmModal
          title={`Retire device ${retiring.serial}?`}
          confirmLabel="Retire"
          danger
          onClose={() => setRetiring(null)}
          onConfirm={async () => {
            await admin.retireDevice(retiring.deviceId);
            refresh();
          }}
        >
          The device leaves the stock and is never allocated again.
        </ConfirmModal>
      ) : null}
      {dialog === 'add' ? (
        <AddDevice
          onClose={() => setDialog(null)}
          onDone={refresh}
          azs={azs.map((a) => a.az)}
          types={types}
        />
      ) : null}
      {dialog === 'upload' ? <UploadDevices onClose={() => setDialog(null)} onDone={refresh} /> : null}
    </>
  );
}

function AddDevice({
  onClose,
  onDone,
  azs,
  types,
}: {
  onClose: () => void;
  onDone: () => void;
  azs: string[];
  types: string[];
}) {
  const { region } = useSession();
  const f = useFieldErrors();
  const [az, setAz] = useState(azs[0] ?? '');
  const [deviceType, setDeviceType] = useState(types[0] ?? '');
  const [serial, setSerial] = useState('');
  const [bmcUrl, setBmcUrl] = useState('');
  const [macs, setMacs] = useState('');
  return (
    <ConfirmModal
      title="Add device"
      confirmLabel="Add"
      onClose={onClose}
      isConfirmDisabled={!serial || !az || !deviceType}
      onConfirm={() =>
        f.run(async () => {
          const device: Record<string, unknown> = { region, az, deviceType, serial };
          if (bmcUrl) device.bmcUrl = bmcUrl;
          const m = macs.split(/[\s,]+/).filter(Boolean);
          if (m.length) device.macs = m;
          await admin.addDevices([device]);
          onDone();
        })
      }
    >
      <Field label="Availability zone" fieldId="device-az" isRequired error={f.of('az')}>
        <FormSelect id="device-az" value={az} onChange={(_e, v) => setAz(v)}>
          {azs.map((a) => (
            <FormSelectOption key={a} value={a} label={a} />
          ))}
        </FormSelect>
      </Field>
      <Field label="Device type" fieldId="device-type" isRequired error={f.of('deviceType')}>
        <TextInput
          id="device-type"
          value={deviceType}
          onChange={(_e, v) => setDeviceType(v)}
          list="device-type-options"
        />
      </Field>
      <Field label="Serial" fieldId="device-serial" isRequired error={f.of('serial')}>
        <TextInput id="device-serial" value={serial} onChange={(_e, v) => setSerial(v)} isRequired />
      </Field>
      <Field
        label="BMC URL"
        fieldId="device-bmc"
        error={f.of('bmcUrl')}
        help="Empty: a simulated machine. ipmi://user:pass@host or redfish+https://…"
      >
        <TextInput id="device-bmc" value={bmcUrl} onChange={(_e, v) => setBmcUrl(v)} />
      </Field>
      <Field
        label="MAC addresses"
        fieldId="device-macs"
        error={f.of('macs')}
        help="Optional, separated by spaces or commas."
      >
        <TextInput id="device-macs" value={macs} onChange={(_e, v) => setMacs(v)} />
      </Field>
    </ConfirmModal>
  );
}

function UploadDevices({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const [filename, setFilename] = useState('');
  const [text, setText] = useState('');
  return (
    <ConfirmModal
      title="Upload device file"
      confirmLabel="Add devices"
      onClose={onClose}
      isConfirmDisabled={!text}
      onConfirm={async () => {
        let list: unknown;
        if (/^\s*\[/.test(text)) list = JSON.parse(text);
        else list = (await import('yaml')).parse(text);
        if (!Array.isArray(list)) throw new Error('The file must hold a list of devices.');
        const r = await admin.addDevices(list as Record<string, unknown>[]);
        onDone();
        return r;
      }}
    >
      <Field
        label="Device file"
        fieldId="device-file"
        help="A JSON or YAML list of {region, az, deviceType, serial, bmcUrl?, macs?}; all or nothing."
      >
        <FileUpload
          id="device-file"
          type="text"
          value={text}
          filename={filename}
          filenamePlaceholder="Drag a file here or browse"
          browseButtonText="Browse"
          onFileInputChange={(_e, file) => setFilename(file.name)}
          onDataChange={(_e, data) => setText(data)}
          onTextChange={(_e, data) => setText(data)}
          onClearClick={() => {
            setFilename('');
            setText('');
          }}
          allowEditingUploadedText
        />
      </Field>
    </ConfirmModal>
  );
}
