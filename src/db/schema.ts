/**
 * Drizzle schema: the tables of the call path and the work-order loop.
 * History tables (call_events, work_order_events) are append-only: never updated or deleted.
 * No foreign key cascades: nothing in this system deletes history (and drizzle-kit's SQLite
 * table rebuild would silently cascade-delete children; see test/db/migration-safety.test.ts).
 * Times are integer milliseconds since the epoch (portable to PostgreSQL bigint).
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { SupervisionAuditAction, SupervisionEndReason, SupervisionMode } from '../contract/supervision.js';

const now = sql`(cast(unixepoch('subsec') * 1000 as integer))`;

/**
 * `dispatcher` (派单/审核员): the centre's back office (docs/workorder-lifecycle.md, "Who does what on
 * which screen"); with a `unitId` (a county sub-platform 分平台) scoped to that unit's subtree.
 */
/** `wallboard`: a read-only account for a wall screen (大屏): it sees the wallboard and nothing else (src/realtime/wallboard-room.ts). */
/** `qa` (质检员): scores sampled calls (src/qa/): hears their recordings and reads their orders' summaries; acts on no order. */
export const USER_ROLES = ['agent', 'shift_lead', 'admin', 'unit_handler', 'dispatcher', 'wallboard', 'qa', 'citizen'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: USER_ROLES }).notNull(),
    /** Unit the user belongs to (unit handlers; a county dispatcher's sub-platform); an id from config/org.yaml. */
    unitId: text('unit_id'),
    /** scrypt$N$r$p$salt$hash (see src/users/password.ts). */
    passwordHash: text('password_hash').notNull(),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    /** The password was set by someone else (first admin from the environment, an admin's reset): it must be changed at the next login. */
    mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('users_username_uq').on(t.username)],
);

export const sessions = sqliteTable(
  'sessions',
  {
    /** sha256 of the session token; the token itself only lives in the cookie. */
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: integer('created_at').notNull().default(now),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * The nonces of signed channel-bridge requests (src/http/bridge-nonces.ts), kept until their
 * timestamp could no longer be accepted: a replay is refused after a restart and on every node
 * sharing the database, not only by the process that took the request.
 */
export const bridgeNonces = sqliteTable(
  'bridge_nonces',
  {
    bridgeId: text('bridge_id').notNull(),
    nonce: text('nonce').notNull(),
    /** When it may be forgotten (ms): its timestamp plus the accepted clock skew. */
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.bridgeId, t.nonce] }), index('bridge_nonces_expires_idx').on(t.expiresAt)],
);

/**
 * Agents logged in now and their state (src/agents/agent-sessions-store.ts): a restart of the
 * server keeps them logged in, in their state, on their call. A logged-out agent has no row.
 */
export const agentSessions = sqliteTable('agent_sessions', {
  agentId: integer('agent_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  displayName: text('display_name').notNull(),
  state: text('state', { enum: ['available', 'ringing', 'on_call', 'wrap_up', 'paused', 'outbound'] }).notNull(),
  since: integer('since').notNull(),
  pauseReason: text('pause_reason'),
  callId: text('call_id'),
  penalty: integer('penalty').notNull().default(0),
});

/**
 * Agents' state history (issue 14 item 1: AHT with wrap-up 话后处理): one row per change of a
 * logged-in agent's state or call, appended in the transaction that writes agent_sessions
 * (src/agents/agent-sessions-store.ts). A call's wrap-up runs from its `wrap_up` row to the
 * agent's next row (src/reports/call-kpis.ts). Append-only.
 */
export const agentStateEvents = sqliteTable(
  'agent_state_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    agentId: integer('agent_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The new state (an AgentState, or logged_out). */
    state: text('state').notNull(),
    callId: text('call_id'),
    at: integer('at').notNull(),
  },
  (t) => [index('agent_state_events_agent_at_idx').on(t.agentId, t.at), index('agent_state_events_call_idx').on(t.callId)],
);

/**
 * Agents' routing skills with levels (issue 11 item 2, decision 0015; src/agents/skills.ts): 1 is
 * the best level. Replaced as a set by administrators and shift leads; read at every offer.
 */
export const agentSkills = sqliteTable(
  'agent_skills',
  {
    agentId: integer('agent_id')
      .notNull()
      .references(() => users.id),
    skill: text('skill').notNull(),
    level: integer('level').notNull(),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.skill] })],
);

export const callers = sqliteTable(
  'callers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    phone: text('phone').notNull(),
    name: text('name'),
    note: text('note'),
    firstSeenAt: integer('first_seen_at').notNull().default(now),
    lastSeenAt: integer('last_seen_at').notNull().default(now),
  },
  (t) => [uniqueIndex('callers_phone_uq').on(t.phone)],
);

export const CALL_STATES = ['entered', 'queued', 'offered', 'answered', 'ended'] as const;
/** in: a citizen called a hotline; out: an agent called a citizen (src/calls/outbound.ts). */
export const CALL_DIRECTIONS = ['in', 'out'] as const;
export type CallState = (typeof CALL_STATES)[number];

