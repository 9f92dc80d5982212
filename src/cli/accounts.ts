import type { Command } from 'commander';
import { isoTime } from '../domain/clock.js';
import { withRuntime } from './admin.js';
import { type JsonOption, emit, intArg, record, table, textArg } from './output.js';

const credentialsText = (c: { accountId: string; accessKeyId: string; secretAccessKey: string }) =>
  `account ${c.accountId}\nEDCPS_ACCESS_KEY_ID=${c.accessKeyId}\nEDCPS_SECRET_ACCESS_KEY=${c.secretAccessKey}\n` +
  '(the secret is shown only now)';

export function registerAccountCommands(program: Command): void {
  const accounts = program
    .command('accounts')
    .description('tenant accounts (each with its own resources and keys)');
  accounts
    .command('create')
    .description('create an account and its first access key; prints the secret once')
    .argument('<name>', 'account name: a letter, then letters, digits, _ . - (2-64 characters)')
    .option('--json', 'print {"accountId","accessKeyId","secretAccessKey"}')
    .action((name: string, opts: JsonOption) =>
      withRuntime(async (rt) => {
        const c = await rt.services.accounts.createAccount(name);
        emit(opts, c, () => credentialsText(c));
      }),
    );
  accounts
    .command('list')
    .description('list accounts')
    .option('--json', 'print {"accounts","totalCount"}')
    .action((opts: JsonOption) =>
      withRuntime(async (rt) => {
        const list = (await rt.services.accounts.listAccounts()).map((a) => ({
          accountId: a.id,
          name: a.name,
          createdAt: isoTime(a.created_at),
        }));
        emit(opts, { accounts: list, totalCount: list.length }, () =>
          table(list, [
            ['accountId', 'ACCOUNT ID'],
            ['name', 'NAME'],
            ['createdAt', 'CREATED'],
          ]),
        );
      }),
    );

  const keys = program.command('keys').description("an account's access keys");
  keys
    .command('create')
    .description('add an access key to an account; prints the secret once')
    .argument('<account>', 'account id or name')
    .option('--json', 'print {"accountId","accessKeyId","secretAccessKey"}')
    .action((account: string, opts: JsonOption) =>
      withRuntime(async (rt) => {
        const c = await rt.services.accounts.createKey(account);
        emit(opts, c, () => credentialsText(c));
      }),
    );
  keys
    .command('list')
    .description("list an account's access keys (never their secrets)")
    .argument('<account>', 'account id or name')
    .option('--json', 'print {"accessKeys","totalCount"}')
    .action((account: string, opts: JsonOption) =>
      withRuntime(async (rt) => {
        const list = (await rt.services.accounts.listKeys(account)).map((k) => ({
          ...k,
          createdAt: isoTime(k.createdAt),
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
  keys
    .command('revoke')
    .description('revoke an access key: requests signed with it get 401 at once')
    .argument('<access-key-id>', 'the key to revoke')
    .option('--json', 'print {"accessKeyId","status"}')
    .action((accessKeyId: string, opts: JsonOption) =>
      withRuntime(async (rt) => {
        await rt.services.accounts.revokeKey(accessKeyId);
        const r = { accessKeyId, status: 'revoked' };
        emit(opts, r, () => `access key ${accessKeyId} revoked`);
      }),
    );

  const quotas = program.command('quotas').description('per-account, per-region limits');
  const limit = intArg(0, 100_000);
  quotas
    .command('set')
    .description('change some limits of an account in a region (others keep their value)')
    .argument('<account>', 'account id or name')
    .requiredOption('--region <region>', 'region id', textArg)
    .option('--instances <n>', 'instances', limit)
    .option('--elastic-ips <n>', 'elastic IPs', limit)
    .option('--keypairs <n>', 'key pairs', limit)
    .option('--json', 'print {"accountId","accountName","region","quota"}')
    .action(
      (
        account: string,
        opts: JsonOption & { region: string; instances?: number; elasticIps?: number; keypairs?: number },
      ) =>
        withRuntime(async (rt) => {
          const change = { instances: opts.instances, elasticIps: opts.elasticIps, keypairs: opts.keypairs };
          if (Object.values(change).every((v) => v === undefined)) {
            throw new Error('give at least one of --instances, --elastic-ips, --keypairs');
          }
          const r = await rt.services.operator.setQuota(account, opts.region, change);
          emit(opts, r, () =>
            record({ account: `${r.accountName} (${r.accountId})`, region: r.region, ...r.quota }),
          );
        }),
    );
  quotas
    .command('show')
    .description('show the limits of an account in a region')
    .argument('<account>', 'account id or name')
    .requiredOption('--region <region>', 'region id', textArg)
    .option('--json', 'print {"accountId","accountName","region","quota"}')
    .action((account: string, opts: JsonOption & { region: string }) =>
      withRuntime(async (rt) => {
        const r = await rt.services.operator.showQuota(account, opts.region);
        emit(opts, r, () =>
          record({ account: `${r.accountName} (${r.accountId})`, region: r.region, ...r.quota }),
        );
      }),
    );
}
