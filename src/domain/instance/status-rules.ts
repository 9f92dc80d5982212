/**
 * The lifecycle rules as plain data: the status list, the transition table and which statuses are
 * in flight. No imports at all, so the web console (console/) reads the very same table as the
 * server without pulling Node types into its build; states.ts re-exports it for the server.
 */

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
 * Keyed by the catalog's action names (states.ts checks the keys are exactly those).
 */
export const TRANSITIONS = {
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
} as const satisfies Readonly<Record<string, Transition>>;

/**
 * Statuses an instance only passes through: every action's transitional status, plus `upgrading`,
 * which no API 1.3.0 action produces but which also means "work in progress". Watchers (the
 * console) poll while an instance is in one of these.
 */
export const TRANSITIONAL_STATUSES: ReadonlySet<string> = new Set<string>([
  ...Object.values(TRANSITIONS).map((t) => t.transitional),
  'upgrading',
]);
