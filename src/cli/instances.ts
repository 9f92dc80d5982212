import fs from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import YAML from 'yaml';
import { STATUS_LIST } from '../domain/instance/states.js';
import type { InstanceProgress } from '../domain/operator/progress.js';
import { type InitOption, initOption, withOperator } from './admin.js';
import { type ApiClient, ApiCallError, createApiClient } from './api-client.js';
import { readStdin } from './bmc-options.js';
import { CliError, firstLine } from './errors.js';
import { type JsonOption, emit, intArg, record, table, textArg } from './output.js';
import { type Watched, createProgressView } from './progress-view.js';

const POLL_MS = 500;

const WAIT_STATUSES = [...STATUS_LIST, 'deleted'] as const;

const statusArg = (value: string): string => {
  if (!(WAIT_STATUSES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${WAIT_STATUSES.join(', ')}`);
  }
  return value;
};

/** An InstanceSpec (create) or ReinstallInstanceSpec (reinstall) from a JSON or YAML file. */
function readSpec(file: string, model = 'InstanceSpec'): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (e) {
    throw new Error(`${file} is not JSON: ${firstLine(e)}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new Error(`${file} must hold an ${model} object`);
  }
  const o = doc as Record<string, unknown>;
  // Accept the createInstances body shape too ({"instanceSpec": {...}}).
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === 'instanceSpec' && typeof o.instanceSpec === 'object') {
    return o.instanceSpec as Record<string, unknown>;
  }
  return o;
}

