import { useState } from 'react';
import { ApiError } from '../api';
import { errorText } from './common';

/**
 * Field errors from the API: `invalid parameter vpcSpec.cidr: …` is kept under `cidr` so the form
 * shows it at that field. `run` rethrows so the dialog also shows the message.
 */
export function useFieldErrors() {
  const [errors, setErrors] = useState<Record<string, string>>({});
  return {
    errors,
    of: (field: string) => errors[field],
    validated: (field: string): 'error' | 'default' => (errors[field] ? 'error' : 'default'),
    async run<T>(fn: () => Promise<T>): Promise<T> {
      setErrors({});
      try {
        return await fn();
      } catch (e) {
        const field = e instanceof ApiError ? e.field : undefined;
        if (field) setErrors({ [field.split('.').pop() as string]: errorText(e) });
        throw e;
      }
    },
  };
}
