/**
 * GET /metrics through the real app, read back with a Prometheus text-format parser: the live
 * figures come from the database and the domain events; who may scrape follows SUNLINE_METRICS_TOKEN.
 */
import fs from 'node:fs';
import t from 'tap';
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format';
import { Metrics } from '../../src/reports/metrics.js';
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
  const metrics = new Metrics({ db: app.db.db, events: app.events, checks: () => ({}), durable: async () => undefined, agentSessionWrites: () => writes });
  t.teardown(() => metrics.close());
  const read = async () => parsePrometheusTextFormat(await metrics.registry.metrics());
  let all = await read();
  t.equal(value(all, 'sunline_agent_session_writes_queued'), 3);
  t.equal(value(all, 'sunline_agent_session_writes_failed_total'), 0);
  writes = { queued: 0, failed: 2 };
  all = await read();
  t.equal(value(all, 'sunline_agent_session_writes_queued'), 0);
  t.equal(value(all, 'sunline_agent_session_writes_failed_total'), 2);
  t.equal(family(all, 'sunline_agent_session_writes_failed_total')?.type, 'COUNTER');
  // The app wires the call path's figures (no telephony here: nothing queued, nothing failed).
  const res = await app.http.inject({ method: 'GET', url: '/metrics' });
  t.equal(value(parsePrometheusTextFormat(res.body), 'sunline_agent_session_writes_failed_total'), 0);
});
