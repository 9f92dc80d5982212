import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { resourcePath } from '../../src/resources.js';

/** A stand-in for the operator's boot file server (kernel, initrd), on 127.0.0.1. */
export interface BootFiles {
  readonly base: string;
  /** Paths requested so far. */
  readonly fetched: string[];
  close(): Promise<void>;
}

const FILES: Record<string, string> = {
  '/debian/linux': 'not really a kernel\n',
  '/debian/initrd.gz': 'not really an initrd\n',
  '/clean/linux': 'not really a cleaning kernel\n',
  '/clean/initrd.gz': 'not really a cleaning initrd\n',
};

export async function startBootFiles(): Promise<BootFiles> {
  const fetched: string[] = [];
  const server = http.createServer((req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    fetched.push(p);
    const body = FILES[p];
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/octet-stream' });
    res.end(body ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    base: `http://127.0.0.1:${port}`,
    fetched,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * The built-in catalog with a network-boot profile on every OS image (and a cleaning profile),
 * pointing at `filesBase`; written to a temporary file for EDCPS_CATALOG.
 */
export function netbootCatalog(filesBase: string, o: { installTimeoutSeconds?: number } = {}): string {
  const cat = JSON.parse(fs.readFileSync(resourcePath('catalog', 'catalog.json'), 'utf8')) as {
    osImages: Record<string, unknown>[];
    cleaning?: unknown;
  };
  const profile = (dir: string) => ({
    kernel: `${filesBase}/${dir}/linux`,
    initrd: [`${filesBase}/${dir}/initrd.gz`],
    args: 'auto=true priority=critical console=ttyS0',
    installTimeoutSeconds: o.installTimeoutSeconds ?? 20,
  });
  for (const image of cat.osImages) image.boot = profile('debian');
  cat.cleaning = profile('clean');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edcps-netboot-'));
  const file = path.join(dir, 'catalog.json');
  fs.writeFileSync(file, JSON.stringify(cat));
  return file;
}
