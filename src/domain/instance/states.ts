import type { Action, CatalogFile } from '../catalog/catalog-file.js';

export type { Action };

/** Lifecycle statuses (reference §f.1), each with what it means here. */
export const INSTANCE_STATUSES = {
  creating: 'being provisioned after createInstances',
  starting: 'powering on',
  running: 'powered on and serving',
  stopping: 'powering off',
  stopped: 'powered off',
  restarting: 'rebooting',
  reinstalling: 'operating system being reinstalled',
  destroying: 'being deleted; disappears when done',
  error: 'a provisioning step failed; last_error says why',
  upgrading: 'configuration change in progress (unreachable through API 1.3.0, kept as a legal value)',
  resetting_password: 'password being reset',
} as const;

export type InstanceStatus = keyof typeof INSTANCE_STATUSES;

export const STATUS_LIST = Object.keys(INSTANCE_STATUSES) as InstanceStatus[];

export interface Transition {
  /** Operation name that starts it. */
  operation: string;
  from: readonly InstanceStatus[];
  transitional: InstanceStatus;
  /** End status, or 'deleted' when the instance disappears. */
  end: InstanceStatus | 'deleted';
}

/**
 * The transition table (DESIGN §3–§4): data, not code. The API writes the transitional status
 * and the first step; only the reconciler moves an instance on. A failed step ends in `error`.
 */
export const TRANSITIONS: Readonly<Record<Action, Transition>> = {
  create: { operation: 'createInstances', from: [], transitional: 'creating', end: 'running' },
  start: { operation: 'startInstance', from: ['stopped'], transitional: 'starting', end: 'running' },
  stop: { operation: 'stopInstance', from: ['running'], transitional: 'stopping', end: 'stopped' },
  restart: { operation: 'restartInstance', from: ['running'], transitional: 'restarting', end: 'running' },
  reinstall: {
    operation: 'reinstallInstance',
    from: ['stopped'],
    transitional: 'reinstalling',
    end: 'running',
  },
  resetPassword: {
    operation: 'resetPassword',
    from: ['stopped'],
    transitional: 'resetting_password',
    end: 'stopped',
  },
  delete: {
    operation: 'deleteInstance',
    from: ['running', 'stopped', 'error'],
    transitional: 'destroying',
    end: 'deleted',
  },
};

export interface StepPlan {
  step: string;
  /** Simulated duration after scaling, milliseconds. */
  durationMs: number;
}

/** The steps of an action from the catalog, durations multiplied by the time scale. */
export function stepsOf(catalog: CatalogFile, action: Action, timeScale: number): StepPlan[] {
  return catalog.provisioning[action].map((s) => ({
    step: s.step,
    durationMs: Math.round(s.seconds * 1000 * timeScale),
  }));
}

/** Every step name of every action, kebab-case (fault injection lists these). */
export function allStepNames(catalog: CatalogFile): string[] {
  return [...new Set(Object.values(catalog.provisioning).flatMap((steps) => steps.map((s) => s.step)))];
}
