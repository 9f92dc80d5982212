import { createCipheriv, createDecipheriv } from 'node:crypto';
import { pooledRandomBytes } from './ids.js';

/**
 * AES-256-GCM under the master key. Output: `v1.<iv b64>.<tag b64>.<ciphertext b64>`.
 * Used for secret access keys (kept, needed to verify signatures) and for passwords and user
 * data while they wait for provisioning (erased once used).
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('master key must be 32 bytes');
  }

  seal(plaintext: string): string {
    // A random 96-bit IV per seal, as GCM under one key needs; never a byte of the pool twice.
    const iv = pooledRandomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join(
      '.',
    );
  }

  /** Throws if the value was not sealed under this key or was tampered with. */
  open(sealed: string): string {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || iv === undefined || tag === undefined || ct === undefined) {
      throw new Error('not a sealed value');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
  }
}
