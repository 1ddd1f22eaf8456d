/**
 * Unified intake 统一接收 of online channels (web form, mailbox 网上信箱, WeChat) and of orders
 * platform staff type in without a call (walk-in, phone without a call record): the order is
 * created accepted in ONE transaction and one write of its row, so a refused acceptance leaves
 * no stray draft.
 */
import { LoginThrottle, type LoginThrottleOptions } from '../users/login-throttle.js';
import { WorkOrderError } from './errors.js';
import type { Actor, OrderCategory, OrderFields } from './lifecycle/index.js';
import type { OrderReadsStore } from './order-reads-store.js';
import { readPublicOrder, type PublicOrderView } from './queries.js';
import type { WorkOrder } from './repository.js';
import type { NewDraft, WorkOrdersService } from './workorders-service.js';

export const ONLINE_CHANNELS = ['web', 'mailbox', 'wechat'] as const;
export type OnlineChannel = (typeof ONLINE_CHANNELS)[number];

/** What a citizen submits online (already validated at the gateway). */
export interface OnlineSubmission {
  readonly name?: string | null;
  readonly phone: string;
  readonly category: OrderCategory;
  readonly subject: string;
  readonly content: string;
  readonly location?: string | null;
  readonly confidential?: boolean;
}

/** The WeChat webhook's text message, as the official-account bridge forwards it. */
export interface WechatMessage {
  readonly openid: string;
  readonly msgType: 'text';
  readonly content: string;
  readonly phone: string;
  readonly nickname?: string | null;
  readonly category?: OrderCategory;
  readonly subject?: string | null;
  readonly location?: string | null;
  readonly confidential?: boolean;
}

/** Everything needed to take an order: where it came from, who reported it, and the demand. */
export interface AcceptedOrderInput {
  readonly draft: NewDraft;
  readonly fields: Partial<OrderFields>;
}

/**
 * Creates an order accepted with `fields` by `actor`, in one transaction: its history says
 * `create` then `accept`, as for a draft accepted later, but the row is written once
 * (WorkOrdersService.createActedWithin). A refused acceptance writes nothing.
 */
export function createAccepted(orders: WorkOrdersService, input: AcceptedOrderInput, actor: Actor): Promise<WorkOrder> {
  return orders.transaction((tx) => orders.createActedWithin(tx, input.draft, { type: 'accept', fields: input.fields }, actor));
}

/** A WeChat text message needs a category and subject the chat does not carry: agents adjust them. */
const WECHAT_DEFAULT_CATEGORY: OrderCategory = 'consultation';
const SUBJECT_FROM_CONTENT = 30;

export function wechatToSubmission(m: WechatMessage): OnlineSubmission {
  const content = m.content.trim();
  return {
    name: m.nickname ?? null,
    phone: m.phone,
    category: m.category ?? WECHAT_DEFAULT_CATEGORY,
    subject: m.subject?.trim() || [...content].slice(0, SUBJECT_FROM_CONTENT).join(''),
    content,
    location: m.location ?? null,
    confidential: m.confidential ?? false,
  };
}

export interface IntakeServiceDeps {
  /** The citizen's lookup reads through it. */
  readonly orderReads: OrderReadsStore;
  readonly orders: WorkOrdersService;
  /** The platform's own account (UsersService.systemUser), the actor that accepts online orders. */
  readonly systemActor: () => Actor;
  /** The per-order lookup throttle's numbers (tests); LOOKUP_THROTTLE by default. */
  readonly lookupThrottle?: LoginThrottleOptions;
}

/**
 * Failed citizen lookups per order number (whatever the addresses: the per-address limit of
 * the route cannot see a guesser spread over many): after 5 within a day the number is locked
 * for 5 minutes, doubling with each further lock up to 6 hours; while locked even the right
 * phone and code are refused (429 LOOKUP_LOCKED, Retry-After); a success forgets the number.
 * Numbers that do not exist are counted alike, so a lock does not tell which exist. The same
 * mechanism as per-account logins (users/login-throttle.ts: in memory, bounded); a guesser can
 * lock a citizen out of the page for a while, never into someone else's order — the citizen can
 * still call the hotline.
 */
export const LOOKUP_THROTTLE = {
  maxFailures: 5,
  windowMs: 24 * 3600_000,
  lockMs: 5 * 60_000,
  maxLockMs: 6 * 3600_000,
  maxEntries: 50_000,
} as const satisfies LoginThrottleOptions;

export class IntakeService {
  private actor: Actor | undefined;
  private readonly lookups: LoginThrottle;

  constructor(private readonly deps: IntakeServiceDeps) {
    this.lookups = new LoginThrottle({ ...LOOKUP_THROTTLE, ...deps.lookupThrottle });
  }

  /** Takes an online submission as an accepted order; returns its number and lookup code for the citizen. */
  async submit(channel: OnlineChannel, s: OnlineSubmission): Promise<{ number: string; lookupCode: string }> {
    this.actor ??= this.deps.systemActor();
    const order = await createAccepted(
      this.deps.orders,
      {
        draft: { channel, callerPhone: s.phone, callerName: s.name ?? null },
        fields: {
          category: s.category,
          subject: s.subject.trim(),
          content: s.content.trim(),
          location: s.location ?? null,
          callerName: s.name ?? null,
          confidential: s.confidential ?? false,
        },
      },
      this.actor,
    );
    // Written by createDraft for every order.
    return { number: order.number, lookupCode: order.lookupCode ?? '' };
  }

  /**
   * The citizen's progress lookup: ORDER_NOT_FOUND for an unknown number and a wrong phone or
   * code alike; LOOKUP_LOCKED while the number is locked by failed attempts (LOOKUP_THROTTLE).
   */
  async lookup(number: string, phone: string, code: string): Promise<PublicOrderView> {
    const wait = this.lookups.attempt(number);
    if (wait > 0) throw new WorkOrderError('LOOKUP_LOCKED', undefined, { retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) });
    const view = await readPublicOrder(this.deps.orderReads, number, phone, code);
    this.lookups.succeeded(number);
    return view;
  }
}
