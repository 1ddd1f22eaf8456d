/**
 * The order desk (派单/审核 工作台) of the centre's back office: dispatchers, shift leads and
 * admins (docs/workorder-lifecycle.md, "Who does what on which screen"). Each call takes the
 * signed-in user, derives the scope (a county dispatcher: its sub-platform's subtree) and reads
 * within it; the actions themselves go through the work-order API (applyInScope).
 */
import type { Db } from '../../db/connection.js';
import type { OrgConfig } from '../../config/files/schemas/org.js';
import { allowedActions, type ActorRole, type OrderActionType } from '../lifecycle/index.js';
import { maskPhone } from '../../logging/mask.js';
import type { OrderReadsStore } from '../order-reads-store.js';
import { sqliteOrderReadsOn } from '../order-reads-store-sqlite.js';
import { orderInScope, readOrderInScope, toView, type OrderDetail } from '../queries.js';
import { scopeFor, type OrderScope, type ScopeOptions } from '../scope.js';
import type { WorkOrderEventRecord } from '../repository.js';
import type { WorkCalendar } from '../deadlines/index.js';
import { deskClockConfig, type DeskClockConfig } from './clocks.js';
import { orderSuggestion, type OrderSuggestion } from './order-suggestion.js';
import type { DeskReadsStore } from './desk-reads-store.js';
import { sqliteDeskReadsOn } from './desk-reads-store-sqlite.js';
import { decodeCursor, readQueueCounts, readQueuePage, type DeskQueue, type QueueCount, type QueueItem } from './queues.js';
import { deskView, searchOrders, type DeskOrderView, type DeskReader, type DeskSearch, type DeskSearchPage } from './search.js';
import { similarOrders, type SimilarOrder } from './similar.js';
import { unitReturns, type UnitReturns } from './unit-returns.js';
import { proposedExtension, readOrderCalls, readOrderContext, type OrderCall, type RelatedOrder } from './order-context.js';
import { consultationList, dayBounds, yesterday, type ConsultationList } from './consultation.js';

/** Who may use the desk. Agents take calls; unit handlers have their portal. */
export const DESK_ROLES = ['dispatcher', 'shift_lead', 'admin'] as const satisfies readonly ActorRole[];

export interface DeskUser {
  readonly id: number;
  readonly role: ActorRole;
  readonly unitId: string | null;
}

export interface DeskServiceOptions extends ScopeOptions {
  /** A SQLite handle for the reads not given as stores (bench:orders: a process with no port). */
  readonly db?: Db;
  /**
   * The work orders' reads on the async port (order-reads-store.ts): the search's pages, one
   * order with its history, and the scope checks of the order's calls and dispatch suggestion. Default: the SQLite statements on `db` itself (sqliteOrderReadsOn;
   * a process with no port, bench:orders); the server passes its sqliteOrderReadsStore.
   */
  readonly orderReads?: OrderReadsStore;
  /** The desk's own reads on the async port (desk-reads-store.ts). Default: the SQLite statements on `db` itself (sqliteDeskReadsOn). */
  readonly deskReads?: DeskReadsStore;
  readonly org: () => OrgConfig;
  /** sla.yaml and the work calendar, read at each call. */
  readonly clocks: () => { readonly calendar: WorkCalendar; readonly sla: DeskClockConfig['sla'] };
  readonly now?: () => number;
}

export interface DeskQueueItem {
  readonly order: DeskOrderView;
  readonly clock: QueueItem['clock'];
  /** 被退回: the lead unit's reason, when and who (the returned queue only). */
  readonly lastReturn: { readonly unitId: string | null; readonly reason: string | null; readonly at: number; readonly actorId: number | null } | null;
}

export interface DeskOrderDetail extends Omit<OrderDetail, 'callerPhone' | 'history'> {
  readonly callerPhone: string | null;
  readonly phoneMasked: boolean;
  /** Every event, oldest first, with its actor's display name (null: the system, a citizen, or an account since removed). */
  readonly history: Array<WorkOrderEventRecord & { readonly actorName: string | null }>;
  /** The actions this user may take now (status, role, unit, state guards; the payload is checked on submit). */
  readonly allowedActions: OrderActionType[];
  /** linkedOrderIds with their numbers (number and status null: outside the reader's scope). */
  readonly linkedOrders: RelatedOrder[];
  /** The order this one was merged into, named the same way. */
  readonly mergedInto: RelatedOrder | null;
  /** The deadline granting the waiting extension request would give, on the work calendar (holidays counted). */
  readonly extensionProposal: { readonly days: number; readonly deadlineAt: number } | null;
}

/** A unit the desk user may dispatch to (org.yaml). */
export interface DeskUnit {
  readonly id: string;
  readonly name: string;
  readonly area: string;
  readonly kind: string;
}

function sqliteHandle(db: Db | undefined): Db {
  if (!db) throw new Error('DeskService: give its stores (orderReads, deskReads) or a SQLite handle');
  return db;
}

export class DeskService {
  private readonly now: () => number;
  private readonly orderReads: OrderReadsStore;
  private readonly deskReads: DeskReadsStore;

  constructor(private readonly o: DeskServiceOptions) {
    this.now = o.now ?? Date.now;
    this.orderReads = o.orderReads ?? sqliteOrderReadsOn(sqliteHandle(o.db));
    this.deskReads = o.deskReads ?? sqliteDeskReadsOn(sqliteHandle(o.db));
  }

