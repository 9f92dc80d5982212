import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../helpers/sdk.js';

const run = promisify(execFile);
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const files = fs
  .readdirSync(EXAMPLES)
  .filter((f) => /\.(mjs|cjs|js)$/.test(f))
  .sort();

/** The child's environment: this process's, without any EDCPS_* setting of the developer's shell. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EDCPS_')));
  return { ...env, ...extra };
}

describe('examples/ run as written against a started server', () => {
  it('has examples to run', () => {
    expect(files).toContain('quickstart.mjs');
  });

  it("shows quickstart.mjs in the README exactly as the file is (so the README's code runs as written)", () => {
    const readme = fs.readFileSync(path.join(EXAMPLES, '..', 'README.md'), 'utf8');
    const code = fs.readFileSync(path.join(EXAMPLES, 'quickstart.mjs'), 'utf8');
    expect(readme).toContain('node examples/quickstart.mjs');
    expect(readme).toContain('```js\n' + code + '```\n');
  });

  describe.each(files)('%s', (file) => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer({ EDCPS_TIME_SCALE: '0' });
    });
    afterAll(() => s.stop());

    it('exits 0 with credentials and endpoint from the environment', async () => {
      const r = await run(process.execPath, [path.join(EXAMPLES, file)], {
        env: childEnv({
          EDCPS_ENDPOINT: `http://${s.host}`,
          EDCPS_ACCESS_KEY_ID: s.credentials.accessKeyId,
          EDCPS_SECRET_ACCESS_KEY: s.credentials.secretAccessKey,
        }),
        timeout: 60_000,
      });
      expect(r.stderr).toBe('');
    });

    it.runIf(file === 'quickstart.mjs')(
      'exits 0 with credentials read from ./data/credentials.json',
      async () => {
        const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-example-'));
        try {
          fs.mkdirSync(path.join(cwd, 'data'));
          fs.writeFileSync(path.join(cwd, 'data', 'credentials.json'), JSON.stringify(s.credentials));
          const r = await run(process.execPath, [path.join(EXAMPLES, file)], {
            cwd,
            env: childEnv({ EDCPS_ENDPOINT: `http://${s.host}` }),
            timeout: 60_000,
          });
          // The same clientToken: the three instances of the first run, all running by now.
          expect(r.stdout.match(/ running$/gm)).toHaveLength(3);
        } finally {
          fs.rmSync(cwd, { recursive: true, force: true });
        }
      },
    );
  });
});
