import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/resources.js';
import { renderFiles } from '../../scripts/gen-coverage.js';

describe('docs/coverage.md', () => {
  it('is up to date with the operation table (run npm run docs:coverage)', () => {
    const { coverage, readme } = renderFiles();
    expect(fs.readFileSync(path.join(PACKAGE_ROOT, 'docs', 'coverage.md'), 'utf8')).toBe(coverage);
    if (readme !== undefined)
      expect(fs.readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8')).toBe(readme);
  });
});
