import { describe, expect, it } from 'vitest';
import { createProgressView } from '../../src/cli/progress-view.js';
import type { InstanceProgress } from '../../src/domain/operator/progress.js';

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = { isTTY, write: (s: string) => chunks.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join('') };
}

const creating = (instanceId: string, step: string, stepIndex: number): InstanceProgress => ({
  instanceId,
  status: 'creating',
  action: 'create',
  step,
  stepIndex,
  stepCount: 6,
  lastError: '',
  updateTime: '2030-01-01T00:00:00Z',
});

describe('instances --wait progress display', () => {
  it('redraws one line per instance in place on a terminal', () => {
    const { stream, text } = fakeStream(true);
    const view = createProgressView(stream);
    view.update([creating('edcps-a', 'allocate', 1), creating('edcps-b', 'allocate', 1)], 0);
    view.update([creating('edcps-a', 'install-os', 3), { instanceId: 'edcps-b', gone: true }], 2500);
    expect(text()).toBe(
      '\x1b[2Kedcps-a  creating  allocate (1/6)  0.0s\n' +
        '\x1b[2Kedcps-b  creating  allocate (1/6)  0.0s\n' +
        '\x1b[2A' +
        '\x1b[2Kedcps-a  creating  install-os (3/6)  2.5s\n' +
        '\x1b[2Kedcps-b  deleted  2.5s\n',
    );
  });

  it('writes a plain line only when an instance changes, when not on a terminal', () => {
    const { stream, text } = fakeStream(false);
    const view = createProgressView(stream);
    view.update([creating('edcps-a', 'allocate', 1)], 0);
    view.update([creating('edcps-a', 'allocate', 1)], 400);
    view.update(
      [{ ...creating('edcps-a', '', 0), status: 'error', action: '', lastError: 'disk failed' }],
      1234,
    );
    expect(text()).toBe(
      '[   0.0s] edcps-a  creating  allocate (1/6)\n[   1.2s] edcps-a  error (disk failed)\n',
    );
  });
});
