/**
 * The PostgreSQL twin of schema.ts (issue 16, decision 0011): the same tables, columns, defaults,
 * indexes and unique indexes, so that a repository's rows have the same TypeScript type on either
 * database (test/db/schema-types.test.ts) and the two migration sets stay in step
 * (test/db/dialect-parity.test.ts). A new table or column goes into BOTH files, then
 * `npm run db:generate` writes migrations/ and migrations-pg/.
 *
 * Mapping: integer milliseconds → bigint (mode 'number'); SQLite 0/1 booleans → boolean;
 * AUTOINCREMENT → an identity column (BY DEFAULT, so an import can keep the ids; it then moves
 * the sequence on); JSON text → jsonb; text enums → text with the same TS enum. The full-text
 * search of orders (SQLite: the FTS5 table and triggers of migrations/0001, 0007) is a pg_trgm
 * GIN index on WORK_ORDER_SEARCH_TEXT, and work_order_units is kept by triggers as in SQLite
 * (migrations/0008, 0011): both are hand-written in migrations-pg/, drizzle-kit does not manage them.
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { SupervisionAuditAction, SupervisionEndReason, SupervisionMode } from '../contract/supervision.js';
import {
  ADMIN_AUDIT_ACTIONS,
  CALL_DIRECTIONS,
  CALL_STATES,
  CONFIG_VERSION_SOURCES,
  DEADLINE_WARNING_KINDS,
  KB_ARTICLE_TYPES,
  KB_AUDIT_ACTIONS,
  KB_VERSION_STATES,
  QA_SAMPLE_REASONS,
  type KbSearchWords,
  RECORDING_AUDIT_ACTIONS,
  RECORDING_STATES,
  USER_ROLES,
} from './schema.js';

const now = sql`(floor(extract(epoch from clock_timestamp()) * 1000)::bigint)`;
/** Milliseconds since the epoch, read as a JS number (exact up to 2^53). */
const ms = (name: string) => bigint(name, { mode: 'number' });

/**
 * The text an order is searched by (subject, content, location, and the caller's name unless
 * the order is confidential), as indexed by work_orders_search_trgm_idx (migrations-pg/0001,
 * 0004). A query must use this very expression (`WORK_ORDER_SEARCH_TEXT ILIKE '%term%'`) for
 * PostgreSQL to use the index; the newline keeps a term (never containing whitespace) from
 * matching across two columns, as FTS5 phrases do not. Searchers who may not see confidential
 * reporters use it alone; platform staff also match WORK_ORDER_CONFIDENTIAL_NAME (OR), as
 * SQLite's FTS5 table keeps that name in a column of its own (migrations/0013).
 */
export const WORK_ORDER_SEARCH_TEXT = sql.raw(
  `(coalesce("work_orders"."subject", '') || E'\\n' || coalesce("work_orders"."content", '') || E'\\n' || ` +
    `coalesce("work_orders"."location", '') || E'\\n' || (case when "work_orders"."confidential" then '' else coalesce("work_orders"."caller_name", '') end))`,
);

/** A confidential order's reporter name, as indexed by work_orders_confidential_name_trgm_idx (partial: confidential orders only). */
export const WORK_ORDER_CONFIDENTIAL_NAME = sql.raw(`(case when "work_orders"."confidential" then "work_orders"."caller_name" end)`);

export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: USER_ROLES }).notNull(),
    unitId: text('unit_id'),
    passwordHash: text('password_hash').notNull(),
    disabled: boolean('disabled').notNull().default(false),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    createdAt: ms('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('users_username_uq').on(t.username)],
);

