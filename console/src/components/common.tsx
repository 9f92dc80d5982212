import {
  Alert,
  Button,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  EmptyState,
  EmptyStateBody,
  Form,
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  Label,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  PageSection,
  Pagination,
  Spinner,
  Title,
} from '@patternfly/react-core';
import { useId, useState, type ReactNode } from 'react';
import { ApiError } from '../api';
import { TRANSITIONAL_STATUSES } from '../jd';

const STATUS_COLORS: Record<string, 'green' | 'grey' | 'red' | 'blue' | 'orange'> = {
  running: 'green',
  stopped: 'grey',
  error: 'red',
  associate: 'green',
  disassociate: 'grey',
  active: 'green',
  disabled: 'grey',
  available: 'green',
  allocated: 'blue',
  retired: 'grey',
};

/** A status as text in a label; transitional statuses carry a small spinner. */
export function StatusLabel({ status }: { status: string }) {
  const transitional = TRANSITIONAL_STATUSES.has(status);
  return (
    <Label
      color={STATUS_COLORS[status] ?? (transitional ? 'blue' : 'orange')}
      icon={transitional ? <Spinner size="sm" aria-hidden="true" /> : undefined}
    >
      {status}
    </Label>
  );
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.status ? `${e.message} (${e.status})` : e.message;
  return e instanceof Error ? e.message : String(e);
}

export function ErrorAlert({ error, title = 'The request failed' }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <Alert variant="danger" isInline title={title} role="alert">
      {errorText(error)}
    </Alert>
  );
}

export function Loading({ label = 'Loading' }: { label?: string }) {
  return <Spinner size="lg" aria-label={label} />;
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <PageSection>
      <div className="edcps-page-header">
        <Title headingLevel="h1">{title}</Title>
        {children ? <div className="edcps-page-actions">{children}</div> : null}
      </div>
    </PageSection>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <EmptyState titleText={title} headingLevel="h2">
      {children ? <EmptyStateBody>{children}</EmptyStateBody> : null}
    </EmptyState>
  );
}

/** The server's paging: pageNumber ≥ 1, pageSize 1–100. */
export function Pager({
  total,
  page,
  perPage,
  onChange,
  bottom,
  label = 'Pagination',
}: {
  total: number;
  page: number;
  perPage: number;
  onChange: (page: number, perPage: number) => void;
  bottom?: boolean;
  /** Names the pagination landmark; unique per page when several lists share it. */
  label?: string;
}) {
  const id = useId();
  return (
    <Pagination
      itemCount={total}
      page={page}
      perPage={perPage}
      perPageOptions={[10, 20, 50, 100].map((n) => ({ title: String(n), value: n }))}
      onSetPage={(_e, p) => onChange(p, perPage)}
      onPerPageSelect={(_e, pp) => onChange(1, pp)}
      variant={bottom ? 'bottom' : 'top'}
      isCompact={!bottom}
      titles={{ paginationAriaLabel: bottom ? `${label} (bottom)` : label }}
      widgetId={`pager${id.replace(/:/g, '')}`}
    />
  );
}

/** A list of label/value pairs; values are shown as text ("—" when empty). */
export function Details({ items, twoColumns }: { items: [string, ReactNode][]; twoColumns?: boolean }) {
  return (
    <DescriptionList isHorizontal isCompact columnModifier={twoColumns ? { lg: '2Col' } : undefined}>
      {items.map(([term, value]) => (
        <DescriptionListGroup key={term}>
          <DescriptionListTerm>{term}</DescriptionListTerm>
          <DescriptionListDescription>
            {value === '' || value === undefined || value === null ? '—' : value}
          </DescriptionListDescription>
        </DescriptionListGroup>
      ))}
    </DescriptionList>
  );
}

/**
 * A confirmation dialog. `confirmLabel` names the button that does it; the action runs on confirm
 * and the dialog stays open showing the API's error if it fails.
 */
export function ConfirmModal({
  title,
  confirmLabel,
  danger,
  onConfirm,
  onClose,
  children,
  isConfirmDisabled,
}: {
  title: string;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
  children?: ReactNode;
  isConfirmDisabled?: boolean;
}) {
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal isOpen variant="small" onClose={onClose} aria-labelledby={`${id}-title`}>
      <ModalHeader title={title} labelId={`${id}-title`} titleIconVariant={danger ? 'warning' : undefined} />
      <ModalBody>
        <Form
          id={`${id}-form`}
          onSubmit={(e) => {
            e.preventDefault();
            void confirm();
          }}
        >
          {children}
        </Form>
        {error ? <ErrorAlert error={error} /> : null}
      </ModalBody>
      <ModalFooter>
        <Button
          variant={danger ? 'danger' : 'primary'}
          type="submit"
          form={`${id}-form`}
          isLoading={busy}
          isDisabled={busy || isConfirmDisabled}
        >
          {confirmLabel}
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

/** A form group whose helper text shows the API's error for this field, if any. */
export function Field({
  label,
  fieldId,
  error,
  help,
  isRequired,
  children,
}: {
  label: string;
  fieldId: string;
  error?: string;
  help?: string;
  isRequired?: boolean;
  children: ReactNode;
}) {
  return (
    <FormGroup label={label} fieldId={fieldId} isRequired={isRequired}>
      {children}
      {error || help ? (
        <FormHelperText>
          <HelperText id={`${fieldId}-helper`}>
            <HelperTextItem variant={error ? 'error' : 'default'}>{error || help}</HelperTextItem>
          </HelperText>
        </FormHelperText>
      ) : null}
    </FormGroup>
  );
}

export const fmtTime = (t: string): string => (t ? t.replace('T', ' ').replace('Z', ' UTC') : '');
