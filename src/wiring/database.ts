/**
 * The server's database (issue 16 item 1, decisions 0011 and 0017): SQLite, the default (a file,
 * `SUNLINE_DB_FILE`), or PostgreSQL. One owner of the connection, and one adapter of each port on
 * it — every repository that has moved to the asynchronous port gets its store from here, so that
 * the server picks the dialect in one place. SQLite also hands out its handle for what still reads
 * it synchronously (the rollups' worker thread takes the file's settings from it).
 */
import type { Logger } from '../logging/logger.js';
import type { DbHandle } from '../db/connection.js';
import { openDb, type OpenDbOptions } from '../db/connection.js';
import { openPostgres } from '../db/postgres.js';
import { openCommitSignal } from '../db/postgres-commit-signal.js';
import { postgresAsync, type PostgresAsyncDb } from '../db/postgres-async.js';
import { sqliteAsync, type SqliteAsyncDb } from '../db/sqlite-async.js';
import { sqliteUsersStore } from '../users/users-store-sqlite.js';
import { pgUsersStore, USERS_CHANGED_CHANNEL } from '../users/users-store-pg.js';
import { sqliteConfigHistoryStore } from '../config/history/config-history-store-sqlite.js';
import { pgConfigHistoryStore } from '../config/history/config-history-store-pg.js';
import { sqliteOrdersStore } from '../workorders/orders-store-sqlite.js';
import { pgOrdersStore } from '../workorders/orders-store-pg.js';
import { sharedFlushIfAvailable, type SharedFlush } from '../workorders/commit-flush-pg.js';
import { sqliteOrderReadsStore } from '../workorders/order-reads-store-sqlite.js';
import { pgOrderReadsStore } from '../workorders/order-reads-store-pg.js';
import { sqliteDeskReadsStore } from '../workorders/desk/desk-reads-store-sqlite.js';
import { pgDeskReadsStore } from '../workorders/desk/desk-reads-store-pg.js';
import { sqliteSavedFiltersStore } from '../workorders/desk/saved-filters-store-sqlite.js';
import { pgSavedFiltersStore } from '../workorders/desk/saved-filters-store-pg.js';
import { sqliteWarningsStore } from '../workorders/deadlines/warnings-store-sqlite.js';
import { pgWarningsStore } from '../workorders/deadlines/warnings-store-pg.js';
import { sqliteCallbacksStore } from '../calls/callbacks-store-sqlite.js';
import { pgCallbacksStore } from '../calls/callbacks-store-pg.js';
import { sqliteCallerHistoryStore } from '../calls/caller-history-store-sqlite.js';
import { pgCallerHistoryStore } from '../calls/caller-history-store-pg.js';
import { sqliteAgentSessionsStore } from '../agents/agent-sessions-store-sqlite.js';
import { pgAgentSessionsStore } from '../agents/agent-sessions-store-pg.js';
import { sqliteSkillsStore } from '../agents/skills-store-sqlite.js';
import { pgSkillsStore } from '../agents/skills-store-pg.js';
import { sqliteQaStore } from '../qa/qa-store-sqlite.js';
import { pgQaStore } from '../qa/qa-store-pg.js';
import { sqliteRecordingsStore } from '../recordings/recordings-store-sqlite.js';
import { pgRecordingsStore } from '../recordings/recordings-store-pg.js';
import { sqliteSupervisionAuditStore } from '../supervision/audit-store-sqlite.js';
import { pgSupervisionAuditStore } from '../supervision/audit-store-pg.js';
import { sqliteBridgeNoncesStore } from '../http/bridge-nonces-store-sqlite.js';
import { pgBridgeNoncesStore } from '../http/bridge-nonces-store-pg.js';
import { sqliteKbStore } from '../kb/kb-store-sqlite.js';
import { pgKbStore } from '../kb/kb-store-pg.js';
import { sqliteTopicIndexStore } from '../reports/topic-index-store-sqlite.js';
import { pgTopicIndexStore } from '../reports/topic-index-store-pg.js';
import { sqliteReportReader, type ReportReader } from '../reports/report-read.js';
import { pgReportReader } from '../reports/report-read-pg.js';
import { pgRollupRunner, sqliteRollupRunner } from '../reports/rollup-runners.js';
import type { RollupRunner } from '../reports/rollup-builder.js';
import { PROBE_COMMIT } from '../reports/metrics.js';

