import type { HandlerMap } from '../handler.js';
import { createKeypairs } from './create-keypairs.js';
import { deleteKeypairs } from './delete-keypairs.js';
import { describeKeypair } from './describe-keypair.js';
import { describeKeypairs } from './describe-keypairs.js';
import { importKeypairs } from './import-keypairs.js';

/** Key pair operations. */
export const keypairHandlers: HandlerMap = {
  createKeypairs,
  importKeypairs,
  describeKeypair,
  describeKeypairs,
  deleteKeypairs,
};
