import { randomBytes } from 'node:crypto';
import * as repo from '../../store/repositories/accounts-repo.js';
import type { Executor } from '../../store/db.js';
import type { Deps } from '../deps.js';
import { sharedCache } from '../fresh-cache.js';
import { newId } from '../ids.js';
import { nonceLedger } from './nonce-ledger.js';

/** JD's documented defaults per account and region (DESIGN §3). */
export const DEFAULT_QUOTA = { instances: 20, elasticIps: 10, keypairs: 20 } as const;

export interface Quota {
  instances: number;
  elasticIps: number;
  keypairs: number;
}

export interface NewCredentials {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

const newAccessKeyId = (): string => randomBytes(12).toString('hex').toUpperCase();
const newSecret = (): string => randomBytes(24).toString('base64url');

export class AccountError extends Error {}

export function createAccountService(deps: Deps) {
  const { store, secrets, clock } = deps;
  const db = store.db;
  /** Opened secrets of active keys (undefined: unknown, revoked or unreadable), by access key id. */
  const keys = sharedCache<string, { accountId: string; secret: string } | undefined>(store, 'access-keys');
  const nonces = nonceLedger(store);

  async function addKey(accountId: string, accessKeyId = newAccessKeyId(), secret = newSecret()) {
    await repo.upsertAccessKey(db, {
      access_key_id: accessKeyId,
      account_id: accountId,
      secret_sealed: secrets.seal(secret),
      status: 'active',
      created_at: clock.now(),
    });
    keys.clear();
    return { accountId, accessKeyId, secretAccessKey: secret };
  }

  async function requireAccount(idOrName: string) {
    const a = await repo.findAccount(db, idOrName);
    if (!a) throw new AccountError(`no account named or with id "${idOrName}"`);
    return a;
  }

  return {
    requireAccount,

    /**
     * The default account. With explicit credentials they are created or updated (the secret
     * replaced); without, a key is generated only if the account has none — then `created`
     * carries the new secret so the caller can show it once.
     */
    async ensureDefault(explicit?: { accessKeyId: string; secretAccessKey: string }): Promise<{
      accountId: string;
      created?: NewCredentials;
    }> {
      let acc = await repo.findAccount(db, 'default');
      if (!acc) {
        acc = { id: newId('account'), name: 'default', created_at: clock.now() };
        try {
          await repo.insertAccount(db, acc);
        } catch {
          // Another process created it at the same moment.
          acc = (await repo.findAccount(db, 'default'))!;
        }
      }
      if (explicit) {
        await addKey(acc.id, explicit.accessKeyId, explicit.secretAccessKey);
        return { accountId: acc.id };
      }
      const keys = await repo.listAccessKeys(db, acc.id);
      if (keys.some((k) => k.status === 'active')) return { accountId: acc.id };
      return { accountId: acc.id, created: await addKey(acc.id) };
    },

    async createAccount(name: string): Promise<NewCredentials> {
      if (!/^[A-Za-z][A-Za-z0-9_.-]{1,63}$/.test(name)) {
        throw new AccountError('account name must be 2-64 characters: a letter, then letters, digits, _ . -');
      }
      if (await repo.findAccount(db, name)) throw new AccountError(`account "${name}" already exists`);
      const acc = { id: newId('account'), name, created_at: clock.now() };
      await repo.insertAccount(db, acc);
      return addKey(acc.id);
    },

    listAccounts: () => repo.listAccounts(db),

    async createKey(account: string): Promise<NewCredentials> {
      return addKey((await requireAccount(account)).id);
    },

    async listKeys(account: string) {
      const a = await requireAccount(account);
      return (await repo.listAccessKeys(db, a.id)).map((k) => ({
        accessKeyId: k.access_key_id,
        accountId: k.account_id,
        status: k.status,
        createdAt: k.created_at,
      }));
    },

    async revokeKey(accessKeyId: string): Promise<void> {
      const revoked = await repo.revokeAccessKey(db, accessKeyId);
      keys.clear();
      if (!revoked) throw new AccountError(`no access key "${accessKeyId}"`);
    },

    /** The secret of an active key, for signature verification; undefined if unknown or revoked. */
    lookupKey: (accessKeyId: string): Promise<{ accountId: string; secret: string } | undefined> =>
      keys.get(accessKeyId, async () => {
        const k = await repo.getAccessKey(db, accessKeyId);
        if (!k || k.status !== 'active') return undefined;
        try {
          return { accountId: k.account_id, secret: secrets.open(k.secret_sealed) };
        } catch {
          // Sealed under another master key (processes sharing a database must share the key):
          // the caller cannot be verified, which is a 401, not a server fault. Logged for the operator.
          deps.log.error({ accessKeyId }, 'access key secret cannot be decrypted with this master key');
          return undefined;
        }
      }),

    /** Records a nonce durably before the request proceeds; false when it was already used. */
    rememberNonce: (accessKeyId: string, nonce: string, expiresAt: number) =>
      nonces.remember(accessKeyId, nonce, expiresAt),

    purgeNonces: (now: number) => nonces.purge(now),

    async quota(accountId: string, regionId: string, exec: Executor = db): Promise<Quota> {
      const q = await repo.getQuota(exec, accountId, regionId);
      return q
        ? { instances: q.instances, elasticIps: q.elastic_ips, keypairs: q.keypairs }
        : { ...DEFAULT_QUOTA };
    },

    async setQuota(account: string, regionId: string, change: Partial<Quota>): Promise<Quota> {
      const a = await requireAccount(account);
      const cur = await this.quota(a.id, regionId);
      const next = { ...cur, ...change };
      await repo.upsertQuota(db, {
        account_id: a.id,
        region_id: regionId,
        instances: next.instances,
        elastic_ips: next.elasticIps,
        keypairs: next.keypairs,
      });
      return next;
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
