import { type Command, InvalidArgumentError } from 'commander';
import { OPERATION_NAMES } from '../api/operation-names.js';
import { loadConfig } from '../config.js';
import { ACTIONS, type CatalogFile, loadCatalogFile } from '../domain/catalog/catalog-file.js';
import type { FaultView } from '../domain/operator/fault-admin.js';
import { STATUS_CODES } from '../domain/errors.js';
import { resourcePath } from '../resources.js';
import { type InitOption, initOption, withOperator } from './admin.js';
import { type JsonOption, emit, intArg, record, table, textArg } from './output.js';

const probabilityArg = (value: string): number => {
  const p = Number(value);
  if (value.trim() === '' || !(p > 0) || p > 1) throw new InvalidArgumentError('must be a number in (0, 1]');
  return p;
};

/** The catalog the server would load (EDCPS_CATALOG), or the built-in one when that fails. */
function helpCatalog(): CatalogFile {
  try {
    return loadCatalogFile(loadConfig().catalogPath ?? resourcePath('catalog', 'catalog.json')).catalog;
  } catch {
    return loadCatalogFile(resourcePath('catalog', 'catalog.json')).catalog;
  }
}

function wrap(words: readonly string[], indent: string, width = 100): string {
  const lines: string[] = [];
  let cur = indent;
  for (const w of words) {
    if (cur.length + w.length + 1 > width && cur.trim() !== '') {
      lines.push(cur.trimEnd());
      cur = indent;
    }
    cur += `${w} `;
  }
  if (cur.trim() !== '') lines.push(cur.trimEnd());
  return lines.join('\n');
}

function addHelp(): string {
  const catalog = helpCatalog();
  const steps = ACTIONS.map((a) => `  ${a}: ${catalog.provisioning[a].map((s) => s.step).join(', ')}`);
  return [
    '',
    'An operation fault (--operation) answers the next K calls (--times, default 1) or a share P of calls',
    '(--probability, unlimited unless --times is given) with a JD error (--status, --code defaults from it)',
    'and/or delays them (--delay-ms). It fires after authentication and before anything changes.',
    'A step fault (--step) fails that provisioning step, so the instance ends in status error with the',
    'message as reason; --instance or --device-type narrow it.',
    '',
    'Provisioning steps by action:',
    ...steps,
    '',
    'Error statuses:',
    wrap(Object.keys(STATUS_CODES), '  '),
    '',
    'Operations:',
    wrap(OPERATION_NAMES, '  '),
    '',
    'Examples:',
    '  edcps faults add --operation createInstances --status QUOTA_EXCEEDED --times 2',
    '  edcps faults add --operation describeInstances --delay-ms 3000 --probability 0.5',
    '  edcps faults add --step install-os --device-type edcps.c.normal1 --message "disk 2 failed"',
  ].join('\n');
}

/** A fault as `faults list` shows it: its scope and what it applies to spelled out. */
type ListedFault = FaultView & { scope: FaultView['kind']; appliesTo: string };

/**
 * `scope` is the fault's kind (operation or step); `appliesTo` what it fires on: every call of
 * the operation, or a step fault's instances (every instance, one instance, one device type).
 */
function listed(f: FaultView): ListedFault {
  const appliesTo =
    f.kind === 'operation'
      ? 'every call'
      : f.instanceId !== ''
        ? `instance ${f.instanceId}`
        : f.deviceType !== ''
          ? `device type ${f.deviceType}`
          : 'every instance';
  return { ...f, scope: f.kind, appliesTo };
}

const faultColumns: [keyof ListedFault & string, string][] = [
  ['faultId', 'FAULT ID'],
  ['scope', 'SCOPE'],
  ['operation', 'OPERATION'],
  ['step', 'STEP'],
  ['appliesTo', 'APPLIES TO'],
  ['status', 'STATUS'],
  ['code', 'CODE'],
  ['remaining', 'LEFT'],
  ['probability', 'P'],
  ['delayMs', 'DELAY MS'],
  ['fired', 'FIRED'],
];

interface AddOpts extends JsonOption, InitOption {
  operation?: string;
  step?: string;
  instance?: string;
  deviceType?: string;
  code?: number;
  status?: string;
  message?: string;
  times?: number;
  probability?: number;
  delayMs?: number;
}

export function registerFaultCommands(program: Command): void {
  const faults = program
    .command('faults')
    .description('fault injection: API errors and delays, failing provisioning steps');
  initOption(faults.command('add'))
    .description('inject a fault into an API operation or a provisioning step')
    .option('--operation <name>', 'JD operation name, e.g. createInstances', textArg)
    .option('--step <step>', 'provisioning step, e.g. install-os', textArg)
    .option('--instance <id>', 'step faults: only this instance', textArg)
    .option('--device-type <type>', 'step faults: only instances of this device type', textArg)
    .option('--status <status>', 'JD error status to answer, e.g. INTERNAL', textArg)
    .option('--code <n>', 'HTTP code to answer (default: the status code of --status)', intArg(400, 599))
    .option('--message <text>', 'error message (operation) or failure reason (step)')
    .option('--times <k>', 'fire at most K times', intArg(1, 1_000_000))
    .option('--probability <p>', 'fire on this share of calls, in (0, 1]', probabilityArg)
    .option('--delay-ms <ms>', 'operation faults: delay the call this long', intArg(0, 600_000))
    .option('--json', 'print the fault ({"faultId", …})')
    .addHelpText('after', addHelp)
    .action((opts: AddOpts) =>
      withOperator(opts, async (call) => {
        const f = await call<FaultView>('addFault', {
          operation: opts.operation,
          step: opts.step,
          instanceId: opts.instance,
          deviceType: opts.deviceType,
          code: opts.code,
          status: opts.status,
          message: opts.message,
          times: opts.times,
          probability: opts.probability,
          delayMs: opts.delayMs,
        });
        emit(opts, f, () => `fault ${f.faultId} added\n${record({ ...f })}`);
      }),
    );
  initOption(faults.command('list'))
    .description(
      'list faults: scope (operation or step), what each applies to, how often it fired, how many firings are left',
    )
    .option(
      '--json',
      'print {"faults":[{faultId,scope,operation,step,instanceId,deviceType,appliesTo,…}],"totalCount"}',
    )
    .action((opts: JsonOption & InitOption) =>
      withOperator(opts, async (call) => {
        const { faults: views } = await call<{ faults: FaultView[] }>('describeFaults');
        const list = views.map(listed);
        emit(opts, { faults: list, totalCount: list.length }, () =>
          table(
            list.map((f) => ({ ...f, remaining: f.remaining ?? 'unlimited' })),
            faultColumns,
          ),
        );
      }),
    );
  initOption(faults.command('clear'))
    .description('remove one fault, or all of them')
    .argument('[fault-id]', 'the fault to remove (default: all)')
    .option('--json', 'print {"cleared": N}')
    .action((faultId: string | undefined, opts: JsonOption & InitOption) =>
      withOperator(opts, async (call) => {
        const { cleared } = await call<{ cleared: number }>(
          faultId === undefined ? 'clearFaults' : 'clearFault',
          faultId === undefined ? {} : { faultId },
        );
        emit(opts, { cleared }, () => `${cleared} fault(s) cleared`);
      }),
    );
}
