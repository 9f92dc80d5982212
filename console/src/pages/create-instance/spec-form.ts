import { useState } from 'react';
import { INITIAL, type Spec } from './spec';

/** The wizard's values and the API's error per field, as every step reads and changes them. */
export interface SpecForm {
  s: Spec;
  /** Sets a field and clears the API's error for it: the user has answered it. */
  set: <K extends keyof Spec>(k: K, v: Spec[K]) => void;
  /** Errors by `instanceSpec` field name; some (`lineType`) have no input of their own. */
  errors: Record<string, string>;
  setErrors: (errors: Record<string, string>) => void;
  err: (k: keyof Spec) => string | undefined;
  validated: (k: keyof Spec) => 'error' | 'default';
}

export function useSpecForm(): SpecForm {
  const [s, setS] = useState<Spec>(INITIAL);
  const [errors, setErrors] = useState<Record<string, string>>({});
  return {
    s,
    set: (k, v) => {
      setS((prev) => ({ ...prev, [k]: v }));
      setErrors((prev) => {
        if (!(k in prev)) return prev;
        const { [k]: _gone, ...rest } = prev;
        return rest;
      });
    },
    errors,
    setErrors,
    err: (k) => errors[k],
    validated: (k) => (errors[k] ? 'error' : 'default'),
  };
}
