import type { InstanceProgress } from '../domain/operator/progress.js';

/** Where a waited-for instance stands: its progress, or gone (deleted). */
export type Watched = { instanceId: string; gone: true } | (InstanceProgress & { gone?: false });

function describe(w: Watched): string {
  if (w.gone) return 'deleted';
  if (w.action === '') return w.status + (w.status === 'error' && w.lastError ? ` (${w.lastError})` : '');
  const pos = w.stepIndex > 0 ? ` (${w.stepIndex}/${w.stepCount})` : '';
  return `${w.status}  ${w.step}${pos}`;
}

const elapsed = (ms: number) => `${(ms / 1000).toFixed(1)}s`.padStart(7);

/**
 * Live progress of several instances. On a terminal one line per instance is redrawn in place;
 * otherwise a plain line is written whenever an instance changes status or step.
 */
export function createProgressView(out: NodeJS.WriteStream) {
  const tty = out.isTTY === true;
  const last = new Map<string, string>();
  let drawn = 0;
  return {
    update(all: readonly Watched[], ms: number): void {
      if (tty) {
        if (drawn > 0) out.write(`\x1b[${drawn}A`);
        for (const w of all) out.write(`\x1b[2K${w.instanceId}  ${describe(w)}  ${elapsed(ms).trim()}\n`);
        drawn = all.length;
        return;
      }
      for (const w of all) {
        const d = describe(w);
        if (last.get(w.instanceId) === d) continue;
        last.set(w.instanceId, d);
        out.write(`[${elapsed(ms)}] ${w.instanceId}  ${d}\n`);
      }
    },
  };
}