export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: ms('created_at').notNull().default(now),
    expiresAt: ms('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** The nonces of signed channel-bridge requests (schema.ts). */
export const bridgeNonces = pgTable(
  'bridge_nonces',
  {
    bridgeId: text('bridge_id').notNull(),
    nonce: text('nonce').notNull(),
    expiresAt: ms('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.bridgeId, t.nonce] }), index('bridge_nonces_expires_idx').on(t.expiresAt)],
);

export const agentSessions = pgTable('agent_sessions', {
  agentId: integer('agent_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  displayName: text('display_name').notNull(),
  state: text('state', { enum: ['available', 'ringing', 'on_call', 'wrap_up', 'paused', 'outbound'] }).notNull(),
  since: ms('since').notNull(),
  pauseReason: text('pause_reason'),
  callId: text('call_id'),
  penalty: integer('penalty').notNull().default(0),
});

/** Agents' state history (schema.ts). */
export const agentStateEvents = pgTable(
  'agent_state_events',
  {
    // bigint: about ten rows a call.
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    agentId: integer('agent_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    state: text('state').notNull(),
    callId: text('call_id'),
    at: ms('at').notNull(),
  },
  (t) => [index('agent_state_events_agent_at_idx').on(t.agentId, t.at), index('agent_state_events_call_idx').on(t.callId)],
);

/** Agents' routing skills with levels (schema.ts). */
export const agentSkills = pgTable(
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

export const callers = pgTable(
  'callers',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    phone: text('phone').notNull(),
    name: text('name'),
    note: text('note'),
    firstSeenAt: ms('first_seen_at').notNull().default(now),
    lastSeenAt: ms('last_seen_at').notNull().default(now),
  },
  (t) => [uniqueIndex('callers_phone_uq').on(t.phone)],
);

export const calls = pgTable(
  'calls',
  {
    id: text('id').primaryKey(),
    channelId: text('channel_id'),
    callerId: integer('caller_id').references(() => callers.id),
    callerPhone: text('caller_phone').notNull(),
    dialledNumber: text('dialled_number').notNull(),
    hotline: text('hotline').notNull(),
    state: text('state', { enum: CALL_STATES }).notNull(),
    agentId: integer('agent_id').references(() => users.id),
    enteredAt: ms('entered_at').notNull(),
    queuedAt: ms('queued_at'),
    answeredAt: ms('answered_at'),
    endedAt: ms('ended_at'),
    outcome: text('outcome'),
    direction: text('direction', { enum: CALL_DIRECTIONS }).notNull().default('in'),
    orderId: integer('order_id'),
  },
  (t) => [
    uniqueIndex('calls_channel_uq').on(t.channelId),
    index('calls_entered_idx').on(t.enteredAt),
    index('calls_caller_idx').on(t.callerId, t.enteredAt),
    /** The outbound calls made for an order (callbacks, 回访). */
    index('calls_order_idx').on(t.orderId),
    index('calls_unfinished_idx')
      .on(t.state)
      .where(sql`${t.state} <> 'ended'`),
  ],
);

export const callEvents = pgTable(
  'call_events',
  {
    // bigint: the busiest append-only table (about ten rows a call).
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    callId: text('call_id')
      .notNull()
      .references(() => calls.id),
    type: text('type').notNull(),
    at: ms('at').notNull(),
    agentId: integer('agent_id').references(() => users.id),
    data: jsonb('data').$type<Record<string, unknown>>(),
  },
  (t) => [index('call_events_call_idx').on(t.callId, t.at), index('call_events_type_at_idx').on(t.type, t.at)],
);

export const workOrders = pgTable(
  'work_orders',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    number: text('number').notNull(),
    channel: text('channel').notNull(),
    callId: text('call_id').references(() => calls.id),
    callerId: integer('caller_id').references(() => callers.id),
    callerPhone: text('caller_phone'),
    callerName: text('caller_name'),
    confidential: boolean('confidential').notNull().default(false),
    /** The citizen's lookup code 查询码 (schema.ts). */
    lookupCode: text('lookup_code'),
    category: text('category'),
    subject: text('subject'),
    content: text('content'),
    location: text('location'),
    status: text('status').notNull(),
    agentId: integer('agent_id').references(() => users.id),
    callbackDue: boolean('callback_due').notNull().default(false),
    deadlineAt: ms('deadline_at'),
    leadUnitId: text('lead_unit_id'),
    coUnitIds: jsonb('co_unit_ids').$type<string[]>().notNull().default([]),
    coRepliedUnitIds: jsonb('co_replied_unit_ids').$type<string[]>().notNull().default([]),
    signDeadlineAt: ms('sign_deadline_at'),
    pendingExtension: jsonb('pending_extension').$type<{
      days: number;
      reason: string;
      requestedAt: number;
      requestedBy: number;
    }>(),
    satisfaction: text('satisfaction'),
    supervisionLevel: integer('supervision_level').notNull().default(0),
    /** The waiting clock that runs and its deadline (schema.ts). */
    waitClock: text('wait_clock'),
    waitDeadlineAt: ms('wait_deadline_at'),
    handlingRound: integer('handling_round').notNull().default(1),
    mergedIntoId: integer('merged_into_id'),
    linkedOrderIds: jsonb('linked_order_ids').$type<number[]>().notNull().default([]),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
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
    index('work_orders_created_idx').on(t.createdAt, t.id),
    // The hot topics' catch-up job reads the orders changed since its cursor (src/reports/topic-index.ts).
    index('work_orders_updated_idx').on(t.updatedAt),
    index('work_orders_category_created_idx')
      .on(t.category, t.createdAt)
      .where(sql`${t.category} is not null`),
    index('work_orders_channel_created_idx').on(t.channel, t.createdAt),
    index('work_orders_status_created_idx').on(t.status, t.createdAt, t.id),
    index('work_orders_status_deadline_order_idx').on(t.status, sql`(${t.deadlineAt} is null)`, t.deadlineAt, t.id),
    index('work_orders_deadline_order_idx').on(sql`(${t.deadlineAt} is null)`, t.deadlineAt, t.id),
    index('work_orders_lead_unit_deadline_idx')
      .on(t.leadUnitId, sql`(${t.deadlineAt} is null)`, t.deadlineAt, t.id)
      .where(sql`${t.leadUnitId} is not null`),
    index('work_orders_wait_clock_idx')
      .on(t.waitClock, t.waitDeadlineAt, t.id)
      .where(sql`${t.waitClock} is not null`),
    // The order desk (schema.ts): search by phone, repeats at a place, the 延期申请 and 不满意 queues.
    index('work_orders_caller_phone_idx')
      .on(t.callerPhone, t.createdAt)
      .where(sql`${t.callerPhone} is not null`),
    index('work_orders_location_idx')
      .on(t.location, t.createdAt)
      .where(sql`${t.location} is not null`),
    index('work_orders_pending_extension_idx')
      .on(t.createdAt, t.id)
      .where(sql`${t.pendingExtension} <> 'null'`),
    index('work_orders_unsatisfied_idx')
      .on(t.createdAt, t.id)
      .where(sql`${t.status} = 'evaluated' and ${t.satisfaction} = 'unsatisfied'`),
    index('work_orders_desk_facets_idx').on(t.id, t.status, t.category, t.channel, t.leadUnitId, t.deadlineAt, t.createdAt),
    index('work_orders_status_category_created_idx').on(t.status, t.category, t.createdAt, t.id),
    index('work_orders_merged_into_idx')
      .on(t.mergedIntoId)
      .where(sql`${t.mergedIntoId} is not null`),
  ],
);

/** Kept by the triggers of migrations-pg/0002 (SQLite: migrations/0008, 0011). */
export const workOrderUnits = pgTable(
  'work_order_units',
  {
    unitId: text('unit_id').notNull(),
    orderId: integer('order_id').notNull(),
    role: text('role', { enum: ['lead', 'co'] }).notNull(),
    status: text('status'),
    createdAt: ms('created_at'),
    deadlineAt: ms('deadline_at'),
  },
  (t) => [
    primaryKey({ columns: [t.unitId, t.orderId] }),
    index('work_order_units_order_idx').on(t.orderId),
    index('work_order_units_status_created_idx').on(t.unitId, t.status, t.createdAt, t.orderId),
    index('work_order_units_status_deadline_idx').on(t.unitId, t.status, sql`(${t.deadlineAt} is null)`, t.deadlineAt, t.orderId),
  ],
);

export const workOrderEvents = pgTable(
  'work_order_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    orderId: integer('order_id')
      .notNull()
      .references(() => workOrders.id),
    at: ms('at').notNull(),
    actorId: integer('actor_id').references(() => users.id),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    comment: text('comment'),
    data: jsonb('data').$type<Record<string, unknown>>(),
  },
  (t) => [index('work_order_events_order_idx').on(t.orderId, t.at), index('work_order_events_action_at_idx').on(t.action, t.at)],
);

/** A desk user's saved searches (schema.ts). */
export const deskSavedFilters = pgTable(
  'desk_saved_filters',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    filter: jsonb('filter').$type<Record<string, unknown>>().notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('desk_saved_filters_user_name_uq').on(t.userId, t.name)],
);

export const adminAudit = pgTable(
  'admin_audit',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    at: ms('at').notNull(),
    actorId: integer('actor_id')
      .notNull()
      .references(() => users.id),
    action: text('action', { enum: ADMIN_AUDIT_ACTIONS }).notNull(),
    targetUserId: integer('target_user_id').references(() => users.id),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('admin_audit_target_idx').on(t.targetUserId, t.id)],
);

export const counters = pgTable('counters', {
  name: text('name').primaryKey(),
  value: bigint('value', { mode: 'number' }).notNull(),
});

export const deadlineWarnings = pgTable(
  'deadline_warnings',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    orderId: integer('order_id')
      .notNull()
      .references(() => workOrders.id),
    kind: text('kind', { enum: DEADLINE_WARNING_KINDS }).notNull(),
    deadlineAt: ms('deadline_at').notNull(),
    leadUnitId: text('lead_unit_id'),
    warnedAt: ms('warned_at').notNull(),
  },
  (t) => [uniqueIndex('deadline_warnings_uq').on(t.orderId, t.kind, t.deadlineAt), index('deadline_warnings_warned_idx').on(t.warnedAt)],
);

