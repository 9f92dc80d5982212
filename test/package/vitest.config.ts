import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:package`: the packed package installed into an empty folder, as a user gets it.
 * Kept out of `npm test` because installing it compiles better-sqlite3 from source (minutes);
 * .ci/run runs it once.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/package/**/*.pkgtest.ts'],
    testTimeout: 120_000,
    hookTimeout: 30 * 60_000,
    pool: 'forks',
  },
});
