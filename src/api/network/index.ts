import type { HandlerMap } from '../handler.js';

/** Handlers of this area, one file per operation; merged into the operation table. */
export const networkHandlers: HandlerMap = {};