export const calls = sqliteTable(
  'calls',
  {
    id: text('id').primaryKey(),
    /** Asterisk channel id (ARI) of the caller leg. */
    channelId: text('channel_id'),
    callerId: integer('caller_id').references(() => callers.id),
    callerPhone: text('caller_phone').notNull(),
    dialledNumber: text('dialled_number').notNull(),
    hotline: text('hotline').notNull(),
    state: text('state', { enum: CALL_STATES }).notNull(),
    agentId: integer('agent_id').references(() => users.id),
    enteredAt: integer('entered_at').notNull(),
    queuedAt: integer('queued_at'),
    answeredAt: integer('answered_at'),
    endedAt: integer('ended_at'),
    /** answered | abandoned | rejected | failed; null while live. Outbound: answered | busy | no_answer | cancelled | failed. */
    outcome: text('outcome'),
    direction: text('direction', { enum: CALL_DIRECTIONS }).notNull().default('in'),
    /** Outbound calls: the work order the call was made for (an inbound call's order points at its call instead). */
    orderId: integer('order_id'),
  },
  (t) => [
    uniqueIndex('calls_channel_uq').on(t.channelId),
    index('calls_entered_idx').on(t.enteredAt),
    index('calls_caller_idx').on(t.callerId, t.enteredAt),
    /** The outbound calls made for an order (callbacks, 回访). */
    index('calls_order_idx').on(t.orderId),
    /** The calls still in progress (few): resumed after our restart (src/calls/resume.ts). */
    index('calls_unfinished_idx')
      .on(t.state)
      .where(sql`${t.state} <> 'ended'`),
  ],
);

export const callEvents = sqliteTable(
  'call_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    callId: text('call_id')
      .notNull()
      .references(() => calls.id),
    type: text('type').notNull(),
    at: integer('at').notNull(),
    agentId: integer('agent_id').references(() => users.id),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [index('call_events_call_idx').on(t.callId, t.at), index('call_events_type_at_idx').on(t.type, t.at)],
);

export const workOrders = sqliteTable(
  'work_orders',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Human number, e.g. HZ-20261126-000123. */
    number: text('number').notNull(),
    /** Dialled number ('12315') or online channel ('web', 'mailbox', 'wechat', …). */
    channel: text('channel').notNull(),
    callId: text('call_id').references(() => calls.id),
    callerId: integer('caller_id').references(() => callers.id),
    callerPhone: text('caller_phone'),
    callerName: text('caller_name'),
    confidential: integer('confidential', { mode: 'boolean' }).notNull().default(false),
    /**
     * The citizen's lookup code 查询码 (src/workorders/lookup-code.ts): told to the citizen with
     * the order number, asked with the phone by the public progress lookup. Plain text: staff read
     * it back to a citizen who calls again. Null only for rows written outside the service.
     */
    lookupCode: text('lookup_code'),
    category: text('category'),
    subject: text('subject'),
    content: text('content'),
    location: text('location'),
    status: text('status').notNull(),
    agentId: integer('agent_id').references(() => users.id),
    /** Missed-call orders carry a callback duty until someone calls back. */
    callbackDue: integer('callback_due', { mode: 'boolean' }).notNull().default(false),
    deadlineAt: integer('deadline_at'),
    /** Lifecycle state (src/workorders/lifecycle/types.ts OrderState); lists are JSON text. */
    leadUnitId: text('lead_unit_id'),
    coUnitIds: text('co_unit_ids', { mode: 'json' }).$type<string[]>().notNull().default([]),
    coRepliedUnitIds: text('co_replied_unit_ids', { mode: 'json' }).$type<string[]>().notNull().default([]),
    signDeadlineAt: integer('sign_deadline_at'),
    pendingExtension: text('pending_extension', { mode: 'json' }).$type<{
      days: number;
      reason: string;
      requestedAt: number;
      requestedBy: number;
    }>(),
    satisfaction: text('satisfaction'),
    supervisionLevel: integer('supervision_level').notNull().default(0),
    /**
     * The step the order waits for besides the unit's sign-for and handling clocks (dispatch,
     * re-dispatch, review, extension decision, callback, unsatisfied) and its deadline, fixed
     * when the step's clock starts; both null while none runs (src/workorders/deadlines/wait-clocks.ts).
     */
    waitClock: text('wait_clock'),
    waitDeadlineAt: integer('wait_deadline_at'),
    handlingRound: integer('handling_round').notNull().default(1),
    /** The order that carries this one's demand after a merge (no FK: ADD COLUMN stays additive). */
    mergedIntoId: integer('merged_into_id'),
    linkedOrderIds: text('linked_order_ids', { mode: 'json' }).$type<number[]>().notNull().default([]),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** Optimistic concurrency: bumped on every change. */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    // A new order (a draft) has no call (online), caller, unit, category, place or deadline yet: the indexes on
    // those columns leave NULL out (`is not null`), so a create does not write an entry no query
    // reads; `col = ?` and `col in (…)` imply it, so those queries still use them (docs/performance.md,
    // "Creates below 2,000/s again").
    uniqueIndex('work_orders_number_uq').on(t.number),
    uniqueIndex('work_orders_call_uq')
      .on(t.callId)
      .where(sql`${t.callId} is not null`),
    index('work_orders_caller_idx')
      .on(t.callerId, t.createdAt)
      .where(sql`${t.callerId} is not null`),
    // The order desk's due-soon and overdue queues, their counts, the consultation board and the
    // deadline scheduler range over (status, deadline_at).
    index('work_orders_status_idx')
      .on(t.status, t.deadlineAt)
      .where(sql`${t.deadlineAt} is not null`),
    index('work_orders_lead_unit_idx')
      .on(t.leadUnitId, t.status)
      .where(sql`${t.leadUnitId} is not null`),
    // Lists newest first, optionally by category or channel (see bench/orders.ts).
    index('work_orders_created_idx').on(t.createdAt, t.id),
    // The hot topics' catch-up job reads the orders changed since its cursor (src/reports/topic-index.ts).
    index('work_orders_updated_idx').on(t.updatedAt),
    index('work_orders_category_created_idx')
      .on(t.category, t.createdAt)
      .where(sql`${t.category} is not null`),
    index('work_orders_channel_created_idx').on(t.channel, t.createdAt),
    // Pages in list order without sorting all matches (src/workorders/queries.ts): per status
    // (several statuses are merged), and by deadline in the order `deadline_at is null, deadline_at, id`.
    index('work_orders_status_created_idx').on(t.status, t.createdAt, t.id),
    index('work_orders_status_deadline_order_idx').on(t.status, sql`(${t.deadlineAt} is null)`, t.deadlineAt, t.id),
    // The list by deadline with no status: a page walks this index instead of sorting every order.
    index('work_orders_deadline_order_idx').on(sql`(${t.deadlineAt} is null)`, t.deadlineAt, t.id),
    index('work_orders_lead_unit_deadline_idx')
      .on(t.leadUnitId, sql`(${t.deadlineAt} is null)`, t.deadlineAt, t.id)
      .where(sql`${t.leadUnitId} is not null`),
    // The deadline scheduler's scan of the waiting clocks: only orders whose clock runs are in it.
    index('work_orders_wait_clock_idx')
      .on(t.waitClock, t.waitDeadlineAt, t.id)
      .where(sql`${t.waitClock} is not null`),
    // The order desk (src/workorders/desk/): search by the reporter's phone (online orders have no
    // caller record) and likely repeats at the same place, newest first.
    index('work_orders_caller_phone_idx')
      .on(t.callerPhone, t.createdAt)
      .where(sql`${t.callerPhone} is not null`),
    index('work_orders_location_idx')
      .on(t.location, t.createdAt)
      .where(sql`${t.location} is not null`),
    // The order desk's 延期申请 queue (src/workorders/desk/queues.ts): the few orders with a request
    // waiting. A cleared request is stored as the JSON text 'null' (the prepared update), so the
    // condition is on that, which also leaves out SQL NULL.
    index('work_orders_pending_extension_idx')
      .on(t.createdAt, t.id)
      .where(sql`${t.pendingExtension} <> 'null'`),
    // The order desk's 不满意 queue: orders evaluated unsatisfied, waiting for supervision.
    index('work_orders_unsatisfied_idx')
      .on(t.createdAt, t.id)
      .where(sql`${t.status} = 'evaluated' and ${t.satisfaction} = 'unsatisfied'`),
    // The desk's text search checks each FTS match's filters here, by id, without reading the
    // order row (src/workorders/desk/text-window.ts); its search by status and category in list order;
    // the orders merged into an order (their calls on its page).
    index('work_orders_desk_facets_idx').on(t.id, t.status, t.category, t.channel, t.leadUnitId, t.deadlineAt, t.createdAt),
    index('work_orders_status_category_created_idx').on(t.status, t.category, t.createdAt, t.id),
    index('work_orders_merged_into_idx')
      .on(t.mergedIntoId)
      .where(sql`${t.mergedIntoId} is not null`),
  ],
);