/** One adapter of each port, all on the server's one database. */
export interface ServerStores {
  readonly users: ReturnType<typeof sqliteUsersStore>;
  readonly configHistory: ReturnType<typeof sqliteConfigHistoryStore>;
  readonly orders: ReturnType<typeof sqliteOrdersStore>;
  readonly orderReads: ReturnType<typeof sqliteOrderReadsStore>;
  readonly deskReads: ReturnType<typeof sqliteDeskReadsStore>;
  readonly savedFilters: ReturnType<typeof sqliteSavedFiltersStore>;
  readonly warnings: ReturnType<typeof sqliteWarningsStore>;
  readonly callbacks: ReturnType<typeof sqliteCallbacksStore>;
  readonly callerHistory: ReturnType<typeof sqliteCallerHistoryStore>;
  readonly agentSessions: ReturnType<typeof sqliteAgentSessionsStore>;
  readonly skills: ReturnType<typeof sqliteSkillsStore>;
  readonly qa: ReturnType<typeof sqliteQaStore>;
  readonly recordings: ReturnType<typeof sqliteRecordingsStore>;
  readonly supervisionAudit: ReturnType<typeof sqliteSupervisionAuditStore>;
  readonly bridgeNonces: ReturnType<typeof sqliteBridgeNoncesStore>;
  readonly kb: ReturnType<typeof sqliteKbStore>;
  readonly topicIndex: ReturnType<typeof sqliteTopicIndexStore>;
  /** The reports' reads (one snapshot per report). */
  readonly reports: ReportReader;
  /** The rollups' builds on the port (PostgreSQL's job; on SQLite the job builds in a worker thread on the file). */
  readonly rollups: RollupRunner;
}

export interface ServerDatabase {
  readonly dialect: 'sqlite' | 'postgres';
  /** Where it is, for logs: the file, or the URL without its password. */
  readonly where: string;
  readonly stores: ServerStores;
  /** The SQLite handle (null on PostgreSQL): what still reads SQLite synchronously, the rollups' worker. */
  readonly sqlite: DbHandle | null;
  /** The last known health (PostgreSQL: probed every HEALTH_PROBE_MS and after a pool error). */
  health(): { ok: boolean; error?: string };
  /** Resolves once every change committed before the call survives power loss (decisions 0005/0006). */
  durable(): Promise<void>;
  /** Commits one row in one transaction (/metrics' commit probe: the database takes writes). */
  probeCommit(): Promise<unknown>;
  /** SQLite: the COMMITs of transaction batches so far and the transactions in them (decision 0021); null on PostgreSQL. */
  batches(): { commits: number; committed: number } | null;
  close(): Promise<void>;
}

/** How often the PostgreSQL pool is probed for GET /health (whose checks are synchronous). */
export const HEALTH_PROBE_MS = 5_000;

export function sqliteStores(port: SqliteAsyncDb): ServerStores {
  return {
    users: sqliteUsersStore(port),
    configHistory: sqliteConfigHistoryStore(port),
    orders: sqliteOrdersStore(port),
    orderReads: sqliteOrderReadsStore(port),
    deskReads: sqliteDeskReadsStore(port),
    savedFilters: sqliteSavedFiltersStore(port),
    warnings: sqliteWarningsStore(port),
    callbacks: sqliteCallbacksStore(port),
    callerHistory: sqliteCallerHistoryStore(port),
    agentSessions: sqliteAgentSessionsStore(port),
    skills: sqliteSkillsStore(port),
    qa: sqliteQaStore(port),
    recordings: sqliteRecordingsStore(port),
    supervisionAudit: sqliteSupervisionAuditStore(port),
    bridgeNonces: sqliteBridgeNoncesStore(port),
    kb: sqliteKbStore(port),
    topicIndex: sqliteTopicIndexStore(port),
    reports: sqliteReportReader(port),
    rollups: sqliteRollupRunner(port),
  };
}

/**
 * `usersChanged`: moves when another process commits to sessions or accounts (LISTEN/NOTIFY);
 * `ordersFlush`: the orders' shared flush as start-up found it (null: none, each commit durable on its own).
 */
