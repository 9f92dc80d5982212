import type { Logger } from 'pino';
import type { Store } from '../store/db.js';
import type { CatalogFile } from './catalog/catalog-file.js';
import type { Clock } from './clock.js';
import type { Intake } from './instance/intake.js';
import type { SecretBox } from './secret-box.js';

/** What every domain service is built from. Wired in main.ts (and test helpers). */
export interface Deps {
  readonly store: Store;
  /** Simulated time: provisioning schedules, resource timestamps, charge times. */
  readonly clock: Clock;
  readonly secrets: SecretBox;
  readonly catalog: CatalogFile;
  readonly timeScale: number;
  readonly log: Logger;
  /** New instances handed to this process's reconciler (createInstances). */
  readonly intake: Intake;
}

/** Who is asking, and where: every user-facing domain call takes one. */
export interface Caller {
  readonly accountId: string;
  readonly regionId: string;
  readonly requestId: string;
}