/**
 * The units an order is with, one row per unit: its lead unit ('lead') and co-handling units
 * ('co'), mirroring work_orders.lead_unit_id / co_unit_ids so that a unit's lists use an index
 * (src/workorders/scope.ts). Kept by triggers on work_orders (migrations/0008), i.e. in the
 * same statement — and so the same transaction — as every write of those two columns.
 */
export const workOrderUnits = sqliteTable(
  'work_order_units',
  {
    unitId: text('unit_id').notNull(),
    /** No FK (see the header): the delete trigger removes an order's rows. */
    orderId: integer('order_id').notNull(),
    role: text('role', { enum: ['lead', 'co'] }).notNull(),
    /**
     * Copies of the order's list keys (migrations/0011 triggers keep them), so that a unit's
     * lists walk the two indexes below in page order (src/workorders/unit-pages.ts).
     */
    status: text('status'),
    createdAt: integer('created_at'),
    deadlineAt: integer('deadline_at'),
  },
  (t) => [
    primaryKey({ columns: [t.unitId, t.orderId] }),
    index('work_order_units_order_idx').on(t.orderId),
    index('work_order_units_status_created_idx').on(t.unitId, t.status, t.createdAt, t.orderId),
    index('work_order_units_status_deadline_idx').on(t.unitId, t.status, sql`(${t.deadlineAt} is null)`, t.deadlineAt, t.orderId),
  ],
);

export const workOrderEvents = sqliteTable(
  'work_order_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    orderId: integer('order_id')
      .notNull()
      .references(() => workOrders.id),
    at: integer('at').notNull(),
    actorId: integer('actor_id').references(() => users.id),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    comment: text('comment'),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [
    index('work_order_events_order_idx').on(t.orderId, t.at),
    // Returns per unit over a period (the order desk's dispatch quality, src/workorders/desk/unit-returns.ts).
    index('work_order_events_action_at_idx').on(t.action, t.at),
  ],
);

/**
 * A desk user's saved searches (常用筛选): a name and the search's query parameters as JSON
 * (src/workorders/desk/saved-filters.ts); private to the user.
 */
