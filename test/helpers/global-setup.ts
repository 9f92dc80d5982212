import { execFileSync } from 'node:child_process';

/**
 * CLI tests run the built binary as a user would; build once before any test runs. CI builds
 * once itself and runs two suites side by side (EDCPS_TEST_PREBUILT=1): two builds rewriting
 * dist/ while the other suite runs it could hand a test a half-written file.
 */
export default function setup(): void {
  if (process.env.EDCPS_TEST_PREBUILT === '1') return;
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