async function watch(
  api: ApiClient,
  region: string,
  ids: readonly string[],
  done: (w: Watched) => boolean,
  opts: { timeoutSeconds: number; out: NodeJS.WriteStream },
): Promise<Watched[]> {
  const view = createProgressView(opts.out);
  const start = Date.now();
  for (;;) {
    const all = await Promise.all(
      ids.map(async (id): Promise<Watched> => {
        try {
          return await api.call<InstanceProgress>(
            'GET',
            `/edcps/v1/regions/${region}/instances/${id}/progress`,
          );
        } catch (e) {
          if (e instanceof ApiCallError && e.httpCode === 404) return { instanceId: id, gone: true };
          throw e;
        }
      }),
    );
    const ms = Date.now() - start;
    view.update(all, ms);
    if (all.every(done)) return all;
    if (ms > opts.timeoutSeconds * 1000) {
      const waiting = all.filter((w) => !done(w)).map((w) => w.instanceId);
      throw new CliError(
        'DEADLINE_EXCEEDED',
        `gave up after ${opts.timeoutSeconds} s waiting for ${waiting.join(', ')}`,
        { instances: all },
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

const STABLE = ['running', 'stopped', 'error'];

/**
 * Reached `status` (for a stable status: with nothing left in flight), ended in error, or gone
 * when waiting for deletion.
 */
const reached = (status: string) => (w: Watched) => {
  if (status === 'deleted') return w.gone === true || (!w.gone && w.status === 'error' && w.action === '');
  if (w.gone) return true;
  if (w.status === 'error' && w.action === '') return true;
  return w.status === status && (!STABLE.includes(status) || w.action === '');
};

function failures(all: readonly Watched[], wanted: string): string | undefined {
  const msgs = all.flatMap((w) => {
    if (w.gone) return wanted === 'deleted' ? [] : [`instance ${w.instanceId} was deleted`];
    if (w.status === 'error' && wanted !== 'error') {
      return [`instance ${w.instanceId} ended in error: ${w.lastError || 'no reason recorded'}`];
    }
    return [];
  });
  return msgs.length ? msgs.join('; ') : undefined;
}

interface InstanceListItem {
  instanceId: string;
  name: string;
  status: string;
  az: string;
  deviceType: string;
  privateIp: string;
  publicIp: string;
}

export function registerInstanceCommands(program: Command): void {
  const instances = program
    .command('instances')
    .description('instances: user commands signed like the SDK (EDCPS_ENDPOINT, credentials), and settle');

  instances
    .command('create')
    .description('createInstances with an InstanceSpec from a JSON file')
    .requiredOption('--spec <file>', 'JSON file holding an InstanceSpec (or {"instanceSpec": …})', textArg)
    .option('--region <region>', 'region (default: EDCPS_REGION or the first region)', textArg)
    .option('--client-token <token>', 'idempotency token (≤ 36 characters)', textArg)
    .option('--wait', 'wait until every instance is running (or in error), showing step and elapsed time')
    .option('--timeout <seconds>', 'with --wait: give up after this long', intArg(1, 86_400), 3600)
    .option('--json', 'print {"instanceIds"} (with --wait also "instances": their final state)')
    .action(
      async (
        opts: JsonOption & {
          spec: string;
          region?: string;
          clientToken?: string;
          wait?: boolean;
          timeout: number;
        },
      ) => {
        const instanceSpec = readSpec(opts.spec);
        const api = createApiClient();
        const region = opts.region ?? (await api.region());
        const body = { instanceSpec, ...(opts.clientToken ? { clientToken: opts.clientToken } : {}) };
        const { instanceIds } = await api.call<{ instanceIds: string[] }>(
          'PUT',
          `/v1/regions/${region}/instances`,
          {
            body,
          },
        );
        if (!opts.wait) {
          emit(opts, { instanceIds }, () => instanceIds.join('\n'));
          return;
        }
        // Progress goes to stderr under --json so stdout stays one JSON document.
        const final = await watch(api, region, instanceIds, reached('running'), {
          timeoutSeconds: opts.timeout,
          out: opts.json ? process.stderr : process.stdout,
        });
        const failed = failures(final, 'running');
        // Under --json a failure is the error document, with the final states next to it.
        if (failed) throw new CliError('FAILED_PRECONDITION', failed, { instanceIds, instances: final });
        if (opts.json) emit(opts, { instanceIds, instances: final }, () => '');
      },
    );

  instances
    .command('list')
    .description('describeInstances (every page)')
    .option('--region <region>', 'region (default: EDCPS_REGION or the first region)', textArg)
    .option('--status <status>', 'only instances in this status', textArg)
    .option('--json', 'print {"instances","totalCount"}')
    .action(async (opts: JsonOption & { region?: string; status?: string }) => {
      const api = createApiClient();
      const region = opts.region ?? (await api.region());
      const all: InstanceListItem[] = [];
      let totalCount = 0;
      for (let page = 1; ; page++) {
        const query: Record<string, string> = { pageNumber: String(page), pageSize: '100' };
        if (opts.status)
          Object.assign(query, { 'filters.1.name': 'status', 'filters.1.values.1': opts.status });
        const r = await api.call<{ instances: InstanceListItem[]; totalCount: number }>(
          'GET',
          `/v1/regions/${region}/instances`,
          { query },
        );
        all.push(...r.instances);
        totalCount = r.totalCount;
        if (r.instances.length === 0 || all.length >= totalCount) break;
      }
      emit(opts, { instances: all, totalCount }, () =>
        table(all, [
          ['instanceId', 'INSTANCE ID'],
          ['name', 'NAME'],
          ['status', 'STATUS'],
          ['az', 'AZ'],
          ['deviceType', 'DEVICE TYPE'],
          ['privateIp', 'PRIVATE IP'],
          ['publicIp', 'PUBLIC IP'],
        ]),
      );
    });

  instances
    .command('show')
    .description('describeInstance')
    .argument('<instance-id>', 'instance id')
    .option('--region <region>', 'region (default: EDCPS_REGION or the first region)', textArg)
    .option('--json', 'print the Instance object')
    .action(async (instanceId: string, opts: JsonOption & { region?: string }) => {
      const api = createApiClient();
      const region = opts.region ?? (await api.region());
      const { instance } = await api.call<{ instance: Record<string, unknown> }>(
        'GET',
        `/v1/regions/${region}/instances/${encodeURIComponent(instanceId)}`,
      );
      emit(opts, instance, () =>
        record(
          Object.fromEntries(
            Object.entries(instance).map(([k, v]) => [
              k,
              typeof v === 'object' && v !== null ? JSON.stringify(v) : v,
            ]),
          ),
        ),
      );
    });

  instances
    .command('wait')
    .description('wait until an instance reaches a status (exits non-zero if it ends in error instead)')
    .argument('<instance-id>', 'instance id')
    .requiredOption('--status <status>', `one of ${WAIT_STATUSES.join(', ')}`, statusArg)
    .option('--region <region>', 'region (default: EDCPS_REGION or the first region)', textArg)
    .option('--timeout <seconds>', 'give up after this long', intArg(1, 86_400), 3600)
    .option('--json', 'print the final progress {"instanceId","status","action","step",…}')
    .action(
      async (instanceId: string, opts: JsonOption & { status: string; region?: string; timeout: number }) => {
        const api = createApiClient();
        const region = opts.region ?? (await api.region());
        const [w] = await watch(api, region, [instanceId], reached(opts.status), {
          timeoutSeconds: opts.timeout,
          out: opts.json ? process.stderr : process.stdout,
        });
        const failed = failures([w!], opts.status);
        if (failed) throw new CliError('FAILED_PRECONDITION', failed, { instance: w });
        if (opts.json) emit(opts, w, () => '');
      },
    );

  registerActionCommands(instances);

  initOption(
    instances
      .command('settle')
      .description('operator: complete in-flight provisioning now (one instance or all), in any time mode')
      .argument('[instance-id]', 'only this instance (default: all)'),
  )
    .option('--json', 'print {"instanceId","passes"}')
    .action((instanceId: string | undefined, opts: JsonOption & InitOption) =>
      withOperator(opts, async (call) => {
        const r = await call<{ passes: number }>('settle', instanceId === undefined ? {} : { instanceId });
        const out = { instanceId: instanceId ?? null, passes: r.passes };
        emit(opts, out, () =>
          r.passes === 0
            ? 'nothing in flight'
            : `settled ${instanceId ?? 'all instances'} (${r.passes} pass(es))`,
        );
      }),
    );
}

/** A lifecycle action of `edcps instances`: the JD operation it calls and the status it ends in. */
interface ActionCommand {
  name: string;
  operation: string;
  /** What `--wait` waits for (`deleted`: the instance is gone). */
  end: string;
  description: string;
}

const ACTION_COMMANDS: readonly ActionCommand[] = [
  {
    name: 'stop',
    operation: 'stopInstance',
    end: 'stopped',
    description: 'stopInstance (running → stopped)',
  },
  {
    name: 'start',
    operation: 'startInstance',
    end: 'running',
    description: 'startInstance (stopped → running)',
  },
  {
    name: 'restart',
    operation: 'restartInstance',
    end: 'running',
    description: 'restartInstance (running → restarting → running)',
  },
  {
    name: 'delete',
    operation: 'deleteInstance',
    end: 'deleted',
    description: 'deleteInstance (running, stopped or error → gone); --wait waits until it is gone',
  },
  {
    name: 'reinstall',
    operation: 'reinstallInstance',
    end: 'running',
    description: 'reinstallInstance with a ReinstallInstanceSpec from a JSON file (stopped → running)',
  },
  {
    name: 'reset-password',
    operation: 'resetPassword',
    end: 'stopped',
    description: 'resetPassword with the password read from standard input (stopped → stopped)',
  },
];

interface ActionOpts extends JsonOption {
  region?: string;
  clientToken?: string;
  wait?: boolean;
  timeout: number;
  spec?: string;
  passwordStdin?: boolean;
}

/** The request body of an action (DELETE carries its clientToken in the query instead). */
async function actionBody(a: ActionCommand, opts: ActionOpts): Promise<Record<string, unknown>> {
  const token = opts.clientToken ? { clientToken: opts.clientToken } : {};
  if (a.name === 'reinstall')
    return { instanceSpec: readSpec(opts.spec!, 'ReinstallInstanceSpec'), ...token };
  if (a.name === 'reset-password') {
    // Never from argv: a password there is in the shell history and in `ps` for every user.
    const password = await readStdin();
    if (password === '') throw new Error('--password-stdin: standard input was empty');
    return { password, ...token };
  }
  return token;
}

/**
 * `edcps instances stop|start|restart|delete|reinstall|reset-password ID`: the JD operation,
 * signed like the SDK; with --wait, followed until the action's end state as `instances wait`.
 */
function registerActionCommands(instances: Command): void {
  for (const a of ACTION_COMMANDS) {
    const c = instances.command(a.name).description(a.description).argument('<instance-id>', 'instance id');
    if (a.name === 'reinstall') {
      c.requiredOption(
        '--spec <file>',
        'JSON file holding a ReinstallInstanceSpec (or {"instanceSpec": …}): az, imageType, osTypeId, sysRaidTypeId, keepData, dataRaidTypeId, password, …',
        textArg,
      );
    }
    if (a.name === 'reset-password') {
      c.requiredOption(
        '--password-stdin',
        'read the new password from standard input (never from the command line)',
      );
    }
    c.option('--region <region>', 'region (default: EDCPS_REGION or the first region)', textArg)
      .option('--client-token <token>', 'idempotency token (≤ 36 characters)', textArg)
      .option('--wait', `wait until the instance is ${a.end} (exits non-zero if it ends in error instead)`)
      .option('--timeout <seconds>', 'with --wait: give up after this long', intArg(1, 86_400), 3600)
      .option(
        '--json',
        'print {"instanceId","operation","success"} (with --wait also "instance": its final progress)',
      )
      .action(async (instanceId: string, opts: ActionOpts) => {
        const body = await actionBody(a, opts);
        const api = createApiClient();
        const region = opts.region ?? (await api.region());
        const base = `/v1/regions/${region}/instances/${encodeURIComponent(instanceId)}`;
        if (a.name === 'delete') await api.call('DELETE', base, { query: body as Record<string, string> });
        else await api.call('PUT', `${base}:${a.operation}`, { body });
        const out = { instanceId, operation: a.operation, success: true };
        if (!opts.wait) {
          emit(opts, out, () => `${a.operation} accepted for ${instanceId}`);
          return;
        }
        // Progress goes to stderr under --json so stdout stays one JSON document.
        const [w] = await watch(api, region, [instanceId], reached(a.end), {
          timeoutSeconds: opts.timeout,
          out: opts.json ? process.stderr : process.stdout,
        });
        const failed = failures([w!], a.end);
        if (failed) {
          throw new CliError('FAILED_PRECONDITION', failed, {
            instanceId,
            operation: a.operation,
            instance: w,
          });
        }
        if (opts.json) emit(opts, { ...out, instance: w }, () => '');
      });
  }
}
