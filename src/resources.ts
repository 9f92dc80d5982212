import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Package root, found from this file whether it runs from src/ (tsx, vitest) or dist/src/. */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export const PACKAGE_ROOT = findRoot();

export const resourcePath = (...parts: string[]): string => path.join(PACKAGE_ROOT, 'resources', ...parts);
