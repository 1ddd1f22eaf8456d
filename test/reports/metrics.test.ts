/**
 * GET /metrics through the real app, read back with a Prometheus text-format parser: the live
 * figures come from the database and the domain events; who may scrape follows SUNLINE_METRICS_TOKEN.
 */
import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import { DomainEvents } from '../../src/events/domain-events.js';
import t from 'tap';
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format';
import { Metrics, PROBE_COMMIT } from '../../src/reports/metrics.js';
import { openPostgres } from '../../src/db/postgres.js';
import { postgresAsync } from '../../src/db/postgres-async.js';
import { dbReportReader, type ReportReader } from '../../src/reports/report-read.js';
import { pgReportReader } from '../../src/reports/report-read-pg.js';
import { startPostgres } from '../helpers/postgres.js';
import { testApp } from '../helpers/app.js';

const family = (all: MetricFamily[], name: string) => all.find((f) => f.name === name);
const value = (all: MetricFamily[], name: string, labels: Record<string, string> = {}) =>
  Number(family(all, name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value);

t.test('a loopback scrape reports calls waiting, agents by state, counters and the screen-pop histogram', async (t) => {
  const app = await testApp(t);
  const a = await app.users.create({ username: 'm-agent', displayName: 'M', role: 'agent', password: 'pw-123456' });
  const b = await app.users.create({ username: 'm-agent2', displayName: 'N', role: 'agent', password: 'pw-123456' });
  const now = Date.now();
  app.db.sqlite.exec(`
    insert into agent_sessions (agent_id, display_name, state, since) values (${a.id}, 'M', 'available', ${now}), (${b.id}, 'N', 'paused', ${now});
    insert into calls (id, caller_phone, dialled_number, hotline, state, entered_at) values
      ('w1', '1', '12345', '12345', 'queued', ${now}), ('w2', '2', '12345', '12345', 'queued', ${now}),
      ('w3', '3', '12315', '12315', 'offered', ${now}), ('w4', '4', '12345', '12345', 'answered', ${now}),
      ('w5', '5', '12345', '12345', 'ended', ${now});
  `);
  app.events.emit('call.updated', { callId: 'w4', state: 'answered', agentId: a.id, at: now });
  app.events.emit('call.updated', { callId: 'w5', state: 'ended', agentId: null, at: now, reason: 'abandoned' });
  app.events.emit('call.updated', { callId: 'w3', state: 'ended', agentId: b.id, at: now, reason: 'offer_ended' });
  app.events.emit('call.offered', a.id, {} as never, Date.now() - 40);

  const res = await app.http.inject({ method: 'GET', url: '/metrics' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  const all = parsePrometheusTextFormat(res.body);
  t.equal(value(all, 'sunline_calls_waiting'), 3, 'two queued and one being offered');
  t.equal(value(all, 'sunline_calls_in_progress', { state: 'answered' }), 1);
  t.equal(value(all, 'sunline_agents', { state: 'available' }), 1);
  t.equal(value(all, 'sunline_agents', { state: 'paused' }), 1);
  t.equal(value(all, 'sunline_agents', { state: 'on_call' }), 0);
  t.equal(value(all, 'sunline_calls_answered_total'), 1);
  t.equal(value(all, 'sunline_calls_ended_total', { reason: 'abandoned' }), 1);
  t.notOk(
    family(all, 'sunline_calls_ended_total')?.metrics.some((m) => m.labels?.reason === 'offer_ended'),
    'an agent leg ending is not a call ending',
  );
  const pop = family(all, 'sunline_screen_pop_seconds');
  t.equal(pop?.type, 'HISTOGRAM');
  t.equal(Number(pop?.metrics[0]?.count), 1);
  t.equal(Number(pop?.metrics[0]?.buckets?.['0.025']), 0, '40 ms is above the 25 ms bucket');
  t.equal(Number(pop?.metrics[0]?.buckets?.['0.05']), 1);
  t.equal(value(all, 'sunline_component_up', { component: 'database' }), 1);
  t.equal(value(all, 'sunline_socket_clients'), 0);
  t.ok(value(all, 'sunline_db_commit_seconds') > 0, 'a probe commit was timed');
  t.ok(family(all, 'nodejs_eventloop_lag_p99_seconds'), 'event-loop delay');

  const dashboard = fs.readFileSync('docs/grafana-dashboard.json', 'utf8');
  const used = new Set([...dashboard.matchAll(/\b((?:sunline|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]!.replace(/_bucket$/, '')));
  for (const name of used) t.ok(family(all, name), `the sample Grafana dashboard's ${name} is scraped`);

  const remote = await app.http.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' });
  t.equal(remote.statusCode, 403, 'without a token, only loopback clients');
  t.equal(remote.json().error.code, 'FORBIDDEN');
});

t.test('with SUNLINE_METRICS_TOKEN, a scraper anywhere sends it; nobody reads without it', async (t) => {
  const token = 'metrics-token-0123456789';
  const app = await testApp(t, { env: { SUNLINE_METRICS_TOKEN: token } });
  const get = (headers: Record<string, string>) => app.http.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3', headers });
  t.equal((await get({ authorization: `Bearer ${token}` })).statusCode, 200);
  t.equal((await get({})).statusCode, 401);
  t.equal((await get({ authorization: `Bearer ${token}x` })).statusCode, 401);
  const loopback = await app.http.inject({ method: 'GET', url: '/metrics' });
  t.equal(loopback.statusCode, 401, 'the token is asked of loopback clients too');
});

t.test("the agents' session writes: queued now and given up on since start", async (t) => {
  const app = await testApp(t);
  let writes = { queued: 3, failed: 0 };
  let calls = { queued: 0, failed: 0, dropped: 0 };
  const metrics = new Metrics({
    reads: dbReportReader(app.db.db),
    probeCommit: async () => undefined,
    events: app.events,
    checks: () => ({}),
    durable: async () => undefined,
    agentSessionWrites: () => writes,
    callWrites: () => calls,
  });
  t.teardown(() => metrics.close());
  const read = async () => parsePrometheusTextFormat(await metrics.scrape());
  let all = await read();
  t.equal(value(all, 'sunline_agent_session_writes_queued'), 3);
  t.equal(value(all, 'sunline_agent_session_writes_failed_total'), 0);
  writes = { queued: 0, failed: 2 };
  all = await read();
  t.equal(value(all, 'sunline_agent_session_writes_queued'), 0);
  t.equal(value(all, 'sunline_agent_session_writes_failed_total'), 2);
  t.equal(family(all, 'sunline_agent_session_writes_failed_total')?.type, 'COUNTER');
  t.equal(value(all, 'sunline_call_writes_queued'), 0);
  calls = { queued: 4, failed: 1, dropped: 2 };
  all = await read();
  t.equal(value(all, 'sunline_call_writes_queued'), 4, "the call path's writes waiting");
  t.equal(value(all, 'sunline_call_writes_failed_total'), 1);
  t.equal(value(all, 'sunline_call_writes_dropped_total'), 2);
  // The app wires the call path's figures (no telephony here: nothing queued, nothing failed).
  const res = await app.http.inject({ method: 'GET', url: '/metrics' });
  t.equal(value(parsePrometheusTextFormat(res.body), 'sunline_agent_session_writes_failed_total'), 0);
});

t.test('the live counts and the probe commit on PostgreSQL; a database that refuses leaves the counts out instead of zeros', async (t) => {
  const server = await startPostgres(t);
  const pgh = await openPostgres({ url: await server.createDatabase('metrics'), max: 2 });
  t.teardown(() => pgh.close());
  const port = postgresAsync(pgh);
  const now = Date.now();
  await port.transaction(async (tx) => {
    await tx.execute(sql`insert into users (id, username, display_name, role, password_hash) values (1, 'a', 'A', 'agent', 'x'), (2, 'b', 'B', 'agent', 'x')`);
    await tx.execute(sql`insert into agent_sessions (agent_id, display_name, state, since) values (1, 'A', 'available', ${now}), (2, 'B', 'on_call', ${now})`);
    await tx.execute(sql`insert into calls (id, caller_phone, dialled_number, hotline, state, entered_at) values
      ('w1', '1', '12345', '12345', 'queued', ${now}), ('w2', '2', '12345', '12345', 'offered', ${now}), ('w3', '3', '12345', '12345', 'ended', ${now})`);
  });
  let reads: ReportReader = pgReportReader(port);
  let failProbe = false;
  const metrics = new Metrics({
    reads: { dialect: 'postgresql', read: (make) => reads.read(make) },
    probeCommit: () => (failProbe ? Promise.reject(new Error('database down')) : port.transaction((tx) => tx.execute(PROBE_COMMIT))),
    events: new DomainEvents(),
    checks: () => ({}),
    durable: async () => undefined,
  });
  t.teardown(() => metrics.close());
  let all = parsePrometheusTextFormat(await metrics.scrape());
  t.equal(value(all, 'sunline_calls_waiting'), 2, 'one queued, one being offered');
  t.equal(value(all, 'sunline_calls_in_progress', { state: 'offered' }), 1);
  t.equal(value(all, 'sunline_agents', { state: 'on_call' }), 1);
  t.ok(value(all, 'sunline_db_commit_seconds') > 0, 'a probe commit was timed');
  await metrics.scrape();
  const probe = await port.read((c) => c.execute(sql`select value from counters where name = 'metrics:commit-probe'`));
  t.equal(Number((probe as unknown as { rows: Array<{ value: number }> }).rows[0]?.value), 2, 'one probe row, bumped per scrape');

  reads = { dialect: 'postgresql', read: () => Promise.reject(new Error('database down')) };
  failProbe = true;
  all = parsePrometheusTextFormat(await metrics.scrape());
  t.notOk(family(all, 'sunline_db_commit_seconds')?.metrics.length, 'the probe commit: absent, not zero');
  t.notOk(family(all, 'sunline_calls_waiting')?.metrics.length, 'calls waiting: absent, not zero');
  t.notOk(family(all, 'sunline_agents')?.metrics.length, 'agents: absent, not zero');
});
