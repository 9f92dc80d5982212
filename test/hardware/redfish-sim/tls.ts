import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export interface SelfSignedCert {
  certPem: string;
  keyPem: string;
  /** The certificate alone, for clients that take a CA bundle path (sushy, curl). */
  certFile: string;
}

const run = promisify(execFile);
let cached: Promise<SelfSignedCert> | undefined;

/**
 * A P-256 certificate for IP 127.0.0.1, generated once per process (key generation is the
 * slow part of starting a simulator) and removed when the process exits. Throws when
 * /usr/bin/openssl fails; a later call tries again.
 */
export function selfSignedCert(): Promise<SelfSignedCert> {
  cached ??= generate().catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

async function generate(): Promise<SelfSignedCert> {
  // mkdtemp makes the directory 0700, which keeps the private key private while it is on disk.
  const dir = mkdtempSync(path.join(tmpdir(), 'redfish-sim-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  await run('/usr/bin/openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '30',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  const keyPem = readFileSync(keyFile, 'utf8');
  // The key lives on in memory only: a worker killed without an 'exit' event leaves no key behind.
  rmSync(keyFile);
  return { certPem: readFileSync(certFile, 'utf8'), keyPem, certFile };
}
