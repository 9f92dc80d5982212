import {
  Button,
  FileUpload,
  FormSelect,
  FormSelectOption,
  PageSection,
  TextInput,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { admin, type Device } from '../../admin';
import {
  ConfirmModal,
  Empty,
  ErrorAlert,
  errorText,
  Field,
  Loading,
  PageHeader,
  Pager,
  StatusLabel,
} from '../../components/common';
import { useFieldErrors } from '../../components/forms';
import { jd } from '../../jd';
import { useSession } from '../../session';

/** The fleet of the current region: devices with their state, stock per AZ and type, add/upload/retire, power, health. */
export default function Fleet() {
  const { region } = useSession();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [perPage, setPerPage] = useState(20);
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
  const devices = useQuery({
    queryKey: ['admin', 'devices', region, page, perPage, az, type, status],
    queryFn: () =>
      admin.devices({ regionId: region, az, deviceType: type, status, pageNumber: page, pageSize: perPage }),
    placeholderData: keepPreviousData,
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
          <Table aria-label="Stock" variant="compact">
            <Thead>
              <Tr>
                <Th>Availability zone</Th>
                <Th>Device type</Th>
                <Th>Sale</Th>
                <Th>Available</Th>
                <Th>Allocated</Th>
                <Th>Retired</Th>
              </Tr>
            </Thead>
            <Tbody>
              {stock.data.stock.map((s) => (
                <Tr key={`${s.az}/${s.deviceType}`}>
                  <Td dataLabel="Availability zone">{s.az}</Td>
                  <Td dataLabel="Device type">{s.deviceType}</Td>
                  <Td dataLabel="Sale">{s.soldOut ? 'sold out' : 'on sale'}</Td>
                  <Td dataLabel="Available">{s.available}</Td>
                  <Td dataLabel="Allocated">{s.allocated}</Td>
                  <Td dataLabel="Retired">{s.retired}</Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
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
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <FormSelect
                id="fleet-az"
                aria-label="Filter by availability zone"
                value={az}
                onChange={(_e, v) => setAz(v)}
              >
                <FormSelectOption value="" label="All availability zones" />
                {azs.map((a) => (
                  <FormSelectOption key={a.az} value={a.az} label={a.az} />
                ))}
              </FormSelect>
            </ToolbarItem>
            <ToolbarItem>
              <FormSelect
                id="fleet-type"
                aria-label="Filter by device type"
                value={type}
                onChange={(_e, v) => setType(v)}
              >
                <FormSelectOption value="" label="All device types" />
                {types.map((t) => (
                  <FormSelectOption key={t} value={t} label={t} />
                ))}
              </FormSelect>
            </ToolbarItem>
            <ToolbarItem>
              <FormSelect
                id="fleet-status"
                aria-label="Filter by device status"
                value={status}
                onChange={(_e, v) => setStatus(v)}
              >
                <FormSelectOption value="" label="All statuses" />
                {['available', 'allocated', 'retired'].map((s) => (
                  <FormSelectOption key={s} value={s} label={s} />
                ))}
              </FormSelect>
            </ToolbarItem>
            <ToolbarItem variant="pagination" align={{ default: 'alignEnd' }}>
              <Pager
                total={devices.data?.totalCount ?? 0}
                page={page}
                perPage={perPage}
                onChange={(p, pp) => {
                  setPage(p);
                  setPerPage(pp);
                }}
              />
            </ToolbarItem>
          </ToolbarContent>
        </Toolbar>
        <ErrorAlert error={devices.error} title="Could not list devices" />
        {devices.isPending ? (
          <Loading label="Loading devices" />
        ) : (devices.data?.devices ?? []).length === 0 ? (
          <Empty title="No devices" />
        ) : (
          <Table aria-label="Devices" variant="compact">
            <Thead>
              <Tr>
                <Th>Serial</Th>
                <Th>Availability zone</Th>
                <Th>Device type</Th>
                <Th>Status</Th>
                <Th>Instance</Th>
                <Th>Driver</Th>
                <Th>Power</Th>
                <Th>Health</Th>
                <Th>Actions</Th>
              </Tr>
            </Thead>
            <Tbody>
              {(devices.data?.devices ?? []).map((d) => (
                <Tr key={d.deviceId}>
                  <Td dataLabel="Serial">{d.serial}</Td>
                  <Td dataLabel="Availability zone">{d.az}</Td>
                  <Td dataLabel="Device type">{d.deviceType}</Td>
                  <Td dataLabel="Status">
                    <StatusLabel status={d.status} />
                  </Td>
                  <Td dataLabel="Instance">{d.instanceId || '—'}</Td>
                  <Td dataLabel="Driver">{d.driver}</Td>
                  <Td dataLabel="Power">{d.power || 'unknown'}</Td>
                  <Td dataLabel="Health">
                    {d.health ? `${d.health}${d.healthMessage ? `: ${d.healthMessage}` : ''}` : 'not checked'}
                  </Td>
                  <Td dataLabel="Actions">
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
                            void act(`Power ${action} ${d.serial}`, () =>
                              admin.powerDevice(d.deviceId, action),
                            )
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
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
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
