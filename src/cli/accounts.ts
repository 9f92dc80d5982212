import type { Command } from 'commander';
import { type InitOption, initOption, withOperator } from './admin.js';
import { CliError } from './errors.js';
import { type JsonOption, emit, intArg, record, table, textArg } from './output.js';
import { allPages } from './pages.js';

interface NewCredentials {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
  role?: string;
}

interface AccountView {
  accountId: string;
  name: string;
  role: string;
  status: string;
  createdAt: string;
}

interface AccessKeyView {
  accessKeyId: string;
  accountId?: string;
  status: string;
  createdAt: string;
}

interface QuotaView {
  accountId: string;
  accountName: string;
  region: string;
  quota: { instances: number; elasticIps: number; keypairs: number };
}

const credentialsText = (c: NewCredentials) =>
  `account ${c.accountId}${c.role === undefined || c.role === 'user' ? '' : ` (role ${c.role})`}\n` +
  `EDCPS_ACCESS_KEY_ID=${c.accessKeyId}\nEDCPS_SECRET_ACCESS_KEY=${c.secretAccessKey}\n` +
  '(the secret is shown only now)';

const quotaText = (r: QuotaView) =>
  record({ account: `${r.accountName} (${r.accountId})`, region: r.region, ...r.quota });

type Opts = JsonOption & InitOption;

export function registerAccountCommands(program: Command): void {
  const accounts = program
    .command('accounts')
    .description('tenant accounts (each with its own resources and keys); operators may call /admin/v1');
  initOption(
    accounts
      .command('create')
      .description('create an account and its first access key; prints the secret once')
      .argument('<name>', 'account name: a letter, then letters, digits, _ . - (2-64 characters)')
      .option('--operator', 'an operator account: its keys may call the operator API (/admin/v1)'),
  )
    .option('--json', 'print {"accountId","accessKeyId","secretAccessKey","role"}')
    .action((name: string, opts: Opts & { operator?: boolean }) =>
      withOperator(opts, async (call) => {
        const c = await call<NewCredentials>('createAccount', {
          name,
          ...(opts.operator ? { role: 'operator' } : {}),
        });
        emit(opts, c, () => credentialsText(c));
      }),
    );
  initOption(accounts.command('list').description('list accounts with their role and status'))
    .option('--json', 'print {"accounts":[{accountId,name,role,status,createdAt}],"totalCount"}')
    .action((opts: Opts) =>
      withOperator(opts, async (call) => {
        const list = await allPages<AccountView>(call, 'describeAccounts', 'accounts');
        emit(opts, { accounts: list, totalCount: list.length }, () =>
          table(list, [
            ['accountId', 'ACCOUNT ID'],
            ['name', 'NAME'],
            ['role', 'ROLE'],
            ['status', 'STATUS'],
            ['createdAt', 'CREATED'],
          ]),
        );
      }),
    );
  for (const [verb, operation, what] of [
    ['disable', 'disableAccount', 'disable an account: its keys get 403 at once (its resources stay)'],
    ['enable', 'enableAccount', 'enable a disabled account again'],
  ] as const) {
    initOption(accounts.command(verb).description(what).argument('<account>', 'account id or name'))
      .option('--json', 'print the account {"accountId","name","role","status","createdAt"}')
      .action((account: string, opts: Opts) =>
        withOperator(opts, async (call) => {
          const a = await call<AccountView>(operation, { account });
          emit(opts, a, () => `account ${a.name} (${a.accountId}) is ${a.status}`);
        }),
      );
  }

  const keys = program.command('keys').description("an account's access keys");
  initOption(
    keys
      .command('create')
      .description('add an access key to an account; prints the secret once')
      .argument('<account>', 'account id or name'),
  )
    .option('--json', 'print {"accountId","accessKeyId","secretAccessKey"}')
    .action((account: string, opts: Opts) =>
      withOperator(opts, async (call) => {
        const c = await call<NewCredentials>('createAccessKey', { account });
        emit(opts, c, () => credentialsText(c));
      }),
    );
  initOption(
    keys
      .command('list')
      .description("list an account's access keys (never their secrets)")
      .argument('<account>', 'account id or name'),
  )
    .option('--json', 'print {"accessKeys","totalCount"}')
    .action((account: string, opts: Opts) =>
      withOperator(opts, async (call) => {
        const r = await call<{ accessKeys: AccessKeyView[] }>('describeAccessKeys', { account });
        // Each key names its account, as it always did; look the id up when the answer omits it.
        let accountId: string | undefined;
        if (r.accessKeys.some((k) => k.accountId === undefined)) {
          accountId = (await call<AccountView>('describeAccount', { account })).accountId;
        }
        const list = r.accessKeys.map((k) => ({
          accessKeyId: k.accessKeyId,
          accountId: k.accountId ?? accountId,
          status: k.status,
          createdAt: k.createdAt,
        }));
        emit(opts, { accessKeys: list, totalCount: list.length }, () =>
          table(list, [
            ['accessKeyId', 'ACCESS KEY ID'],
            ['status', 'STATUS'],
            ['createdAt', 'CREATED'],
          ]),
        );
      }),
    );
  initOption(
    keys
      .command('revoke')
      .description('revoke an access key: requests signed with it get 401 at once')
      .argument('<access-key-id>', 'the key to revoke'),
  )
    .option('--json', 'print {"accessKeyId","status"}')
    .action((accessKeyId: string, opts: Opts) =>
      withOperator(opts, async (call) => {
        const r = await call<{ accessKeyId: string; status: string }>('revokeAccessKey', { accessKeyId });
        emit(opts, r, () => `access key ${r.accessKeyId} revoked`);
      }),
    );

  const quotas = program.command('quotas').description('per-account, per-region limits');
  const limit = intArg(0, 100_000);
  initOption(
    quotas
      .command('set')
      .description('change some limits of an account in a region (others keep their value)')
      .argument('<account>', 'account id or name')
      .requiredOption('--region <region>', 'region id', textArg)
      .option('--instances <n>', 'instances', limit)
      .option('--elastic-ips <n>', 'elastic IPs', limit)
      .option('--keypairs <n>', 'key pairs', limit),
  )
    .option('--json', 'print {"accountId","accountName","region","quota"}')
    .action(
      (
        account: string,
        opts: Opts & { region: string; instances?: number; elasticIps?: number; keypairs?: number },
      ) => {
        const change = { instances: opts.instances, elasticIps: opts.elasticIps, keypairs: opts.keypairs };
        if (Object.values(change).every((v) => v === undefined)) {
          throw new CliError(
            'INVALID_ARGUMENT',
            'give at least one of --instances, --elastic-ips, --keypairs',
          );
        }
        return withOperator(opts, async (call) => {
          const r = await call<QuotaView>('modifyQuota', { account, regionId: opts.region, ...change });
          emit(opts, r, () => quotaText(r));
        });
      },
    );
  initOption(
    quotas
      .command('show')
      .description('show the limits of an account in a region')
      .argument('<account>', 'account id or name')
      .requiredOption('--region <region>', 'region id', textArg),
  )
    .option('--json', 'print {"accountId","accountName","region","quota"}')
    .action((account: string, opts: Opts & { region: string }) =>
      withOperator(opts, async (call) => {
        const r = await call<QuotaView>('describeQuota', { account, regionId: opts.region });
        emit(opts, r, () => quotaText(r));
      }),
    );
}
