import {
  FormSelect,
  FormSelectOption,
  TextInput,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import { Children, type ComponentProps, type ReactNode } from 'react';
import { Pager } from './common';

/** A list's toolbar: each child (filters, a title, a button) in its own item, the pager at the end. */
export function FilterToolbar({
  children,
  pager,
}: {
  children: ReactNode;
  pager: ComponentProps<typeof Pager>;
}) {
  return (
    <Toolbar>
      <ToolbarContent>
        {Children.map(children, (child) => (child ? <ToolbarItem>{child}</ToolbarItem> : null))}
        <ToolbarItem variant="pagination" align={{ default: 'alignEnd' }}>
          <Pager {...pager} />
        </ToolbarItem>
      </ToolbarContent>
    </Toolbar>
  );
}

/** A filter choosing one value; the empty value (`allLabel`) means no filter. */
export function FilterSelect({
  id,
  label,
  allLabel,
  options,
  value,
  onChange,
}: {
  id: string;
  /** The accessible name, e.g. "Filter by status". */
  label: string;
  allLabel: string;
  options: readonly (string | { value: string; label: string })[];
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <FormSelect id={id} aria-label={label} value={value} onChange={(_e, v) => onChange(v)}>
      <FormSelectOption value="" label={allLabel} />
      {options.map((o) => {
        const { value: v, label: l } = typeof o === 'string' ? { value: o, label: o } : o;
        return <FormSelectOption key={v} value={v} label={l} />;
      })}
    </FormSelect>
  );
}

/** A free-text filter; `label` is its accessible name, `placeholder` says what to type. */
export function FilterText({
  label,
  placeholder,
  value,
  onChange,
}: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <TextInput aria-label={label} placeholder={placeholder} value={value} onChange={(_e, v) => onChange(v)} />
  );
}