export const workOrderAttachments = pgTable(
  'work_order_attachments',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    orderId: integer('order_id')
      .notNull()
      .references(() => workOrders.id),
    eventId: bigint('event_id', { mode: 'number' }).references(() => workOrderEvents.id),
    fileName: text('file_name').notNull(),
    storedName: text('stored_name').notNull(),
    kind: text('kind').notNull(),
    mediaType: text('media_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    uploadedBy: integer('uploaded_by').references(() => users.id),
    unitId: text('unit_id'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('work_order_attachments_stored_uq').on(t.storedName), index('work_order_attachments_order_idx').on(t.orderId, t.id)],
);

export const configTexts = pgTable('config_texts', {
  sha256: text('sha256').primaryKey(),
  text: text('text').notNull(),
});

export const configVersions = pgTable('config_versions', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  at: ms('at').notNull(),
  source: text('source', { enum: CONFIG_VERSION_SOURCES }).notNull(),
  actorId: integer('actor_id').references(() => users.id),
  digest: text('digest').notNull(),
  files: jsonb('files').$type<Record<string, string | null>>().notNull(),
  rollbackOf: integer('rollback_of'),
});

/**
 * A knowledge-base article (知识库, issue 15): owned by one unit of org.yaml; its content lives in
 * kb_article_versions. `publishedVersionId` is what agents read; `draftVersionId` the one version
 * being edited or reviewed (at most one at a time). Withdrawn articles are kept, hidden from agents.
 */
