/**
 * buildApp: wires infrastructure (database, configuration, telephony), then domain services,
 * then HTTP. Used by server.ts and by the tests; it has no side effects beyond what it returns,
 * and `close()` releases everything it opened, in reverse order.
 */
import type { Env } from './config/env.js';
import type { DbHandle } from './db/connection.js';
import { openPostgresDatabase, openSqliteDatabase, type ServerDatabase } from './wiring/database.js';
import { createLogger, type Logger } from './logging/logger.js';
import { UsersService, purgeSessionsEvery } from './users/index.js';
import { ensureInitialAdmin } from './users/initial-admin.js';
import { ConfigStore, PromptCheck } from './config/files/index.js';
import { ConfigAdmin, ConfigHistory } from './config/history/index.js';
import { closeHttp } from './http/close-http.js';
import { adminConfigRoutes } from './http/routes/admin-config-routes.js';
import { adminPromptsRoutes } from './http/routes/admin-prompts-routes.js';
import { PromptLibrary } from './prompts/index.js';
import { DomainEvents } from './events/domain-events.js';
import { buildCallPath, simulateWithFacts } from './calls/index.js';
import { AriClient } from './telephony/ari/index.js';
import { AmiGateway } from './telephony/ami/index.js';
import { cutTelephony } from './calls/fencing.js';
import { callsRoutes } from './http/routes/calls-routes.js';
import { callersRoutes } from './http/routes/callers-routes.js';
import { callbacksRoutes } from './http/routes/callbacks-routes.js';
import { QueueStatsService } from './calls/queue-stats.js';
import { queueStatsRoutes } from './http/routes/queue-stats-routes.js';
import { deadlineWarningsRoutes } from './http/routes/deadline-warnings-routes.js';
import { attachRealtime } from './realtime/index.js';
import { connectCluster } from './realtime/cluster.js';
import { callControlHealth } from './cluster/call-control-health.js';
import { startMedia } from './media/index.js';
import { staticWeb } from './http/static-web.js';
import { DeadlineScheduler, deadlineConfigFrom } from './workorders/deadlines/scheduler.js';
import { findUnit, unitScope } from './workorders/dispatch/index.js';
import { installCsrfDefence } from './http/csrf.js';
import { adminUsersRoutes } from './http/routes/admin-users-routes.js';
import { pauseReasonsRoutes } from './http/routes/pause-reasons-routes.js';
import { withConfiguredPauseReasons } from './agents/pause-reasons.js';
import { agentSkillsRoutes } from './http/routes/agent-skills-routes.js';
import { leadLocksRoutes } from './http/routes/lead-locks-routes.js';
import { AgentSkillsService } from './agents/skills.js';
import { installAuth } from './http/auth.js';
import { authRoutes } from './http/routes/auth-routes.js';
import { healthRoutes, type HealthChecks } from './http/routes/health-routes.js';
import { WorkOrdersService } from './workorders/index.js';
import { IntakeService } from './workorders/intake.js';
import { workOrdersRoutes } from './http/routes/workorders-routes.js';
import { intakeRoutes } from './http/routes/intake-routes.js';
import { BridgeNonces } from './http/bridge-nonces.js';
import { attachmentsRoutes } from './http/routes/attachments-routes.js';
import { dueStatesRoutes } from './http/routes/due-states-routes.js';
import { AttachmentsService } from './workorders/attachments.js';
import { orderClocksFrom } from './workorders/order-clocks.js';
import { AutoSupervision } from './workorders/auto-supervision.js';
import { deskRoutes } from './http/routes/desk-routes.js';
import { TimedJobs } from './cluster/timed-jobs.js';
import { shareSessionRevocations } from './realtime/cluster-sessions.js';
import { Metrics } from './reports/metrics.js';
import { WallboardFigures } from './reports/wallboard-figures.js';
import { metricsRoutes } from './http/routes/metrics-routes.js';
import { DeskService, SavedFilters } from './workorders/desk/index.js';
import { startRecordings } from './recordings/index.js';
import { recordingsRoutes } from './http/routes/recordings-routes.js';
import { SupervisionAuditLog, startSupervision } from './supervision/index.js';
import { supervisionRoutes } from './http/routes/supervision-routes.js';
import { drawQaSamplesEvery, startQa } from './qa/index.js';
import { qaRoutes } from './http/routes/qa-routes.js';
import { createHttpServer } from './wiring/http-server.js';
import { wireReports } from './wiring/reports.js';
import { wireKnowledgeBase } from './wiring/knowledge-base.js';

