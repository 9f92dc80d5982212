import type { InstanceEventRow } from '../../store/repositories/events-repo.js';
import { isoTime } from '../clock.js';

/** One entry of an instance's history (CLI `edcps events`). */
export interface EventView {
  time: string;
  kind: 'status' | 'step';
  from: string;
  to: string;
  step: string;
  reason: string;
}

/** An event row as operators read it. */
export const eventView = (e: InstanceEventRow): EventView => ({
  time: isoTime(e.at),
  kind: e.kind,
  from: e.from_status,
  to: e.to_status,
  step: e.step,
  reason: e.reason,
});
