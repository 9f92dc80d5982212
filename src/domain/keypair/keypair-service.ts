import { type KeyObject, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { Executor, Tx } from '../../store/db.js';
import * as repo from '../../store/repositories/keypairs-repo.js';
import { createAccountService } from '../account/account-service.js';
import { isoTime } from '../clock.js';
import type { Caller, Deps } from '../deps.js';
import { alreadyExists, invalidArgument, notFound, quotaExceeded } from '../errors.js';
import type { PageRequest } from '../elastic-ip/purchase-rules.js';
import { idempotencyKey, idempotent } from '../idempotency.js';
import { isSeeded, newId, seededBytes } from '../ids.js';
import { requireString } from '../validate.js';
import { seededRsaKeyPair } from './seeded-rsa.js';
import { SshKeyError, md5Fingerprint, parseOpenSshPublicKey, rsaOpenSshPublicKey } from './ssh-public-key.js';

const generateRsaAsync = promisify(generateKeyPair);

/**
 * RSA 2048, e = 65537. With EDCPS_SEED the key comes from the seeded "keypair:rsa" stream (same
 * seed and same sequence of createKeypairs calls → same keys; ~0.1-0.3 s on this thread);
 * otherwise from OpenSSL on the thread pool. Drawn whole and synchronously, so concurrent
 * calls never interleave one key's bytes with another's.
 */
async function generateRsa(): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  if (isSeeded()) {
    return seededRsaKeyPair((n) => seededBytes('keypair:rsa', n)!);
  }
  return generateRsaAsync('rsa', { modulusLength: 2048, publicExponent: 65537 });
}

/** JD VM key-pair rule (reference §f.2): letters, digits, `_` and `-`, at most 32 characters. */
export function checkKeypairName(field: string, value: unknown): string {
  const name = requireString(field, value);
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(name)) {
    throw invalidArgument(field, 'must be 1-32 characters of letters, digits, _ and -');
  }
  return name;
}

function keypairModel(row: repo.KeypairRow) {
  return {
    keypairId: row.id,
    region: row.region_id,
    name: row.name,
    publicKey: row.public_key,
    fingerPrint: row.fingerprint,
    createTime: isoTime(row.created_at),
    updateTime: isoTime(row.updated_at),
  };
}

/**
 * Resolves a key pair named in a request body (InstanceSpec.keypairId…): INVALID_ARGUMENT
 * naming `field` when it is not the caller's in this region. For createInstances and reinstall.
 */
export async function resolveKeypair(
  db: Executor,
  caller: { accountId: string; regionId: string },
  keypairId: string,
  field: string,
): Promise<ReturnType<typeof keypairModel>> {
  const row = await repo.getKeypair(db, caller, keypairId);
  if (!row) throw invalidArgument(field, `key pair ${keypairId} not found in region ${caller.regionId}`);
  return keypairModel(row);
}

export function createKeypairService(deps: Deps) {
  const { store, clock } = deps;
  const accounts = createAccountService(deps);
  const now = () => clock.now();

  /** Quota (20 per account and region by default) → 429; duplicate name → 409. Then inserts. */
  async function insertChecked(
    tx: Tx,
    caller: Caller,
    name: string,
    key: { publicKey: string; fingerprint: string },
  ) {
    await repo.lockAccount(tx, caller.accountId);
    const quota = await accounts.quota(caller.accountId, caller.regionId, tx);
    const used = await repo.countKeypairs(tx, caller.accountId, caller.regionId);
    if (used >= quota.keypairs) {
      throw quotaExceeded(
        `key pair quota exceeded in region ${caller.regionId}: ${used} of ${quota.keypairs} used`,
      );
    }
    if (await repo.findKeypairByName(tx, caller, name)) {
      throw alreadyExists(`key pair named "${name}" already exists in region ${caller.regionId}`);
    }
    const at = now();
    const row: repo.KeypairRow = {
      id: newId('keypair'),
      account_id: caller.accountId,
      region_id: caller.regionId,
      name,
      public_key: key.publicKey,
      fingerprint: key.fingerprint,
      created_at: at,
      updated_at: at,
    };
    await repo.insertKeypair(tx, row);
    return keypairModel(row);
  }

  return {
    /**
     * Generates an RSA 2048 key pair. The private key (PKCS#1 PEM, usable by ssh) is in this
     * response only and never stored — not even for clientToken replays.
     */
    async createKeypairs(caller: Caller, input: { clientToken?: string; name: unknown }) {
      const name = checkKeypairName('name', input.name);
      const key = idempotencyKey(caller, 'createKeypairs', input.clientToken);
      // Generated outside the transaction: key generation takes tens of milliseconds.
      const pair = await generateRsa();
      const pub = rsaOpenSshPublicKey(pair.publicKey);
      let created: string | undefined;
      const stored = await idempotent(store, key, now, async (tx) => {
        const model = await insertChecked(tx, caller, name, {
          publicKey: pub.text,
          fingerprint: md5Fingerprint(pub.blob),
        });
        created = model.keypairId;
        return model;
      });
      // DEVIATION: a clientToken replay returns the first result without the private key
      // (privateKey ""): keeping it to replay it would mean storing it.
      const privateKey =
        created === stored.keypairId
          ? (pair.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string)
          : '';
      return { ...stored, privateKey };
    },

    /** Imports an OpenSSH public key (ssh-rsa ≥ 2048 bits, ssh-ed25519, ecdsa-sha2-nistp*). */
    async importKeypairs(caller: Caller, input: { clientToken?: string; name: unknown; publicKey: unknown }) {
      const name = checkKeypairName('name', input.name);
      const text = requireString('publicKey', input.publicKey);
      let parsed;
      try {
        parsed = parseOpenSshPublicKey(text);
      } catch (e) {
        if (e instanceof SshKeyError) throw invalidArgument('publicKey', e.message);
        throw e;
      }
      const key = idempotencyKey(caller, 'importKeypairs', input.clientToken);
      return idempotent(store, key, now, (tx) =>
        insertChecked(tx, caller, name, { publicKey: parsed.text, fingerprint: md5Fingerprint(parsed.blob) }),
      );
    },

    async describeKeypair(caller: Caller, keypairId: string) {
      const row = await repo.getKeypair(store.db, caller, keypairId);
      if (!row) throw notFound('key pair', keypairId);
      return { keypair: keypairModel(row) };
    },

    /** `name` matches as a case-insensitive substring (like describeInstances.name). */
    async describeKeypairs(
      caller: Caller,
      q: { page: PageRequest; keypairIds?: readonly string[]; name?: string },
    ) {
      const { rows, totalCount } = await repo.listKeypairs(
        store.db,
        { accountId: caller.accountId, regionId: caller.regionId, ids: q.keypairIds, name: q.name },
        q.page,
      );
      return {
        keypairs: rows.map(keypairModel),
        pageNumber: q.page.pageNumber,
        pageSize: q.page.pageSize,
        totalCount,
      };
    },

    /**
     * Deletes a key pair (no clientToken in this operation). Instances created with it keep the
     * key installed and keep showing its id, as on JD.
     */
    async deleteKeypairs(caller: Caller, keypairId: string) {
      const deleted = await store.transaction((tx) => repo.deleteKeypair(tx, caller, keypairId));
      if (!deleted) throw notFound('key pair', keypairId);
      return { success: true };
    },
  };
}

export type KeypairService = ReturnType<typeof createKeypairService>;