export const kbArticles = pgTable(
  'kb_articles',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    unitId: text('unit_id').notNull(),
    publishedVersionId: integer('published_version_id'),
    draftVersionId: integer('draft_version_id'),
    withdrawn: boolean('withdrawn').notNull().default(false),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [index('kb_articles_unit_idx').on(t.unitId, t.id)],
);

/**
 * Every version of an article; a published version is never changed again (what an agent saw
 * during a call can be shown later). Dates are Beijing calendar days, YYYY-MM-DD; lists are JSON.
 */
export const kbArticleVersions = pgTable(
  'kb_article_versions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    articleId: integer('article_id')
      .notNull()
      .references(() => kbArticles.id),
    versionNo: integer('version_no').notNull(),
    state: text('state', { enum: KB_VERSION_STATES }).notNull(),
    title: text('title').notNull(),
    /** Markdown. */
    body: text('body').notNull(),
    type: text('type', { enum: KB_ARTICLE_TYPES }).notNull(),
    hotlines: jsonb('hotlines').$type<string[]>().notNull(),
    categories: jsonb('categories').$type<string[]>().notNull(),
    areas: jsonb('areas').$type<string[]>().notNull(),
    keywords: jsonb('keywords').$type<string[]>().notNull(),
    effectiveFrom: text('effective_from'),
    expiresOn: text('expires_on'),
    reviewBy: text('review_by'),
    authorId: integer('author_id').references(() => users.id),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    reviewerId: integer('reviewer_id').references(() => users.id),
    reviewedAt: ms('reviewed_at'),
    reviewNote: text('review_note'),
    publishedAt: ms('published_at'),
    /** The version's search words (jieba, weighted: title and keywords ×3), written when it is published: no segmenting at start. */
    searchWords: jsonb('search_words').$type<KbSearchWords>(),
  },
  (t) => [uniqueIndex('kb_article_versions_no_uq').on(t.articleId, t.versionNo), index('kb_article_versions_state_idx').on(t.state, t.id)],
);

