import { FormSelect, FormSelectOption, NumberInput, TextInput } from '@patternfly/react-core';
import type { ReactNode } from 'react';
import { Field } from '../../components/common';
import type { Spec } from './spec';
import type { SpecForm } from './spec-form';

/** Spec fields holding free text or a choice (`login` is a radio pair, not one of these). */
type TextKey = Exclude<{ [K in keyof Spec]: Spec[K] extends string ? K : never }[keyof Spec], 'login'>;

interface Common<K extends keyof Spec> {
  form: SpecForm;
  name: K;
  /** The control's id, also the Field's `fieldId`. */
  id: string;
  label: string;
  help?: string;
  isRequired?: boolean;
}

/** The Field around a spec control: label, help, and the API's error for this field. */
function SpecField({
  form,
  name,
  id,
  label,
  help,
  isRequired,
  children,
}: Common<keyof Spec> & { children: ReactNode }) {
  return (
    <Field label={label} fieldId={id} error={form.err(name)} help={help} isRequired={isRequired}>
      {children}
    </Field>
  );
}

export interface Option {
  value: string;
  label: string;
}

/**
 * A select bound to one spec field, with the API's error for it under the control. `placeholder`
 * is a "choose one" entry; `emptyOption` is a real choice whose value is empty (server default).
 */
export function SpecSelect(
  props: Common<TextKey> & {
    placeholder?: string;
    emptyOption?: string;
    options: Option[];
    /** Instead of setting the field alone (e.g. a new AZ also clears the type and subnet). */
    onChange?: (value: string) => void;
    /** False for fixed choices the API rejects only with a message: the message alone shows it. */
    markInvalid?: boolean;
  },
) {
  const { form, name, id, placeholder, emptyOption, options, onChange, markInvalid = true } = props;
  return (
    <SpecField {...props}>
      <FormSelect
        id={id}
        value={form.s[name]}
        validated={markInvalid ? form.validated(name) : undefined}
        onChange={(_e, v) => (onChange ? onChange(v) : form.set(name, v))}
      >
        {placeholder !== undefined ? <FormSelectOption value="" label={placeholder} isPlaceholder /> : null}
        {emptyOption !== undefined ? <FormSelectOption value="" label={emptyOption} /> : null}
        {options.map((o) => (
          <FormSelectOption key={o.value} value={o.value} label={o.label} />
        ))}
      </FormSelect>
    </SpecField>
  );
}

/** A text input bound to one spec field; a required field's input is required too. */
export function SpecText(props: Common<TextKey> & { type?: 'password'; autoComplete?: string }) {
  const { form, name, id, isRequired, type, autoComplete } = props;
  return (
    <SpecField {...props}>
      <TextInput
        id={id}
        type={type}
        autoComplete={autoComplete}
        value={form.s[name]}
        validated={form.validated(name)}
        onChange={(_e, v) => form.set(name, v)}
        isRequired={isRequired}
      />
    </SpecField>
  );
}

/** A whole number ≥ 1 with − and + buttons, bound to one spec field. */
export function SpecNumber(
  props: Common<'bandwidth' | 'count'> & { max?: number; minusLabel: string; plusLabel: string },
) {
  const { form, name, id, label, max, minusLabel, plusLabel } = props;
  const value = form.s[name];
  return (
    <SpecField {...props}>
      <NumberInput
        id={id}
        inputName={name}
        inputAriaLabel={label}
        value={value}
        min={1}
        max={max}
        validated={form.validated(name)}
        onMinus={() => form.set(name, Math.max(1, value - 1))}
        onPlus={() => form.set(name, value + 1)}
        onChange={(e) => form.set(name, Number((e.target as HTMLInputElement).value) || 0)}
        minusBtnAriaLabel={minusLabel}
        plusBtnAriaLabel={plusLabel}
      />
    </SpecField>
  );
}