export const deskSavedFilters = sqliteTable(
  'desk_saved_filters',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    filter: text('filter', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('desk_saved_filters_user_name_uq').on(t.userId, t.name)],
);

/** What an administrator (or the CLI, as the platform's own account) did to an account. */
/** user.*: an account (target_user_id); user.penalty: a live queue penalty (not stored); config.prompt: a prompt upload (no target). */
export const ADMIN_AUDIT_ACTIONS = [
  'user.create',
  'user.update',
  'user.password',
  'user.disable',
  'user.enable',
  'user.unlock',
  'user.skills',
  'user.penalty',
  'config.prompt',
] as const;
export type AdminAuditAction = (typeof ADMIN_AUDIT_ACTIONS)[number];

/**
 * Every administrative action (issue 11 item 1), written in the transaction of the change it
 * records (src/users/admin-audit.ts); append-only. `details` says what changed, never a password.
 */
export const adminAudit = sqliteTable(
  'admin_audit',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actorId: integer('actor_id')
      .notNull()
      .references(() => users.id),
    action: text('action', { enum: ADMIN_AUDIT_ACTIONS }).notNull(),
    targetUserId: integer('target_user_id').references(() => users.id),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('admin_audit_target_idx').on(t.targetUserId, t.id)],
);

/** Named counters (e.g. the daily work-order sequence), bumped inside the caller's transaction. */
export const counters = sqliteTable('counters', {
  name: text('name').primaryKey(),
  value: integer('value').notNull(),
});

export const DEADLINE_WARNING_KINDS = [
  'sign_due_soon',
  'sign_overdue',
  'due_soon',
  'overdue',
  // The waiting clocks (src/workorders/deadlines/wait-clocks.ts): the platform must act.
  'dispatch_due_soon',
  'dispatch_overdue',
  'redispatch_due_soon',
  'redispatch_overdue',
  'review_due_soon',
  'review_overdue',
  'extension_due_soon',
  'extension_overdue',
  'callback_due_soon',
  'callback_overdue',
  'unsatisfied_due_soon',
  'unsatisfied_overdue',
] as const;
export type DeadlineWarningKind = (typeof DEADLINE_WARNING_KINDS)[number];

/**
 * Deadline warnings (超期预警) already raised: the scheduler's memory across restarts. One row per
 * (order, kind, deadline), so a new deadline (extension, re-dispatch) can warn again.
 */
export const deadlineWarnings = sqliteTable(
  'deadline_warnings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    orderId: integer('order_id')
      .notNull()
      .references(() => workOrders.id),
    kind: text('kind', { enum: DEADLINE_WARNING_KINDS }).notNull(),
    /** The deadline warned about (sign-for or handling deadline, ms). */
    deadlineAt: integer('deadline_at').notNull(),
    /** The lead unit at warning time (the unit the warning was for). */
    leadUnitId: text('lead_unit_id'),
    warnedAt: integer('warned_at').notNull(),
  },
  (t) => [uniqueIndex('deadline_warnings_uq').on(t.orderId, t.kind, t.deadlineAt), index('deadline_warnings_warned_idx').on(t.warnedAt)],
);

/**
 * Files a unit attached to a work order (reply, return, extension request). The file lives under
 * the attachments directory as `storedName` (server-generated, never from the upload); the row
 * is written after the file, in the same transaction as the order's history event, so a crash
 * leaves at most an orphan file and never a row without its file.
 */
export const workOrderAttachments = sqliteTable(
  'work_order_attachments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    orderId: integer('order_id')
      .notNull()
      .references(() => workOrders.id),
    /** The history event that brought the file in (the reply, or an `attach` event). */
    eventId: integer('event_id').references(() => workOrderEvents.id),
    /** The uploader's file name, sanitised; shown and offered on download only. */
    fileName: text('file_name').notNull(),
    /** Random name under the attachments directory. */
    storedName: text('stored_name').notNull(),
    /** The type sniffed from the content (pdf, jpg, png, docx, xlsx). */
    kind: text('kind').notNull(),
    mediaType: text('media_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    uploadedBy: integer('uploaded_by').references(() => users.id),
    unitId: text('unit_id'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('work_order_attachments_stored_uq').on(t.storedName), index('work_order_attachments_order_idx').on(t.orderId, t.id)],
);

/** How a configuration version came to run (issue 11 item 4; src/config/history/). */
export const CONFIG_VERSION_SOURCES = ['startup', 'file', 'reload', 'editor', 'rollback'] as const;
export type ConfigVersionSource = (typeof CONFIG_VERSION_SOURCES)[number];

/** The text of a config file, stored once per content; config_versions refer to it by hash. */
export const configTexts = sqliteTable('config_texts', {
  sha256: text('sha256').primaryKey(),
  text: text('text').notNull(),
});

/**
 * Every configuration set that ran (issue 11 item 4), append-only: its id is the version the
 * admin API and the editor's optimistic concurrency speak of, across restarts.
 */
export const configVersions = sqliteTable('config_versions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: integer('at').notNull(),
  source: text('source', { enum: CONFIG_VERSION_SOURCES }).notNull(),
  /** The administrator who saved or rolled back; null for file edits and start-up. */
  actorId: integer('actor_id').references(() => users.id),
  /** The loader's digest of the whole set. */
  digest: text('digest').notNull(),
  /** File name → sha256 of its text in config_texts, or null when the file was absent. */
  files: text('files', { mode: 'json' }).$type<Record<string, string | null>>().notNull(),
  /** For a rollback: the version applied again. */
  rollbackOf: integer('rollback_of'),
});

