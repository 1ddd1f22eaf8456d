/**
 * The knowledge base's wiring (知识库): org.yaml, numbers.yaml and kb.yaml as they are at each
 * request; the work orders' own scope for the "answered with" links (a unit sees the answers of
 * its orders only, read through the work orders' port; a QA inspector those of the orders whose
 * call it may score); articles' images
 * and files in the work orders' attachment store; the search index loaded in the background.
 */
import type { FastifyInstance } from 'fastify';
import type { ConfigStore } from '../config/files/index.js';
import type { OrgConfig } from '../config/files/schemas/org.js';
import type { Logger } from '../logging/logger.js';
import { kbRoutes } from '../http/routes/kb-routes.js';
import { kbAttachmentsRoutes } from '../http/routes/kb-attachments-routes.js';
import { KbAttachments, KbService, kbDirectory, type KbActor, type KbOrderRef, type KbStore } from '../kb/index.js';
import type { QaService } from '../qa/index.js';
import { WorkOrderError } from '../workorders/index.js';
import type { AttachmentsService } from '../workorders/attachments.js';
import { areaPath, findArea, findUnit, unitScope } from '../workorders/dispatch/index.js';
import type { OrderReadsStore } from '../workorders/order-reads-store.js';
import { orderInScope } from '../workorders/queries.js';
import { scopeFor } from '../workorders/scope.js';

export interface KnowledgeBaseWiring {
  /** The async port (decision 0017): the knowledge base's tables, and the work orders it reads, go through it. */
  /** The knowledge base's store and the work orders' reads, on the server's database (wiring/database.ts). */
  readonly kbStore: KbStore;
  readonly orderReads: OrderReadsStore;
  readonly config: ConfigStore;
  readonly qa: Pick<QaService, 'mayReadOrder'>;
  readonly attachments: AttachmentsService;
  readonly log: Logger;
}

export async function wireKnowledgeBase(http: FastifyInstance, o: KnowledgeBaseWiring): Promise<void> {
  const { config, qa, attachments, log } = o;
  const { kbStore, orderReads } = o;
  // The knowledge base (知识库): org.yaml, numbers.yaml and kb.yaml as they are at each request.
  const kb = new KbService({
    store: kbStore,
    config: () => config.current().kb,
    hotlineExists: (n) => config.current().numbers.numbers.some((h) => h.number === n),
    areaExists: (id) => findArea(config.current().org, id) !== undefined,
    unitExists: (id) => findUnit(config.current().org, id) !== undefined,
    areaLineage: (id) => [id, ...areaPath(config.current().org, id).map((a) => a.id)],
    directory: () => kbDirectory(config.current().org),
    seesOrder: kbSeesOrder({ orderReads, org: () => config.current().org, qa }),
    // A read of the committed order (no such order: the KB refuses the link with its own code).
    order: kbOrder(orderReads),
  });
  await http.register(kbRoutes, { kb });
  // Articles' images and files: the work orders' attachment store, in its kb directory.
  const kbFiles = new KbAttachments({ kbStore, store: attachments.store.subStore('kb'), kb });
  const kbOrphans = await kbFiles.sweepOrphans();
  if (kbOrphans.length > 0) log.info({ count: kbOrphans.length }, 'orphan knowledge-base files removed');
  await http.register(kbAttachmentsRoutes, { files: kbFiles });
  // The search index loads in the background from the stored words (searches wait for it at most 2 s).
  kb.search.start();
}

/**
 * Whether `actor` may see order `orderId` among an article's "answered with" orders: the work
 * orders' own scope (a unit sees the answers of its orders only, a county its subtree's), the
 * order read through the work orders' port (committed); a QA inspector those of the orders whose
 * call is on the worklist or scored (what the QA page shows).
 */
export function kbSeesOrder(o: {
  readonly orderReads: OrderReadsStore;
  readonly org: () => OrgConfig;
  readonly qa: Pick<QaService, 'mayReadOrder'>;
}): (actor: KbActor, orderId: number) => Promise<boolean> {
  return async (actor, orderId) => {
    if (actor.role === 'qa') return o.qa.mayReadOrder(orderId);
    const scope = scopeFor(actor, { unitsInSubtree: (unitId) => unitScope(o.org(), unitId) });
    try {
      await o.orderReads.read((q) => orderInScope(q, scope, orderId));
      return true;
    } catch (err) {
      if (err instanceof WorkOrderError && err.code === 'ORDER_NOT_FOUND') return false;
      throw err;
    }
  };
}

/** The order an "answered with" link is made on (its channel and agent), read through the work orders' port (committed). */
export function kbOrder(orderReads: OrderReadsStore): (orderId: number) => Promise<KbOrderRef | undefined> {
  return async (orderId) => {
    const [row] = await orderReads.read((q) => q.ordersByIds([orderId]));
    return row && { channel: row.channel, agentId: row.agentId };
  };
}
