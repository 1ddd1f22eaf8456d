/** GET /api/workorders/due?ids=…: each visible order's standing against its deadlines (unit portal inbox). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rowIdParam } from '../../contract/bounds.js';
import { DueStates } from '../../contract/http-workorders.js';
import type { DeadlineConfig } from '../../workorders/deadlines/scheduler.js';
import { dueStatesOf, MAX_DUE_IDS } from '../../workorders/due-states.js';
import type { OrderReadsStore } from '../../workorders/order-reads-store.js';
import { scopeFor, type ScopeOptions } from '../../workorders/scope.js';
import { requireRole } from '../auth.js';
import { appError } from '../errors.js';

export interface DueStatesRoutesOptions extends ScopeOptions {
  /** The orders' reads (order-reads-store.ts). */
  readonly orderReads: OrderReadsStore;
  readonly deadlines: () => DeadlineConfig;
  readonly now?: () => number;
}

const Ids = z.preprocess(
  // A repeated ?ids= arrives as a list; anything but text is left for the schema to refuse.
  (x) => (x === undefined ? [] : typeof x === 'string' ? x.split(',').filter(Boolean) : Array.isArray(x) ? x.join(',').split(',').filter(Boolean) : x),
  z.array(rowIdParam()).max(MAX_DUE_IDS),
);
export const dueStatesRoutes: FastifyPluginAsyncZod<DueStatesRoutesOptions> = async (app, opts) => {
  const now = opts.now ?? Date.now;
  app.get(
    '/api/workorders/due',
    {
      schema: {
        tags: ['workorders'],
        querystring: z.object({ ids: Ids }),
        response: { 200: DueStates },
      },
      preHandler: requireRole('agent', 'shift_lead', 'admin', 'dispatcher', 'unit_handler'),
    },
    async (req) => {
      if (!req.user) throw appError('UNAUTHENTICATED');
      const scope = scopeFor({ role: req.user.role, unitId: req.user.unitId }, opts);
      return { items: await dueStatesOf(opts.orderReads, scope, req.query.ids, now(), opts.deadlines()) };
    },
  );
};
