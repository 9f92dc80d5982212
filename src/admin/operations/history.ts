import { STATUS_LIST } from '../../domain/instance/states.js';
import { invalidArgument } from '../../domain/errors.js';
import type { Runtime } from '../../runtime.js';
import { PAGE_FIELDS } from '../admin-input.js';
import { type AdminOperationDef, defineOperation } from '../define-operation.js';

/** An account filter (id or name) as the account's id; 400 naming `field` when there is none. */
async function accountFilter(
  runtime: Runtime,
  field: string,
  value: string | undefined,
): Promise<string | undefined> {
  if (value === undefined) return undefined;
  const a = await runtime.services.accounts.findAccount(value);
  if (!a) throw invalidArgument(field, `no account named or with id "${value}"`);
  return a.accountId;
}

/** Instance histories, the fleet-wide event feed and every account's instances. */
export const HISTORY_OPERATIONS: readonly AdminOperationDef[] = [
  defineOperation({
    name: 'describeInstanceEvents',
    method: 'GET',
    path: '/admin/v1/instances/{instanceId}/events',
    summary:
      "An instance's history, oldest first: every status change and provisioning step (kept after deletion)",
    async run({ runtime }, input) {
      const r = await runtime.services.operator.events(input.string('instanceId'));
      return { ...r, totalCount: r.events.length };
    },
  }),
  defineOperation({
    name: 'describeEvents',
    method: 'GET',
    path: '/admin/v1/events',
    summary: 'The fleet-wide event feed, newest first, optionally of one instance or one account',
    fields: [
      { name: 'instanceId', type: 'string' },
      { name: 'accountId', type: 'string', description: 'account id or name' },
      ...PAGE_FIELDS,
    ],
    async run({ runtime }, input) {
      const page = input.page();
      const instanceId = input.optText('instanceId', 64);
      const accountId = await accountFilter(runtime, 'accountId', input.optText('accountId', 64));
      const r = await runtime.services.operator.eventFeed({ instanceId, accountId }, page);
      return { ...r, pageNumber: page.pageNumber, pageSize: page.pageSize };
    },
  }),
  defineOperation({
    name: 'describeAllInstances',
    method: 'GET',
    path: '/admin/v1/instances',
    summary: "Every account's instances (creation order), optionally filtered",
    fields: [
      { name: 'accountId', type: 'string', description: 'account id or name' },
      { name: 'regionId', type: 'string' },
      { name: 'status', type: 'string', enum: STATUS_LIST },
      { name: 'name', type: 'string', description: 'part of the name, case-insensitive' },
      ...PAGE_FIELDS,
    ],
    async run({ runtime }, input) {
      const page = input.page();
      const filter = {
        regionId: input.optText('regionId', 64),
        status: input.optEnum('status', STATUS_LIST),
        name: input.optText('name', 128),
        accountId: await accountFilter(runtime, 'accountId', input.optText('accountId', 64)),
      };
      const r = await runtime.services.operator.fleetInstances(filter, page);
      return { ...r, pageNumber: page.pageNumber, pageSize: page.pageSize };
    },
  }),
];