/** Knowledge-base article types (知识类型), issue 15: 政策法规 / 职能职责 / 办事指南 / 常见问答 / 临时通知. */
export const KB_ARTICLE_TYPES = ['policy', 'duty', 'guide', 'faq', 'notice'] as const;
export type KbArticleType = (typeof KB_ARTICLE_TYPES)[number];
/** A version's workflow state (src/kb/workflow.ts owns the transitions). */
export const KB_VERSION_STATES = ['draft', 'in_review', 'published', 'superseded', 'rejected'] as const;
export type KbVersionState = (typeof KB_VERSION_STATES)[number];
export const KB_AUDIT_ACTIONS = ['create', 'update', 'submit', 'approve', 'reject', 'withdraw', 'import', 'attach', 'detach'] as const;
export type KbAuditAction = (typeof KB_AUDIT_ACTIONS)[number];
/**
 * A version's words as src/kb/search-words.ts computes them: `v` its segmenter's version, `t` the
 * words, `f` their weighted frequencies; `x` true when its text has traditional characters (to fold).
 */
export interface KbSearchWords {
  v: string;
  t: string[];
  f: number[];
  x?: boolean;
}

/**
 * A knowledge-base article (知识库, issue 15): owned by one unit of org.yaml; its content lives in
 * kb_article_versions. `publishedVersionId` is what agents read; `draftVersionId` the one version
 * being edited or reviewed (at most one at a time). Withdrawn articles are kept, hidden from agents.
 */
export const kbArticles = sqliteTable(
  'kb_articles',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    unitId: text('unit_id').notNull(),
    publishedVersionId: integer('published_version_id'),
    draftVersionId: integer('draft_version_id'),
    withdrawn: integer('withdrawn', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('kb_articles_unit_idx').on(t.unitId, t.id)],
);

/**
 * Every version of an article; a published version is never changed again (what an agent saw
 * during a call can be shown later). Dates are Beijing calendar days, YYYY-MM-DD; lists are JSON.
 */
export const kbArticleVersions = sqliteTable(
  'kb_article_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    articleId: integer('article_id')
      .notNull()
      .references(() => kbArticles.id),
    versionNo: integer('version_no').notNull(),
    state: text('state', { enum: KB_VERSION_STATES }).notNull(),
    title: text('title').notNull(),
    /** Markdown. */
    body: text('body').notNull(),
    type: text('type', { enum: KB_ARTICLE_TYPES }).notNull(),
    hotlines: text('hotlines', { mode: 'json' }).$type<string[]>().notNull(),
    categories: text('categories', { mode: 'json' }).$type<string[]>().notNull(),
    areas: text('areas', { mode: 'json' }).$type<string[]>().notNull(),
    keywords: text('keywords', { mode: 'json' }).$type<string[]>().notNull(),
    effectiveFrom: text('effective_from'),
    expiresOn: text('expires_on'),
    reviewBy: text('review_by'),
    authorId: integer('author_id').references(() => users.id),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    reviewerId: integer('reviewer_id').references(() => users.id),
    reviewedAt: integer('reviewed_at'),
    reviewNote: text('review_note'),
    publishedAt: integer('published_at'),
    /** The version's search words (jieba, weighted: title and keywords ×3), written when it is published: no segmenting at start. */
    searchWords: text('search_words', { mode: 'json' }).$type<KbSearchWords>(),
  },
  (t) => [uniqueIndex('kb_article_versions_no_uq').on(t.articleId, t.versionNo), index('kb_article_versions_state_idx').on(t.state, t.id)],
);

/** Every change of an article, append-only, written in the change's transaction. */
export const kbAudit = sqliteTable(
  'kb_audit',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    articleId: integer('article_id')
      .notNull()
      .references(() => kbArticles.id),
    versionId: integer('version_id').references(() => kbArticleVersions.id),
    actorId: integer('actor_id').references(() => users.id),
    action: text('action', { enum: KB_AUDIT_ACTIONS }).notNull(),
    note: text('note'),
  },
  (t) => [index('kb_audit_article_idx').on(t.articleId, t.id)],
);

/** "Answered with this article": the version an agent answered an order with (当场答复 by article). */
export const kbAnswers = sqliteTable(
  'kb_answers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    orderId: integer('order_id')
      .notNull()
      .references(() => workOrders.id),
    articleId: integer('article_id')
      .notNull()
      .references(() => kbArticles.id),
    versionId: integer('version_id')
      .notNull()
      .references(() => kbArticleVersions.id),
    /** The order's hotline (its channel) at the time: usage ranks results per hotline. */
    hotline: text('hotline').notNull(),
    actorId: integer('actor_id').references(() => users.id),
    at: integer('at').notNull(),
  },
  (t) => [
    uniqueIndex('kb_answers_order_article_uq').on(t.orderId, t.articleId),
    index('kb_answers_article_idx').on(t.articleId, t.hotline),
    index('kb_answers_at_idx').on(t.at),
  ],
);

/**
 * Images and files of an article version (issue 15), kept in the attachment store's `kb`
 * directory (src/workorders/attachment-store.ts). A new draft after the published version gets
 * rows of its own for the same files (`storedName` shared): published versions are never
 * changed, so what an agent saw, images included, can be shown later. A file is removed from
 * disk only when a draft drops it and no other row names it.
 */
