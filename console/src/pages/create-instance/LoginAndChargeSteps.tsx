// The wizard's last input steps: how to log in, then name, count and charge.
import { Form, Radio, TextArea, TextInput } from '@patternfly/react-core';
import { Field } from '../../components/common';
import type { StepProps } from './PlacementSteps';
import { CHARGE_MODES } from './spec';
import { SpecNumber, SpecSelect, SpecText } from './spec-fields';

export function LoginStep({ form, catalog }: StepProps) {
  const { s, set } = form;
  return (
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
        <SpecText
          form={form}
          name="password"
          id="wizard-password"
          label="Instance password"
          help="8–30 characters with at least three of: upper case, lower case, digits, special characters."
          type="password"
          autoComplete="new-password"
        />
      ) : (
        <SpecSelect
          form={form}
          name="keypairId"
          id="wizard-keypair"
          label="Key pair name"
          isRequired
          placeholder="Choose a key pair"
          options={catalog.keypairs.map((k) => ({ value: k.keypairId, label: `${k.name} (${k.keypairId})` }))}
        />
      )}
    </Form>
  );
}

export function DetailsStep({ form }: Pick<StepProps, 'form'>) {
  const { s, set, err, validated } = form;
  return (
    <Form onSubmit={(e) => e.preventDefault()}>
      <SpecText
        form={form}
        name="name"
        id="wizard-name"
        label="Instance name"
        isRequired
        help="2–128 characters, starting with a letter or Chinese character; digits, '.', '_', ':' and '-' allowed."
      />
      <SpecText form={form} name="description" id="wizard-description" label="Description" />
      <SpecNumber
        form={form}
        name="count"
        id="wizard-count"
        label="Count"
        isRequired
        minusLabel="Fewer instances"
        plusLabel="More instances"
      />
      <SpecSelect
        form={form}
        name="chargeMode"
        id="wizard-charge-mode"
        label="Charge mode"
        options={CHARGE_MODES}
        markInvalid={false}
      />
      {s.chargeMode === 'prepaid_by_duration' ? (
        <>
          <SpecSelect
            form={form}
            name="chargeUnit"
            id="wizard-charge-unit"
            label="Charge unit"
            options={[
              { value: 'month', label: 'Month' },
              { value: 'year', label: 'Year' },
            ]}
            markInvalid={false}
          />
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
  );
}