/** Every change of an article, append-only, written in the change's transaction. */
export const kbAudit = pgTable(
  'kb_audit',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    at: ms('at').notNull(),
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
export const kbAnswers = pgTable(
  'kb_answers',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
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
    at: ms('at').notNull(),
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
export const kbAttachments = pgTable(
  'kb_attachments',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
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
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    uploadedBy: integer('uploaded_by').references(() => users.id),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('kb_attachments_version_idx').on(t.versionId, t.id), index('kb_attachments_stored_idx').on(t.storedName)],
);

/** Searches that found nothing: what the knowledge base is missing (a weekly list for the centre). */
export const kbMissedSearches = pgTable(
  'kb_missed_searches',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    at: ms('at').notNull(),
    query: text('query').notNull(),
    hotline: text('hotline'),
    actorId: integer('actor_id').references(() => users.id),
  },
  (t) => [index('kb_missed_searches_at_idx').on(t.at)],
);

/**
 * Call recordings (issue 13, src/recordings/): written when Asterisk starts recording (state
 * `recording`, the spool file named), completed when the file is in Sunline's storage (`stored`:
 * size, sha256, duration, storage key), `purged` after the retention period (the row stays).
 */
export const recordings = pgTable(
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
    startedAt: ms('started_at').notNull(),
    storedAt: ms('stored_at'),
    durationMs: ms('duration_ms'),
    sizeBytes: ms('size_bytes'),
    sha256: text('sha256'),
    storageKey: text('storage_key'),
    purgedAt: ms('purged_at'),
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
export const recordingAudit = pgTable(
  'recording_audit',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    at: ms('at').notNull(),
    /** null: the system (the retention purge). */
    actorId: integer('actor_id').references(() => users.id),
    action: text('action', { enum: RECORDING_AUDIT_ACTIONS }).notNull(),
    recordingId: text('recording_id')
      .notNull()
      .references(() => recordings.id),
    /** The Range header asked for (e.g. `bytes=0-`), or null for the whole file. */
    range: text('range'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('recording_audit_recording_idx').on(t.recordingId, t.id), index('recording_audit_at_idx').on(t.at)],
);

/**
 * The QA worklist (质检抽检, src/qa/sampling.ts): the calls drawn for scoring, one row per call,
 * written once and kept (a call leaves the list when it has a score, not when a row goes).
 */
export const qaSamples = pgTable(
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
    sampledAt: ms('sampled_at').notNull(),
  },
  (t) => [index('qa_samples_day_idx').on(t.day, t.agentId)],
);

/**
 * The Beijing days whose random QA sample has been drawn (src/qa/qa-service.ts): a day is drawn
 * once, also when none of its picks was added (every pick already on the worklist as 不满意).
 * Written in the draw's transaction with its samples; a day without an answered call is not.
 */
export const qaDrawnDays = pgTable('qa_drawn_days', {
  /** YYYY-MM-DD. */
  day: text('day').primaryKey(),
  drawnAt: ms('drawn_at').notNull(),
});

/**
 * QA scores (质检评分), append-only: editing a call's score adds its next revision; the highest
 * revision is the call's score. `points` holds each item's points by item id, `formVersion` the
 * digest of config/qa.yaml's items it was given with (src/qa/qa-config.ts).
 */
export const qaScores = pgTable(
  'qa_scores',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
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
    points: jsonb('points').$type<Record<string, number>>().notNull(),
    /** The red-line items committed (any: the total is 0). */
    fatalErrors: jsonb('fatal_errors').$type<string[]>().notNull(),
    fatal: boolean('fatal').notNull(),
    total: integer('total').notNull(),
    comment: text('comment').notNull(),
    formVersion: text('form_version').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('qa_scores_call_revision_uq').on(t.callId, t.revision), index('qa_scores_agent_idx').on(t.agentId, t.createdAt)],
);

/**
 * Listen / whisper / barge by shift leads (issue 13 item 3, src/supervision): who supervised
 * which call, when, in which mode, and why it ended (PIPL): append-only.
 */