export const kbAttachments = sqliteTable(
  'kb_attachments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    articleId: integer('article_id')
      .notNull()
      .references(() => kbArticles.id),
    versionId: integer('version_id')
      .notNull()
      .references(() => kbArticleVersions.id),
    /** The uploader's file name, sanitised; shown and offered on download only. */
    fileName: text('file_name').notNull(),
    /** Random name under the store's kb directory. */
    storedName: text('stored_name').notNull(),
    /** The type sniffed from the content (pdf, jpg, png, docx, xlsx). */
    kind: text('kind').notNull(),
    mediaType: text('media_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    uploadedBy: integer('uploaded_by').references(() => users.id),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('kb_attachments_version_idx').on(t.versionId, t.id), index('kb_attachments_stored_idx').on(t.storedName)],
);

/** Searches that found nothing: what the knowledge base is missing (a weekly list for the centre). */
export const kbMissedSearches = sqliteTable(
  'kb_missed_searches',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    query: text('query').notNull(),
    hotline: text('hotline'),
    actorId: integer('actor_id').references(() => users.id),
  },
  (t) => [index('kb_missed_searches_at_idx').on(t.at)],
);

/** What a recording row is going through (issue 13, docs/decisions/0012-call-recording.md). */
export const RECORDING_STATES = ['recording', 'stored', 'failed', 'purged'] as const;
export type RecordingState = (typeof RECORDING_STATES)[number];
/** What the append-only recording audit log records: each playback or download, each list that shows it, each purge. */
export const RECORDING_AUDIT_ACTIONS = ['play', 'download', 'purge', 'list'] as const;
export type RecordingAuditAction = (typeof RECORDING_AUDIT_ACTIONS)[number];

/**
 * Call recordings (issue 13, src/recordings/): written when Asterisk starts recording (state
 * `recording`, the spool file named), completed when the file is in Sunline's storage (`stored`:
 * size, sha256, duration, storage key), `purged` after the retention period (the row stays).
 */
export const recordings = sqliteTable(
  'recordings',
  {
    id: text('id').primaryKey(),
    callId: text('call_id')
      .notNull()
      .references(() => calls.id),
    orderId: integer('order_id').references(() => workOrders.id),
    agentId: integer('agent_id').references(() => users.id),
    hotline: text('hotline').notNull(),
    state: text('state', { enum: RECORDING_STATES }).notNull(),
    /** The caller's channel (ARI id) MixMonitor records. */
    channelId: text('channel_id').notNull(),
    /** Asterisk's file, relative to its monitor folder. */
    spoolFile: text('spool_file').notNull(),
    /** Audio channels of the stored file: 2 = citizen left, agent right. */
    channels: integer('channels').notNull(),
    startedAt: integer('started_at').notNull(),
    storedAt: integer('stored_at'),
    durationMs: integer('duration_ms'),
    sizeBytes: integer('size_bytes'),
    sha256: text('sha256'),
    storageKey: text('storage_key'),
    purgedAt: integer('purged_at'),
  },
  (t) => [
    index('recordings_call_idx').on(t.callId),
    index('recordings_order_idx').on(t.orderId),
    index('recordings_started_idx').on(t.startedAt),
    /** The recordings still being written or waiting to be moved (few). */
    index('recordings_pending_idx')
      .on(t.state)
      .where(sql`${t.state} = 'recording'`),
  ],
);

/** Who played or downloaded which recording, and each purge (PIPL): append-only. */
export const recordingAudit = sqliteTable(
  'recording_audit',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    /** null: the system (the retention purge). */
    actorId: integer('actor_id').references(() => users.id),
    action: text('action', { enum: RECORDING_AUDIT_ACTIONS }).notNull(),
    recordingId: text('recording_id')
      .notNull()
      .references(() => recordings.id),
    /** The Range header asked for (e.g. `bytes=0-`), or null for the whole file. */
    range: text('range'),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('recording_audit_recording_idx').on(t.recordingId, t.id), index('recording_audit_at_idx').on(t.at)],
);

/** Why a call is on the QA worklist (issue 13 item 4, src/qa/): drawn at random, or rated 不满意 in the survey. */
export const QA_SAMPLE_REASONS = ['random', 'unsatisfied'] as const;
export type QaSampleReason = (typeof QA_SAMPLE_REASONS)[number];

/**
 * The QA worklist (质检抽检, src/qa/sampling.ts): the calls drawn for scoring, one row per call,
 * written once and kept (a call leaves the list when it has a score, not when a row goes).
 */
export const qaSamples = sqliteTable(
  'qa_samples',
  {
    callId: text('call_id')
      .primaryKey()
      .references(() => calls.id),
    agentId: integer('agent_id')
      .notNull()
      .references(() => users.id),
    /** Beijing date the call entered, YYYY-MM-DD. */
    day: text('day').notNull(),
    reason: text('reason', { enum: QA_SAMPLE_REASONS }).notNull(),
    sampledAt: integer('sampled_at').notNull(),
  },
  (t) => [index('qa_samples_day_idx').on(t.day, t.agentId)],
);

/**
 * The Beijing days whose random QA sample has been drawn (src/qa/qa-service.ts): a day is drawn
 * once, also when none of its picks was added (every pick already on the worklist as 不满意).
 * Written in the draw's transaction with its samples; a day without an answered call is not.
 */
export const qaDrawnDays = sqliteTable('qa_drawn_days', {
  /** YYYY-MM-DD. */
  day: text('day').primaryKey(),
  drawnAt: integer('drawn_at').notNull(),
});