import type { AppOverrides, Sunline } from './sunline.js';

export type { AppOverrides, Sunline } from './sunline.js';

export async function buildApp(env: Env, overrides: AppOverrides = {}): Promise<Sunline> {
  const log = overrides.logger ?? createLogger({ level: env.logLevel, format: env.logFormat });
  const closers: Array<() => Promise<void> | void> = [];
  let shuttingDown = false;

  try {
    // The server's database (wiring/database.ts): PostgreSQL with SUNLINE_DATABASE_URL, else the
    // SQLite file. Every repository reads and writes through its stores (decision 0017).
    const database: ServerDatabase = env.databaseUrl
      ? await openPostgresDatabase({ url: env.databaseUrl, poolSize: env.dbPoolSize, log })
      : openSqliteDatabase({ file: env.dbFile, synchronous: env.dbSync, cacheSize: -env.dbCacheMb * 1024, immediateTransactions: true });
    closers.push(() => database.close());
    const stores = database.stores;
    log.info(database.dialect === 'sqlite' ? { file: database.where } : { url: database.where }, 'database ready');

    // A bad configuration at start-up stops the process (ConfigInvalidError with every problem).
    // Every set that runs is recorded (config history, issue 11 item 4); its id is the version.
    // The live figures' reads (queue statistics, wallboard, /metrics) on the port, either dialect.
    const figureReads = stores.reports;
    const configHistory = new ConfigHistory(stores.configHistory);
    const config = await ConfigStore.open({ dir: env.configDir, watch: env.configWatch, log: log.child({ component: 'config' }), history: configHistory });
    closers.push(() => config.close());

    const users = new UsersService(stores.users, env.sessionTtlHours * 3600_000);
    // The actor of automatic changes, known before the synchronous work-order code needs it.
    const systemUser = await users.systemUser();
    // The timed jobs run on one node of several (cluster/timed-jobs.ts); alone, on this one. Started once all are added.
    const jobs = new TimedJobs({ log: log.child({ component: 'timed-jobs' }), ...(env.redisUrl ? { redisUrl: env.redisUrl } : {}), lease: env.lease });
    closers.push(() => jobs.close());
    let stopPurge: () => void = () => undefined;
    jobs.add({ name: 'session-purge', start: () => (stopPurge = purgeSessionsEvery(users, log)), stop: () => stopPurge() });
    if (env.initialAdmin) await ensureInitialAdmin(users, env.initialAdmin, log.child({ component: 'users' }));

    const checks: HealthChecks = { database: () => database.health() };
    // With the call-control lease: which role this app runs in (leader: with telephony; standby: without).
    if (overrides.callControl) checks['callControl'] = callControlHealth(overrides.callControl);
    // With several nodes: whether this one runs the timed jobs ('running') or another does ('standby').
    if (env.redisUrl) checks['timedJobs'] = () => ({ ok: true, state: jobs.state });
    // Several nodes (SUNLINE_REDIS_URL): socket.io rooms shared through Redis, which must answer now (realtime/cluster.ts).
    // Closed after realtime (closers run backwards): socket.io's adapters unsubscribe first.
    const cluster = env.redisUrl ? await connectCluster(env.redisUrl, log.child({ component: 'cluster' })) : null;
    if (cluster) {
      closers.push(() => cluster.close());
      checks['redis'] = () => cluster.health();
      // A logout or an account change on any node ends the session in every node's cache at once.
      closers.push(await shareSessionRevocations(cluster, users, log.child({ component: 'cluster' })));
    }
    // Each prompt the configuration names, looked for in Asterisk's sounds folder at start and after each change.
    const prompts = new PromptCheck(config, { soundsDir: env.soundsDir, displayDir: env.configDir, log: log.child({ component: 'config' }) });
    await prompts.start();
    closers.push(() => prompts.stop());
    checks['config'] = () => ({ ok: true, version: config.status().version, warnings: [...prompts.status().missing], prompts: prompts.status() });

    const events = new DomainEvents();
    // sla.yaml and calendar.yaml as they are now (the calendar rebuilt only when it changed).
    const deadlineConfig = deadlineConfigFrom(() => config.current());
    // Waiting clocks start with each status change; an unsatisfied order is supervised at once.
    const clocks = orderClocksFrom(deadlineConfig, () => systemUser);
    // The one owner of work_orders: every change (the call path's included) is published after its commit.
    const orders = new WorkOrdersService(stores.orders, Date.now, {
      onApplied: (c) =>
        events.emit('workorder.applied', {
          orderId: c.orderId,
          callId: c.callId,
          action: c.action,
          actorId: c.actor?.id ?? null,
          actorRole: c.actor?.role ?? null,
          status: c.status,
          unitIds: c.unitIds,
        }),
      // Dispatches go to units of org.yaml as it is now (a reload adds or removes units).
      unitExists: (unitId) => findUnit(config.current().org, unitId) !== undefined,
      clocks,
    });
    const clockless = await orders.startMissingClocks();
    if (clockless > 0) log.info({ count: clockless }, 'waiting clocks started for orders that had none');
    // The telephony connections (none with SUNLINE_TELEPHONY=false): each client owns its
    // connection, reconnects forever and reports its health; closed last (closers run backwards).
    const telephony = env.telephony ? { ari: new AriClient({ ...env.ari, logger: log }), ami: new AmiGateway({ ...env.ami, logger: log }) } : null;
    if (telephony) closers.push(async () => void (await Promise.all([telephony.ari.close(), telephony.ami.close()])));
    // Browser audio (mediasoup); null without a worker.
    const media = await startMedia({ env, log, ari: () => telephony?.ari ?? null });
    if (media) checks['media'] = () => ({ ...media.health() });
    const agentSessions = stores.agentSessions;
    // Agents' skills on the asynchronous port (decision 0017), read at each offer.
    const skills = new AgentSkillsService(stores.skills);
    const calls = await buildCallPath({
      env,
      agentSessions,
      orders,
      config,
      systemUser,
      events,
      log,
      telephony,
      skills,
      ...(media ? { media: media.calls } : {}),
    });
    closers.push(() => calls.close());
    // After calls in the list, so it closes first: its externalMedia hang-ups still have ARI.
    if (media) closers.push(() => media.close());
    // Quality inspection (质检): qa.yaml as it is at each request; QA inspectors hear the recordings of the calls they score.
    const qa = startQa({ store: stores.qa, config: () => config.current().qa });
    // Each finished Beijing day is drawn hourly, also when nobody opens the worklist (idempotent with the worklist's own draw).
    closers.push(drawQaSamplesEvery(qa, log.child({ component: 'qa' })));
    // Call recordings: MixMonitor on answered calls, their files moved into storage, a daily purge.
    const recordings = startRecordings({
      env,
      store: stores.recordings,
      events,
      // After the call path's writes queued before the answer (calls/call-writes.ts): the recording row takes the call's agent.
      settled: () => calls.writesFlushed(),
      config: () => config.current(),
      log,
      telephony,
      unitsInSubtree: (unitId) => unitScope(config.current().org, unitId),
      qaMayHear: (callId) => qa.mayHear(callId),
    });
    closers.push(() => recordings.close());
    // Listen / whisper / barge through the lead's browser audio; closed before media (closers run backwards).
    const supervisionAudit = new SupervisionAuditLog(stores.supervisionAudit);
    const supervision =
      media && telephony && env.media
        ? startSupervision({
            audit: supervisionAudit,
            media,
            mediaEnv: env.media,
            ari: telephony.ari,
            events,
            notifyAgent: () => config.current().recording.supervision.notifyAgent,
            log,
          })
        : null;
    if (supervision) closers.push(() => supervision.close());
    // Connected once the call path listens: its first signals are the connections coming up.
    if (telephony) overrides.onTelephonyStart?.(() => cutTelephony(calls, log));
    telephony?.ari.start();
    telephony?.ami.start();
    // Today's statistics for shift leads; republished (throttled) as calls change.
    const queueStats = new QueueStatsService({
      reads: figureReads,
      // After the call path's writes queued before (calls/call-writes.ts): the figures include the change.
      settled: () => calls.writesFlushed(),
      events,
      log,
      hotlineName: (n) => config.current().numbers.numbers.find((h) => h.number === n)?.name,
    });
    closers.push(() => queueStats.close());
    await queueStats.fresh();
    // Deadline warnings (限时办结): survive restarts, each raised once.
    // With sla.yaml's autoSupervision on, long-overdue orders are then put under supervision.
    const escalation = new AutoSupervision({ orders, systemActor: () => clocks.systemActor(), log: log.child({ component: 'auto-supervision' }) });
    const warnings = stores.warnings;
    const deadlines = new DeadlineScheduler({ store: warnings, config: deadlineConfig, events, log, escalation });
    jobs.add({ name: 'deadlines', start: () => deadlines.start(), stop: () => deadlines.stop() });
    Object.assign(checks, calls.checks);

    // Fastify with the house's hooks: access log, compiled replies, error shape, durable replies, security headers, the API docs.
    const http = await createHttpServer({ env, log, durable: () => database.durable() });
    closers.push(() => closeHttp(http));
    installAuth(http, users);
    // After the session is read: the header rule looks at the cookie (docs/decisions/0010-csrf-defence.md).
    installCsrfDefence(http);
    await http.register(healthRoutes, { checks, isShuttingDown: () => shuttingDown, ...(overrides.callControl ? { callControl: overrides.callControl } : {}) });
    // Operations metrics for Prometheus (GET /metrics; SUNLINE_METRICS_TOKEN or loopback only).
    const metrics = new Metrics({
      reads: figureReads,
      probeCommit: () => database.probeCommit(),
      events,
      checks: () => checks,
      durable: () => database.durable(),
      agentSessionWrites: () => calls.agentSessionWrites(),
      callWrites: () => calls.callWrites(),
    });
    closers.push(() => metrics.close());
    await http.register(metricsRoutes, { metrics, token: env.metricsToken });
    await http.register(authRoutes, { users, cookieSecure: env.cookieSecure });
    await http.register(adminConfigRoutes, {
      config,
      admin: new ConfigAdmin(config, configHistory),
      users,
      simulate: (cfg, q) => simulateWithFacts({ orders: orders.store, sessions: agentSessions, skills }, cfg, q),
    });
    await http.register(adminPromptsRoutes, { config, library: new PromptLibrary({ soundsDir: env.soundsDir }), users, check: prompts });
    await http.register(adminUsersRoutes, { users, unit: (unitId) => findUnit(config.current().org, unitId) });
    await http.register(agentSkillsRoutes, { skills, users, events, agents: calls.center?.ctx.agents ?? null });
    await http.register(leadLocksRoutes, { users });
    await http.register(callsRoutes, { commands: calls.commands });
    await http.register(pauseReasonsRoutes, { reasons: () => config.current().agents.pauseReasons });
    await http.register(callersRoutes, { history: stores.callerHistory, config: () => config.current() });
    await http.register(callbacksRoutes, { store: stores.callbacks, config: () => config.current(), policy: env.callback, events });
    await http.register(queueStatsRoutes, { stats: queueStats });
    await http.register(deadlineWarningsRoutes, { warnings });
    // County sub-platform staff see their county's subtree (org.yaml, read at each request).
    await http.register(workOrdersRoutes, {
      orderReads: stores.orderReads,
      orders,
      unitsInSubtree: (unitId) => unitScope(config.current().org, unitId),
    });
    const attachments = new AttachmentsService({
      orderReads: stores.orderReads,
      orders,
      dir: env.attachments.dir,
      maxBytes: env.attachments.maxBytes,
    });
    // Files a crash left without their row (written before the row, see attachments.ts).
    const orphans = await attachments.sweepOrphans();
    if (orphans.length > 0) log.info({ count: orphans.length }, 'orphan attachment files removed');
    await http.register(attachmentsRoutes, { attachments, unitsInSubtree: (unitId) => unitScope(config.current().org, unitId) });
    await http.register(dueStatesRoutes, {
      orderReads: stores.orderReads,
      deadlines: deadlineConfigFrom(() => config.current()),
      unitsInSubtree: (unitId) => unitScope(config.current().org, unitId),
    });
    // The order desk (派单/审核 工作台): queues, search, repeats within the dispatcher's scope.
    const deskClocks = deadlineConfigFrom(() => config.current());
    const desk = new DeskService({
      orderReads: stores.orderReads,
      deskReads: stores.deskReads,
      org: () => config.current().org,
      clocks: () => ({ calendar: deskClocks().calendar, sla: config.current().sla }),
      unitsInSubtree: (unitId) => unitScope(config.current().org, unitId),
    });
    await http.register(deskRoutes, { desk, savedFilters: new SavedFilters(stores.savedFilters) });
    await http.register(recordingsRoutes, { playback: recordings.playback });
    await http.register(supervisionRoutes, { audit: supervisionAudit });
    await http.register(qaRoutes, { qa });
    // KPI reports, assessment, callback figures, hot topics and the monthly workbook (their jobs added to `jobs`).
    await wireReports(http, {
      env,
      db: database.sqlite?.db ?? null,
      reads: stores.reports,
      rollups: stores.rollups,
      topicIndex: stores.topicIndex,
      config,
      jobs,
      log,
    });
    jobs.start();
    // The knowledge base (知识库) and its files.
    await wireKnowledgeBase(http, { kbStore: stores.kb, orderReads: stores.orderReads, config, qa, attachments, log });
    // Signed channel bridges' nonces in the database: a replay is refused after a restart and on every node.
    await http.register(intakeRoutes, {
      intake: new IntakeService({ orderReads: stores.orderReads, orders, systemActor: () => systemUser }),
      bridges: env.bridges,
      nonces: new BridgeNonces(stores.bridgeNonces),
    });
    // The browser app (npm run build:web); /api, /docs, /health and /socket.io keep their own 404s.
    await http.register(staticWeb);
    await http.ready();
    // Closers run in reverse: realtime closes its sockets before Fastify waits for them.
    if (overrides.realtime !== false) {
      // The wall screens' figures: the database parts read in the background, the first ones now.
      const wallboard = new WallboardFigures({
        reads: figureReads,
        queue: () => calls.commands.queueSnapshot(),
        stats: () => queueStats.current(),
        onError: (err) => log.error({ err }, 'wallboard figures could not be read'),
      });
      await wallboard.refresh();
      const realtime = attachRealtime({
        http: http.server,
        users,
        // A pause reason must be one of config/agents.yaml's, as it is at that moment.
        commands: withConfiguredPauseReasons(calls.commands, () => config.current().agents.pauseReasons.map((r) => r.code)),
        durable: () => database.durable(),
        media: media?.sessions ?? null,
        supervision: supervision?.supervisor ?? null,
        stats: queueStats,
        events,
        log,
        unitsInScope: (unitId) => unitScope(config.current().org, unitId),
        leadUpdateMs: env.leadUpdateMs,
        // The wall screens' summary (大屏), at most once per second.
        wallboard,
        ...(overrides.sessionRecheckMs !== undefined ? { sessionRecheckMs: overrides.sessionRecheckMs } : {}),
        // With several nodes, only the one with SUNLINE_TELEPHONY=true controls calls; the others refuse call commands.
        cluster,
        callControlElsewhere: cluster !== null && !env.telephony,
      });
      closers.push(() => realtime.close());
      metrics.countSocketsWith(() => realtime.io.engine.clientsCount);
      media?.setSignal((socketId, event, payload) => (realtime.io.to(socketId).emit as (e: string, p: unknown) => boolean)(event, payload));
    }

    let closed: Promise<void> | undefined;
    return {
      env,
      http,
      log,
      database,
      get db(): DbHandle {
        if (!database.sqlite) throw new Error('app.db is the SQLite handle: this server runs on PostgreSQL (see app.database)');
        return database.sqlite;
      },
      users,
      config,
      events,
      orders,
      calls,
      media,
      recordings,
      supervision,
      close() {
        shuttingDown = true;
        closed ??= runClosers(closers, log);
        return closed;
      },
    };
  } catch (err) {
    await runClosers(closers, log);
    throw err;
  }
}

async function runClosers(closers: Array<() => Promise<void> | void>, log: Logger): Promise<void> {
  for (const close of closers.reverse()) {
    try {
      await close();
    } catch (err) {
      log.error({ err }, 'error while closing');
    }
  }
}