export const supervisionAudit = pgTable(
  'supervision_audit',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    at: ms('at').notNull(),
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

/** schema.ts callbackAssignments: who should make a callback; append-only, the newest row of an order is its assignment. */
export const callbackAssignments = pgTable(
  'callback_assignments',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    orderId: integer('order_id')
      .notNull()
      .references(() => workOrders.id),
    agentId: integer('agent_id').references(() => users.id),
    byId: integer('by_id')
      .notNull()
      .references(() => users.id),
    at: ms('at').notNull(),
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
export const topicOrders = pgTable(
  'topic_orders',
  {
    /** One row per order seen (drafts and confidential orders too, with counted false), at the version read. */
    orderId: integer('order_id').primaryKey(),
    version: integer('version').notNull(),
    updatedAt: ms('updated_at').notNull(),
    day: text('day').notNull(),
    unitId: text('unit_id').notNull(),
    category: text('category').notNull(),
    /** In the hot topics: not a draft, not confidential, some text. */
    counted: boolean('counted').notNull(),
    /** Its topic words and place words, '\n'-separated (what it added to the rollups). */
    words: text('words').notNull(),
    places: text('places').notNull(),
  },
  (t) => [index('topic_orders_day_idx').on(t.day, t.counted, t.unitId, t.category), index('topic_orders_updated_idx').on(t.updatedAt)],
);

/** Counted orders per Beijing day, lead unit, category and topic word. */
export const topicWordDays = pgTable(
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
export const topicPlaceDays = pgTable(
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
export const topicOrderWords = pgTable(
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
export const reportCallDays = pgTable(
  'report_call_days',
  {
    day: ms('day').notNull(),
    hotline: text('hotline').notNull(),
    agentId: integer('agent_id'),
    dialledNumber: text('dialled_number').notNull(),
    callsIn: integer('calls_in').notNull(),
    requested: integer('requested').notNull(),
    answered: integer('answered').notNull(),
    answeredWithin15s: integer('answered_within_15s').notNull(),
    abandonedInQueue: integer('abandoned_in_queue').notNull(),
    abandonedAtFrontDoor: integer('abandoned_at_front_door').notNull(),
    waitSumMs: ms('wait_sum_ms').notNull(),
    talked: integer('talked').notNull(),
    talkSumMs: ms('talk_sum_ms').notNull(),
    wrapUpSumMs: ms('wrap_up_sum_ms').notNull(),
    repeatCalls: integer('repeat_calls').notNull(),
    /** 0: a day's row; 1: a calendar month's sum (`day`: its first day), built once all its days are built and clean. */
    month: integer('month').notNull().default(0),
  },
  (t) => [index('report_call_days_day_idx').on(t.day)],
);

/** Order events per day by attributed unit (order-kpis.ts EVENT_METRICS), the order's category and channel. */
export const reportOrderDays = pgTable(
  'report_order_days',
  {
    day: ms('day').notNull(),
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
    callbackWaitSumMs: ms('callback_wait_sum_ms').notNull(),
    /** 0: a day's row; 1: a calendar month's sum (`day`: its first day), built once all its days are built and clean. */
    month: integer('month').notNull().default(0),
  },
  (t) => [index('report_order_days_day_idx').on(t.day)],
);

/** An order counted by a distinct figure on `day` that had the same figure's event on `prev_day` before (the latest such): what a sum over days subtracts. */
export const reportOrderRepeats = pgTable(
  'report_order_repeats',
  {
    day: ms('day').notNull(),
    field: text('field').notNull(),
    orderId: integer('order_id').notNull(),
    prevDay: ms('prev_day').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.field, t.orderId] })],
);

/** Co-handling (协办) counts per day and co-handling unit (co-handling.ts). */
export const reportCoDays = pgTable(
  'report_co_days',
  {
    day: ms('day').notNull(),
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
export const reportRollupDays = pgTable(
  'report_rollup_days',
  {
    source: text('source').notNull(),
    day: ms('day').notNull(),
    builtAt: ms('built_at').notNull(),
    /** The `seq` of the dirty mark its last build cleared (0: none yet; built_at 0: claimed, not built yet). */
    seq: integer('seq').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.source, t.day] })],
);

/** Built days whose rows changed since (written by the triggers of migration 0030): read raw until rebuilt. */
export const reportRollupDirty = pgTable(
  'report_rollup_dirty',
  {
    source: text('source').notNull(),
    day: ms('day').notNull(),
    /**
     * Raised by every change that marks the day again (migration 0034), always above the day's
     * report_rollup_days.seq: a build deletes the mark only if it is still the one it read (report-rollups.ts).
     */
    seq: integer('seq').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.source, t.day] })],
);
