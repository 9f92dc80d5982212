import { ACCOUNT_ROLES } from '../../domain/account/account-service.js';
import { isoTime } from '../../domain/clock.js';
import { failedPrecondition } from '../../domain/errors.js';
import { PAGE_FIELDS } from '../admin-input.js';
import { type AdminOperationDef, defineOperation } from '../define-operation.js';

const ACCOUNT = 'account id or name';

/** Accounts and their access keys (docs/admin-api.md). Secrets appear only when created. */
export const ACCOUNT_OPERATIONS: readonly AdminOperationDef[] = [
  defineOperation({
    name: 'describeAccounts',
    method: 'GET',
    path: '/admin/v1/accounts',
    summary: 'List accounts (creation order) with their role and status',
    fields: PAGE_FIELDS,
    async run({ runtime }, input) {
      const page = input.page();
      const r = await runtime.services.accounts.accountsPage(page);
      return { ...r, pageNumber: page.pageNumber, pageSize: page.pageSize };
    },
  }),
  defineOperation({
    name: 'createAccount',
    method: 'POST',
    path: '/admin/v1/accounts',
    summary:
      'Create an account (a user unless role is operator) and its first access key; the secret is shown only here',
    fields: [
      {
        name: 'name',
        type: 'string',
        required: true,
        description: 'a letter, then letters, digits, _ . - (2-64 characters)',
      },
      { name: 'role', type: 'string', enum: ACCOUNT_ROLES, description: 'user (default) or operator' },
    ],
    async run({ runtime }, input) {
      const name = input.string('name', 64);
      const role = input.optEnum('role', ACCOUNT_ROLES);
      const c = await runtime.services.accounts.createAccount(name, { role });
      return {
        accountId: c.accountId,
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        role: c.role,
      };
    },
  }),
  defineOperation({
    name: 'describeAccount',
    method: 'GET',
    path: '/admin/v1/accounts/{account}',
    summary: `One account (${ACCOUNT})`,
    run: ({ runtime }, input) => runtime.services.accounts.describeAccount(input.string('account')),
  }),
  defineOperation({
    name: 'disableAccount',
    method: 'POST',
    path: '/admin/v1/accounts/{account}:disable',
    summary:
      'Disable an account: its keys get 403 at once, in every process (an operator cannot disable its own account)',
    async run({ runtime, callerAccountId }, input) {
      const accounts = runtime.services.accounts;
      const a = await accounts.describeAccount(input.string('account'));
      // Locking oneself out over the API would leave nobody to undo it but the local CLI.
      if (callerAccountId !== undefined && a.accountId === callerAccountId) {
        throw failedPrecondition(`an operator cannot disable its own account (${a.name})`);
      }
      return accounts.disableAccount(a.accountId);
    },
  }),
  defineOperation({
    name: 'enableAccount',
    method: 'POST',
    path: '/admin/v1/accounts/{account}:enable',
    summary: 'Enable a disabled account: its active keys work again',
    run: ({ runtime }, input) => runtime.services.accounts.enableAccount(input.string('account')),
  }),
  defineOperation({
    name: 'describeAccessKeys',
    method: 'GET',
    path: '/admin/v1/accounts/{account}/access-keys',
    summary: "An account's access keys (never their secrets)",
    async run({ runtime }, input) {
      const keys = (await runtime.services.accounts.listKeys(input.string('account'))).map((k) => ({
        accessKeyId: k.accessKeyId,
        status: k.status,
        createdAt: isoTime(k.createdAt),
      }));
      return { accessKeys: keys, totalCount: keys.length };
    },
  }),
  defineOperation({
    name: 'createAccessKey',
    method: 'POST',
    path: '/admin/v1/accounts/{account}/access-keys',
    summary: 'Add an access key to an account; the secret is shown only here',
    async run({ runtime }, input) {
      const c = await runtime.services.accounts.createKey(input.string('account'));
      return { accountId: c.accountId, accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
    },
  }),
  defineOperation({
    name: 'revokeAccessKey',
    method: 'POST',
    path: '/admin/v1/access-keys/{accessKeyId}:revoke',
    summary: 'Revoke an access key: requests signed with it get 401 at once, in every process',
    async run({ runtime }, input) {
      const accessKeyId = input.string('accessKeyId');
      await runtime.services.accounts.revokeKey(accessKeyId);
      return { accessKeyId, status: 'revoked' };
    },
  }),
];