export function pgStores(port: PostgresAsyncDb, usersChanged: () => number, ordersFlush: SharedFlush | null): ServerStores {
  return {
    users: pgUsersStore(port, usersChanged),
    configHistory: pgConfigHistoryStore(port),
    orders: pgOrdersStore(port, ordersFlush),
    orderReads: pgOrderReadsStore(port),
    deskReads: pgDeskReadsStore(port),
    savedFilters: pgSavedFiltersStore(port),
    warnings: pgWarningsStore(port),
    callbacks: pgCallbacksStore(port),
    callerHistory: pgCallerHistoryStore(port),
    agentSessions: pgAgentSessionsStore(port),
    skills: pgSkillsStore(port),
    qa: pgQaStore(port),
    recordings: pgRecordingsStore(port),
    supervisionAudit: pgSupervisionAuditStore(port),
    bridgeNonces: pgBridgeNoncesStore(port),
    kb: pgKbStore(port),
    topicIndex: pgTopicIndexStore(port),
    reports: pgReportReader(port),
    rollups: pgRollupRunner(port),
  };
}

/** The SQLite file (migrated by openDb) and its port. */
export function openSqliteDatabase(opts: OpenDbOptions): ServerDatabase {
  const handle = openDb(opts);
  const port = sqliteAsync(handle);
  return {
    dialect: 'sqlite',
    where: opts.file,
    stores: sqliteStores(port),
    sqlite: handle,
    health: () => handle.health(),
    durable: () => handle.durability.durable(),
    probeCommit: () => port.transaction((tx) => tx.run((d) => d.run(PROBE_COMMIT))),
    batches: () => port.batches,
    async close() {
      await port.close();
      handle.close();
    },
  };
}

/** A PostgreSQL pool (migrations-pg/ applied under the migration lock by openPostgres) and its port. */
export async function openPostgresDatabase(opts: {
  url: string;
  poolSize?: number;
  onPoolError?: (err: Error) => void;
  /**
   * The server's log: a lost connection (unless `onPoolError`), and once at start when the orders'
   * commits fall back to one WAL flush each (this role may not call pg_logical_emit_message).
   */
  log?: Pick<Logger, 'warn'>;
}): Promise<ServerDatabase> {
  const onPoolError = opts.onPoolError ?? (opts.log ? (err: Error) => opts.log!.warn({ err }, 'database connection lost') : undefined);
  let last: { ok: boolean; error?: string } = { ok: true };
  // A pool error (a connection lost) asks for a probe at once; the probe needs the handle.
  let probe = async (): Promise<void> => undefined;
  const handle = await openPostgres({
    url: opts.url,
    ...(opts.poolSize ? { max: opts.poolSize } : {}),
    onError: (err) => {
      onPoolError?.(err);
      void probe();
    },
  });
  probe = async () => {
    last = await handle.health();
  };
  const port = postgresAsync(handle);
  const ordersFlush = await sharedFlushIfAvailable(port).catch(async (err: unknown) => {
    await handle.close();
    throw err;
  });
  if (!ordersFlush)
    opts.log?.warn(
      'this database role may not call pg_logical_emit_message: each work-order commit waits for its own WAL flush, holding the order-number counter meanwhile (decision 0019); GRANT EXECUTE on it to restore the shared flush',
    );
  // Its own connection outside the pool, for LISTEN: the session cache's data_version.
  const usersChanged = await openCommitSignal({ url: opts.url, channel: USERS_CHANGED_CHANNEL, ...(onPoolError ? { onError: onPoolError } : {}) });
  const timer = setInterval(() => void probe(), HEALTH_PROBE_MS);
  timer.unref();
  return {
    dialect: 'postgres',
    where: handle.url,
    stores: pgStores(port, () => usersChanged.count(), ordersFlush),
    sqlite: null,
    health: () => last,
    durable: () => port.durable(),
    probeCommit: () => port.transaction((tx) => tx.execute(PROBE_COMMIT)),
    batches: () => null,
    async close() {
      clearInterval(timer);
      last = { ok: false, error: 'closed' };
      await usersChanged.close();
      await handle.close();
    },
  };
}
