import { randomBytes } from 'node:crypto';
import * as repo from '../../store/repositories/accounts-repo.js';
import type { Executor } from '../../store/db.js';
import { isoTime } from '../clock.js';
import type { Deps } from '../deps.js';
import type { ErrorStatus } from '../errors.js';
import { sharedCache } from '../fresh-cache.js';
import { newId } from '../ids.js';
import { OperatorError } from '../operator/operator-error.js';
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

export const ACCOUNT_ROLES = ['user', 'operator'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];
export type AccountStatus = 'active' | 'disabled';

/** An account as operators see it (operator API `Account`, `accounts list --json`). */
export interface AccountView {
  accountId: string;
  name: string;
  role: AccountRole;
  status: AccountStatus;
  createdAt: string;
}

/** What a signature check learns from an access key: whose it is and whether it may act. */
export interface KeyOwner {
  accountId: string;
  secret: string;
  /** Absent only in test doubles written before roles existed: treated as an active user. */
  name?: string;
  role?: AccountRole;
  status?: AccountStatus;
}

export const accountView = (a: repo.AccountRow): AccountView => ({
  accountId: a.id,
  name: a.name,
  role: a.role,
  status: a.status,
  createdAt: isoTime(a.created_at),
});

const newAccessKeyId = (): string => randomBytes(12).toString('hex').toUpperCase();
const newSecret = (): string => randomBytes(24).toString('base64url');

/**
 * A refused account command. An OperatorError, so the CLI and the operator API answer it with
 * its status (NOT_FOUND for an unknown account or key, ALREADY_EXISTS for a taken name).
 */
export class AccountError extends OperatorError {
  constructor(message: string, status: ErrorStatus = 'INVALID_ARGUMENT') {
    super(message, status);
  }
}

export function createAccountService(deps: Deps) {
  const { store, secrets, clock } = deps;
  const db = store.db;
  /**
   * Opened secrets of active keys with their account's role and status (undefined: unknown,
   * revoked or unreadable), by access key id. Whatever changes a key or an account's status
   * clears it here; other processes drop it on their own (fresh-cache.ts), so a revoke or a
   * disable takes effect at once everywhere.
   */
  const keys = sharedCache<string, KeyOwner | undefined>(store, 'access-keys');
  const nonces = nonceLedger(store);

  async function addKey(
    accountId: string,
    accessKeyId = newAccessKeyId(),
    secret = newSecret(),
    exec: Executor = db,
  ) {
    await repo.upsertAccessKey(exec, {
      access_key_id: accessKeyId,
      account_id: accountId,
      secret_sealed: secrets.seal(secret),
      status: 'active',
      created_at: clock.now(),
    });
    keys.clear();
    return { accountId, accessKeyId, secretAccessKey: secret };
  }

  async function setStatus(account: string, status: AccountStatus): Promise<AccountView> {
    const a = await requireAccount(account);
    await repo.setAccountStatus(db, a.id, status);
    keys.clear();
    return accountView({ ...a, status });
  }

  async function requireAccount(idOrName: string) {
    const a = await repo.findAccount(db, idOrName);
    if (!a) throw new AccountError(`no account named or with id "${idOrName}"`, 'NOT_FOUND');
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
        acc = {
          id: newId('account'),
          name: 'default',
          created_at: clock.now(),
          role: 'user',
          status: 'active',
        };
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

    /**
     * Creates an account (a user unless `role` says operator) and its first key. Throws
     * AccountError, creating nothing, for a bad name or role or a name already taken.
     */
    async createAccount(
      name: string,
      opts: { role?: AccountRole } = {},
    ): Promise<NewCredentials & { role: AccountRole }> {
      const role = opts.role ?? 'user';
      if (!(ACCOUNT_ROLES as readonly string[]).includes(role)) {
        throw new AccountError(`account role must be one of ${ACCOUNT_ROLES.join(', ')}`);
      }
      if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_.-]{1,63}$/.test(name)) {
        throw new AccountError('account name must be 2-64 characters: a letter, then letters, digits, _ . -');
      }
      if (await repo.findAccount(db, name))
        throw new AccountError(`account "${name}" already exists`, 'ALREADY_EXISTS');
      const acc = { id: newId('account'), name, created_at: clock.now(), role, status: 'active' as const };
      // Account and key together: a failed key leaves no account without one.
      let created: NewCredentials;
      try {
        created = await store.transaction(async (tx) => {
          await repo.insertAccount(tx, acc);
          return addKey(acc.id, undefined, undefined, tx);
        });
      } catch (e) {
        // Another request took the name at the same moment.
        if (await repo.findAccount(db, name))
          throw new AccountError(`account "${name}" already exists`, 'ALREADY_EXISTS');
        throw e;
      }
      // Again after the commit: a lookup between addKey's clear and the commit may have cached "unknown".
      keys.clear();
      return { ...created, role };
    },

    listAccounts: () => repo.listAccounts(db),

    /** One page of accounts (creation order) and how many there are. */
    async accountsPage(page: { offset: number; pageSize: number }) {
      const r = await repo.listAccountsPage(db, page);
      return { accounts: r.rows.map(accountView), totalCount: r.totalCount };
    },

    /** An account by id or name, undefined when there is none. */
    findAccount: async (account: string): Promise<AccountView | undefined> => {
      const a = await repo.findAccount(db, account);
      return a && accountView(a);
    },

    /** An account by id or name; AccountError NOT_FOUND when there is none. */
    describeAccount: async (account: string): Promise<AccountView> =>
      accountView(await requireAccount(account)),

    /**
     * Disables an account: every signed request with its keys gets 403 from now on, in every
     * process (the key cache is cleared here, and other processes notice the write). Idempotent.
     */
    disableAccount: (account: string) => setStatus(account, 'disabled'),

    /** Re-enables a disabled account's keys (not revoked ones). Idempotent. */
    enableAccount: (account: string) => setStatus(account, 'active'),

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
      if (!revoked) throw new AccountError(`no access key "${accessKeyId}"`, 'NOT_FOUND');
    },

    /**
     * The secret of an active key with its account's name, role and status, for signature
     * verification; undefined if unknown or revoked. A disabled account's keys are returned
     * (status 'disabled'): the caller refuses them after checking the signature.
     */
    lookupKey: (accessKeyId: string): Promise<KeyOwner | undefined> =>
      keys.get(accessKeyId, async () => {
        const k = await repo.getAccessKeyWithOwner(db, accessKeyId);
        if (!k || k.status !== 'active') return undefined;
        try {
          return {
            accountId: k.account_id,
            secret: secrets.open(k.secret_sealed),
            name: k.account_name,
            role: k.role,
            status: k.account_status,
          };
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
