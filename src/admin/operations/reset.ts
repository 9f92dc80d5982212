import { resetState } from '../../domain/operator/reset.js';
import { type AdminOperationDef, defineOperation } from '../define-operation.js';

/** A tester's clean slate. */
export const RESET_OPERATIONS: readonly AdminOperationDef[] = [
  defineOperation({
    name: 'reset',
    method: 'POST',
    path: '/admin/v1/reset',
    summary:
      'Put the server back to its freshly started state (resources, events, faults gone; fleet and catalog as the catalog file says); with accounts, also every account but "default" and the caller',
    fields: [
      {
        name: 'accounts',
        type: 'boolean',
        description:
          'also delete every account but "default" and the calling operator (with their keys), and reset quotas',
      },
    ],
    async run({ runtime, callerAccountId }, input) {
      const accounts = input.optBool('accounts') === true;
      return resetState(runtime.services.deps, {
        catalog: runtime.catalog,
        catalogText: runtime.catalogText,
        accounts,
        // Over HTTP the operator who asked keeps its account: it must not lock itself out.
        keepAccountIds: callerAccountId === undefined ? [] : [callerAccountId],
      });
    },
  }),
];