/**
 * QA scores (质检评分), append-only: editing a call's score adds its next revision; the highest
 * revision is the call's score. `points` holds each item's points by item id, `formVersion` the
 * digest of config/qa.yaml's items it was given with (src/qa/qa-config.ts).
 */
export const qaScores = sqliteTable(
  'qa_scores',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    callId: text('call_id')
      .notNull()
      .references(() => calls.id),
    revision: integer('revision').notNull(),
    orderId: integer('order_id').references(() => workOrders.id),
    recordingId: text('recording_id').references(() => recordings.id),
    agentId: integer('agent_id')
      .notNull()
      .references(() => users.id),
    scorerId: integer('scorer_id')
      .notNull()
      .references(() => users.id),
    points: text('points', { mode: 'json' }).$type<Record<string, number>>().notNull(),
    /** The red-line items committed (any: the total is 0). */
    fatalErrors: text('fatal_errors', { mode: 'json' }).$type<string[]>().notNull(),
    fatal: integer('fatal', { mode: 'boolean' }).notNull(),
    total: integer('total').notNull(),
    comment: text('comment').notNull(),
    formVersion: text('form_version').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('qa_scores_call_revision_uq').on(t.callId, t.revision), index('qa_scores_agent_idx').on(t.agentId, t.createdAt)],
);

/**
 * Listen / whisper / barge by shift leads (issue 13 item 3, src/supervision): who supervised
 * which call, when, in which mode, and why it ended (PIPL): append-only.
 */
export const supervisionAudit = sqliteTable(
  'supervision_audit',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    leadId: integer('lead_id')
      .notNull()
      .references(() => users.id),
    /** start, mode (switched to `mode`), stop (with `reason`). */
    action: text('action').$type<SupervisionAuditAction>().notNull(),
    callId: text('call_id').notNull(),
    agentId: integer('agent_id').notNull(),
    mode: text('mode').$type<SupervisionMode>().notNull(),
    reason: text('reason').$type<SupervisionEndReason>(),
  },
  (t) => [index('supervision_audit_call_idx').on(t.callId, t.id), index('supervision_audit_at_idx').on(t.at)],
);

/**
 * Who should make a callback (issue 12 item 2, src/calls/callback-assignments.ts): a shift lead
 * assigns a worklist entry (keyed by the order it is called for) to an agent or takes it back,
 * or an agent picks a free entry. Append-only: the newest row of an order is its assignment
 * (`agentId` null: unassigned), the rows are the audit trail (who, when, to whom).
 */
export const callbackAssignments = sqliteTable(
  'callback_assignments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    orderId: integer('order_id')
      .notNull()
      .references(() => workOrders.id),
    agentId: integer('agent_id').references(() => users.id),
    byId: integer('by_id')
      .notNull()
      .references(() => users.id),
    at: integer('at').notNull(),
  },
  (t) => [index('callback_assignments_order_idx').on(t.orderId, t.id)],
);

/**
 * The hot topics' index (issue 14 items 4 and 9, src/reports/topic-index.ts): what each order
 * adds to the hot topics, kept up to date from work_orders by a catch-up job (new ids, rows
 * updated since its cursor, version compared), so that a month's topics are a `group by word`
 * over daily rows instead of segmenting every order's text at query time. Null unit or
 * category are stored as '' (part of the keys). `day` is the Beijing date of the order's creation.
 */
export const topicOrders = sqliteTable(
  'topic_orders',
  {
    /** One row per order seen (drafts and confidential orders too, with counted false), at the version read. */
    orderId: integer('order_id').primaryKey(),
    version: integer('version').notNull(),
    updatedAt: integer('updated_at').notNull(),
    day: text('day').notNull(),
    unitId: text('unit_id').notNull(),
    category: text('category').notNull(),
    /** In the hot topics: not a draft, not confidential, some text. */
    counted: integer('counted', { mode: 'boolean' }).notNull(),
    /** Its topic words and place words, '\n'-separated (what it added to the rollups). */
    words: text('words').notNull(),
    places: text('places').notNull(),
  },
  (t) => [index('topic_orders_day_idx').on(t.day, t.counted, t.unitId, t.category), index('topic_orders_updated_idx').on(t.updatedAt)],
);

/** Counted orders per Beijing day, lead unit, category and topic word. */
export const topicWordDays = sqliteTable(
  'topic_word_days',
  {
    day: text('day').notNull(),
    word: text('word').notNull(),
    unitId: text('unit_id').notNull(),
    category: text('category').notNull(),
    orders: integer('orders').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.word, t.unitId, t.category] })],
);

/** Counted orders per Beijing day, lead unit, category, topic word and place word of the location field. */
export const topicPlaceDays = sqliteTable(
  'topic_place_days',
  {
    word: text('word').notNull(),
    day: text('day').notNull(),
    unitId: text('unit_id').notNull(),
    category: text('category').notNull(),
    place: text('place').notNull(),
    orders: integer('orders').notNull(),
  },
  (t) => [primaryKey({ columns: [t.word, t.day, t.unitId, t.category, t.place] })],
);

/** The counted orders behind each topic word (the latest of a topic and the drill-down). */
export const topicOrderWords = sqliteTable(
  'topic_order_words',
  {
    word: text('word').notNull(),
    day: text('day').notNull(),
    orderId: integer('order_id').notNull(),
    unitId: text('unit_id').notNull(),
    category: text('category').notNull(),
  },
  (t) => [primaryKey({ columns: [t.word, t.day, t.orderId] })],
);

