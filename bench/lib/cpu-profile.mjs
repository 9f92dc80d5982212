import fs from 'node:fs';
import path from 'node:path';

/**
 * The heaviest functions of a V8 .cpuprofile by self time: what `node --cpu-prof` recorded,
 * reduced to what a reader needs to see where the time went.
 */
export function topFrames(file, root, limit = 15) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  const deltas = prof.timeDeltas;
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0));
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byFrame = new Map();
  for (const [id, us] of selfUs) {
    const { callFrame: f } = byId.get(id);
    const where = f.url ? `${path.relative(root, f.url.replace(/^file:\/\//, ''))}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    byFrame.set(key, (byFrame.get(key) ?? 0) + us);
  }
  return [...byFrame.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([frame, us]) => ({
      frame,
      selfMs: Math.round(us / 1000),
      percent: Math.round((1000 * us) / total) / 10,
    }));
}
