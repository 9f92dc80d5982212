import type { Action, CatalogFile } from '../catalog/catalog-file.js';
import { TRANSITIONS as RULES, type Transition } from './status-rules.js';

export type { Action };

/** The statuses and the transition table live in status-rules.ts (import-free, shared with the console). */
export {
  INSTANCE_STATUSES,
  type InstanceStatus,
  STATUS_LIST,
  type Transition,
  TRANSITIONAL_STATUSES,
} from './status-rules.js';

/** The transition table, one entry per catalog action; a missing or extra action fails to compile. */
export const TRANSITIONS: Readonly<Record<Action, Transition>> = RULES;
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _noExtraActions: SameKeys<keyof typeof RULES, Action> = true;

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
