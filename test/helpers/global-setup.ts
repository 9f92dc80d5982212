import { execFileSync } from 'node:child_process';

/** CLI tests run the built binary as a user would; build once before any test runs. */
export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