  /** The scope and phone rights of a desk user: the city centre sees everything, a county its subtree. */
  reader(user: DeskUser): DeskReader & { readonly subPlatformUnitId: string | null } {
    const scope: OrderScope = scopeFor(user, this.o);
    return { scope, readsPhones: scope.kind === 'all', subPlatformUnitId: user.role === 'dispatcher' ? user.unitId : null };
  }

  private clockConfig(): DeskClockConfig {
    const { calendar, sla } = this.o.clocks();
    return deskClockConfig(calendar, sla);
  }

  async counts(user: DeskUser): Promise<{ items: QueueCount[]; at: number }> {
    const at = this.now();
    return { items: await readQueueCounts(this.deskReads, this.reader(user), at, this.clockConfig()), at };
  }

  /** One page of a queue; null when the cursor is not one of ours. */
  async queue(
    user: DeskUser,
    queue: DeskQueue,
    cursor: string | undefined,
    pageSize: number,
  ): Promise<{ items: DeskQueueItem[]; nextCursor: string | null } | null> {
    const after = cursor === undefined ? null : decodeCursor(cursor);
    if (cursor !== undefined && after === null) return null;
    const reader = this.reader(user);
    const page = await readQueuePage(this.deskReads, reader, queue, after, pageSize, this.now(), this.clockConfig());
    return {
      items: page.items.map(({ row, clock, lastReturn }) => {
        const order = deskView(toView(row, reader.scope), reader);
        return { order, clock, lastReturn: lastReturn ? { unitId: row.leadUnitId, ...lastReturn } : null };
      }),
      nextCursor: page.nextCursor,
    };
  }

  search(user: DeskUser, search: DeskSearch): Promise<DeskSearchPage | null> {
    return searchOrders({ orderReads: this.orderReads, deskReads: this.deskReads }, this.reader(user), search, this.now());
  }

  /** The order with its history and the user's possible actions; ORDER_NOT_FOUND outside the scope. */
  async order(user: DeskUser, orderId: number): Promise<DeskOrderDetail> {
    const reader = this.reader(user);
    // The order the actions are decided on and the one shown: one read, one version.
    const { order, detail } = await readOrderInScope(this.orderReads, reader.scope, orderId);
    const masked = deskView(detail, reader);
    // A masked phone is masked in the history too (the create event of a call carries it).
    const history = masked.phoneMasked ? detail.history.map((e) => (e.data ? { ...e, data: maskPhonesIn(e.data) } : e)) : detail.history;
    const { names, linkedOrders, mergedInto } = await readOrderContext(this.deskReads, reader.scope, { ...detail, history });
    const { calendar, sla } = this.o.clocks();
    return {
      ...masked,
      history: history.map((e) => ({ ...e, actorName: e.actorId === null ? null : (names.get(e.actorId) ?? null) })),
      allowedActions: allowedActions(order, user),
      linkedOrders,
      mergedInto,
      extensionProposal: proposedExtension(order, calendar, sla.workHours, this.now()),
    };
  }

  /** The calls the order came from (its own, and those of orders merged into it); ORDER_NOT_FOUND outside the scope. */
  async calls(user: DeskUser, orderId: number): Promise<OrderCall[]> {
    const reader = this.reader(user);
    const o = await this.orderReads.read((q) => orderInScope(q, reader.scope, orderId));
    return readOrderCalls(this.deskReads, reader, { id: o.id, number: o.number, callId: o.callId, confidential: o.fields.confidential });
  }

  /** The units this user may dispatch to: every unit of org.yaml for the city, a county's subtree for its dispatchers. */
  units(user: DeskUser): DeskUnit[] {
    const { scope } = this.reader(user);
    if (scope.kind === 'none') return [];
    return this.o
      .org()
      .units.filter((u) => scope.kind === 'all' || scope.unitIds.includes(u.id))
      .map((u) => ({ id: u.id, name: u.name, area: u.area, kind: u.kind }));
  }

  similar(user: DeskUser, orderId: number): Promise<SimilarOrder[]> {
    return similarOrders(this.deskReads, this.reader(user), orderId);
  }

  /** The dispatch suggestion for the order as committed (read through the port); ORDER_NOT_FOUND outside the scope. */
  async suggestion(user: DeskUser, orderId: number): Promise<OrderSuggestion> {
    const { scope } = this.reader(user);
    return orderSuggestion(this.o.org(), await this.orderReads.read((q) => orderInScope(q, scope, orderId)), scope);
  }

  async returnsByUnit(user: DeskUser, days: number): Promise<{ since: number; items: UnitReturns[] }> {
    const since = this.now() - days * 86_400_000;
    return { since, items: await unitReturns(this.deskReads, this.reader(user).scope, since) };
  }

  /** The daily consultation list (每日会商) of a Beijing day (`YYYY-MM-DD`, default yesterday); null for a day that does not exist. */
  async consultation(user: DeskUser, day?: string): Promise<ConsultationList | null> {
    const d = day ?? yesterday(this.now());
    const bounds = dayBounds(d);
    return bounds && consultationList(this.deskReads, this.reader(user).scope, d, bounds);
  }

  /** A unit's name from org.yaml (its id when it is no longer listed). */
  unitName(unitId: string): string {
    return this.o.org().units.find((u) => u.id === unitId)?.name ?? unitId;
  }
}

/** Event data with the reporter's phone masked at any depth. */
function maskPhonesIn(data: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(data), (k, v: unknown) => (k === 'callerPhone' && typeof v === 'string' ? maskPhone(v) : v)) as Record<string, unknown>;
}
