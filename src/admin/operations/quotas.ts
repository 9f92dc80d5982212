import { MAX_QUOTA } from '../../domain/operator/operator-service.js';
import { refused } from '../admin-input.js';
import { type AdminOperationDef, defineOperation } from '../define-operation.js';

const LIMITS = [
  ['instances', 'instances'],
  ['elasticIps', 'elastic IPs'],
  ['keypairs', 'key pairs'],
] as const;

/** Per-account, per-region limits. */
export const QUOTA_OPERATIONS: readonly AdminOperationDef[] = [
  defineOperation({
    name: 'describeQuota',
    method: 'GET',
    path: '/admin/v1/accounts/{account}/quotas/{regionId}',
    summary: "An account's limits in a region (JD's defaults unless changed)",
    run: ({ runtime }, input) =>
      runtime.services.operator.showQuota(input.string('account'), input.string('regionId')),
  }),
  defineOperation({
    name: 'modifyQuota',
    method: 'PUT',
    path: '/admin/v1/accounts/{account}/quotas/{regionId}',
    summary: "Change some of an account's limits in a region (at least one; the others keep their value)",
    fields: LIMITS.map(([name, what]) => ({
      name,
      type: 'integer' as const,
      description: `${what}, 0-${MAX_QUOTA}`,
    })),
    async run({ runtime }, input) {
      const change: Partial<Record<(typeof LIMITS)[number][0], number>> = {};
      for (const [name] of LIMITS) {
        const v = input.optInt(name, 0, MAX_QUOTA);
        if (v !== undefined) change[name] = v;
      }
      if (Object.keys(change).length === 0) {
        throw refused(`give at least one of ${LIMITS.map(([n]) => n).join(', ')}`);
      }
      return runtime.services.operator.setQuota(input.string('account'), input.string('regionId'), change);
    },
  }),
];
