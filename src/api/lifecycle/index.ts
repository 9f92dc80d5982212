import type { HandlerMap } from '../handler.js';
import { deleteInstance } from './delete-instance.js';
import { modifyInstance } from './modify-instance.js';
import { reinstallInstance } from './reinstall-instance.js';
import { resetPassword } from './reset-password.js';
import { restartInstance } from './restart-instance.js';
import { startInstance } from './start-instance.js';
import { stopInstance } from './stop-instance.js';

/** Instance lifecycle intents: each validates and records the action; the reconciler runs it. */
export const lifecycleHandlers: HandlerMap = {
  startInstance,
  stopInstance,
  restartInstance,
  reinstallInstance,
  resetPassword,
  modifyInstance,
  deleteInstance,
};