/**
 * Daily rollups of the KPI reports (issue 14 item 9, src/reports/report-rollups.ts): per Beijing
 * day (`day`: its Shanghai midnight, ms), the additive counts of docs/kpis.md by their keys — sums
 * of seconds and numerators/denominators, never ratios. A closed day is built by a job
 * (report_rollup_days); the triggers of migration 0030 mark a built day dirty
 * (report_rollup_dirty) when a row it was built from changes; a dirty or open day is read raw.
 */
export const reportCallDays = sqliteTable(
  'report_call_days',
  {
    day: integer('day').notNull(),
    hotline: text('hotline').notNull(),
    agentId: integer('agent_id'),
    dialledNumber: text('dialled_number').notNull(),
    callsIn: integer('calls_in').notNull(),
    requested: integer('requested').notNull(),
    answered: integer('answered').notNull(),
    answeredWithin15s: integer('answered_within_15s').notNull(),
    abandonedInQueue: integer('abandoned_in_queue').notNull(),
    abandonedAtFrontDoor: integer('abandoned_at_front_door').notNull(),
    waitSumMs: integer('wait_sum_ms').notNull(),
    talked: integer('talked').notNull(),
    talkSumMs: integer('talk_sum_ms').notNull(),
    wrapUpSumMs: integer('wrap_up_sum_ms').notNull(),
    repeatCalls: integer('repeat_calls').notNull(),
    /** 0: a day's row; 1: a calendar month's sum (`day`: its first day), built once all its days are built and clean. */
    month: integer('month').notNull().default(0),
  },
  (t) => [index('report_call_days_day_idx').on(t.day)],
);

/** Order events per day by attributed unit (order-kpis.ts EVENT_METRICS), the order's category and channel. */
export const reportOrderDays = sqliteTable(
  'report_order_days',
  {
    day: integer('day').notNull(),
    unitId: text('unit_id'),
    category: text('category'),
    channel: text('channel').notNull(),
    accepted: integer('accepted').notNull(),
    answeredOnSpot: integer('answered_on_spot').notNull(),
    dispatched: integer('dispatched').notNull(),
    returned: integer('returned').notNull(),
    signed: integer('signed').notNull(),
    signedLate: integer('signed_late').notNull(),
    replied: integer('replied').notNull(),
    repliedLate: integer('replied_late').notNull(),
    extended: integer('extended').notNull(),
    supervised: integer('supervised').notNull(),
    closed: integer('closed').notNull(),
    closedWithCallback: integer('closed_with_callback').notNull(),
    surveyEvaluated: integer('survey_evaluated').notNull(),
    surveySatisfied: integer('survey_satisfied').notNull(),
    callbackEvaluated: integer('callback_evaluated').notNull(),
    callbackSatisfied: integer('callback_satisfied').notNull(),
    thirdPartyEvaluated: integer('third_party_evaluated').notNull(),
    thirdPartySatisfied: integer('third_party_satisfied').notNull(),
    secondEvaluated: integer('second_evaluated').notNull(),
    secondSatisfied: integer('second_satisfied').notNull(),
    missed: integer('missed').notNull(),
    calledBack: integer('called_back').notNull(),
    callbackWaitSumMs: integer('callback_wait_sum_ms').notNull(),
    /** 0: a day's row; 1: a calendar month's sum (`day`: its first day), built once all its days are built and clean. */
    month: integer('month').notNull().default(0),
  },
  (t) => [index('report_order_days_day_idx').on(t.day)],
);

/** An order counted by a distinct figure on `day` that had the same figure's event on `prev_day` before (the latest such): what a sum over days subtracts. */
export const reportOrderRepeats = sqliteTable(
  'report_order_repeats',
  {
    day: integer('day').notNull(),
    field: text('field').notNull(),
    orderId: integer('order_id').notNull(),
    prevDay: integer('prev_day').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.field, t.orderId] })],
);

/** Co-handling (协办) counts per day and co-handling unit (co-handling.ts). */
export const reportCoDays = sqliteTable(
  'report_co_days',
  {
    day: integer('day').notNull(),
    unitId: text('unit_id').notNull(),
    received: integer('received').notNull(),
    replied: integer('replied').notNull(),
    missed: integer('missed').notNull(),
    /** 0: a day's row; 1: a calendar month's sum (`day`: its first day), built once all its days are built and clean. */
    month: integer('month').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.month, t.unitId] })],
);

/** The days built, per source ('calls': report_call_days; 'orders': report_order_days, report_order_repeats, report_co_days). */
export const reportRollupDays = sqliteTable(
  'report_rollup_days',
  {
    source: text('source').notNull(),
    day: integer('day').notNull(),
    builtAt: integer('built_at').notNull(),
    /** The `seq` of the dirty mark its last build cleared (0: none yet; built_at 0: claimed, not built yet). */
    seq: integer('seq').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.source, t.day] })],
);

/** Built days whose rows changed since (written by the triggers of migration 0030): read raw until rebuilt. */
export const reportRollupDirty = sqliteTable(
  'report_rollup_dirty',
  {
    source: text('source').notNull(),
    day: integer('day').notNull(),
    /**
     * Raised by every change that marks the day again (migration 0034), always above the day's
     * report_rollup_days.seq: a build deletes the mark only if it is still the one it read (report-rollups.ts).
     */
    seq: integer('seq').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.source, t.day] })],
);
