// The wizard's network steps: subnet and addresses, then internet access.
import { Alert, Checkbox, Form, TextInput } from '@patternfly/react-core';
import { Field } from '../../components/common';
import type { StepProps } from './PlacementSteps';
import { CHARGE_MODES } from './spec';
import { SpecNumber, SpecSelect, SpecText } from './spec-fields';

export function NetworkStep({ form, catalog }: StepProps) {
  return (
    <Form onSubmit={(e) => e.preventDefault()}>
      <SpecSelect
        form={form}
        name="subnetId"
        id="wizard-subnet"
        label="Subnet"
        help="Without a subnet, the default VPC and a default subnet of this zone are used."
        emptyOption="Default subnet"
        options={catalog.subnets.map((n) => ({
          value: n.subnetId,
          label: `${n.name} (${n.cidr}, ${n.vpcName || n.vpcId})`,
        }))}
      />
      <SpecText
        form={form}
        name="privateIp"
        id="wizard-private-ip"
        label="Private IP"
        help="Optional; a fixed address allows only one instance."
      />
      <SpecText form={form} name="hostname" id="wizard-hostname" label="Hostname" help="Optional." />
    </Form>
  );
}

export function InternetStep({ form, catalog }: StepProps) {
  const { s, set, err } = form;
  return (
    <Form onSubmit={(e) => e.preventDefault()}>
      <Checkbox
        id="wizard-internet"
        label="Public internet access (an elastic IP is created with the instance)"
        isChecked={s.enableInternet}
        onChange={(_e, v) => set('enableInternet', v)}
      />
      {err('enableInternet') ? <Alert variant="danger" isInline title={err('enableInternet')} /> : null}
      {s.enableInternet ? (
        <>
          <Field label="Line type" fieldId="wizard-line" error={form.errors.lineType}>
            <TextInput id="wizard-line" value={catalog.lineType} readOnlyVariant="default" />
          </Field>
          <SpecNumber
            form={form}
            name="bandwidth"
            id="wizard-bandwidth"
            label="Bandwidth (Mbps)"
            help="1 to 10240 Mbps."
            max={10240}
            minusLabel="Less bandwidth"
            plusLabel="More bandwidth"
          />
          <SpecSelect
            form={form}
            name="internetChargeMode"
            id="wizard-internet-charge"
            label="Internet charge mode"
            options={CHARGE_MODES}
            markInvalid={false}
          />
          <SpecSelect
            form={form}
            name="bandwidthPackageId"
            id="wizard-bwp"
            label="Bandwidth package"
            emptyOption="None"
            options={catalog.packages.map((p) => ({
              value: p.bandwidthPackageId,
              label: `${p.name} (${p.bandwidth} Mbps)`,
            }))}
            markInvalid={false}
          />
        </>
      ) : null}
    </Form>
  );
}
