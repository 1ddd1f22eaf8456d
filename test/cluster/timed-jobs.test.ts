/**
 * The timed jobs on one node of several (src/cluster/timed-jobs.ts): alone a node runs them from
 * the start; with Redis (a real redis-server, tools/redis.ts) exactly one owner runs them, another
 * takes them over when the holder closes or loses Redis, and a returning owner does not fight.
 * Then two real apps on one data folder: readiness shows one node running the jobs, and the other
 * takes them over when the first closes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { TimedJobs, type TimedJob } from '../../src/cluster/timed-jobs.js';
import { createLogger } from '../../src/logging/logger.js';
import { startRedis } from '../../tools/redis.js';
import { testApp } from '../helpers/app.js';

const log = createLogger({ level: 'silent' });
const LEASE = { ttlMs: 900, renewMs: 300 };

/** Jobs that write down when they start and stop. */
function recording(names: readonly string[]) {
  const events: string[] = [];
  const jobs: TimedJob[] = names.map((name) => ({
    name,
    start: () => void events.push(`start ${name}`),
    stop: async () => {
      await new Promise((r) => setTimeout(r, 5));
      events.push(`stop ${name}`);
    },
  }));
  return { events, jobs };
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return cond();
}

t.test('alone: the jobs start at once in order and stop in reverse at close', async (t) => {
  const { events, jobs } = recording(['a', 'b', 'c']);
  const owner = new TimedJobs({ log, lease: LEASE });
  jobs.forEach((j) => owner.add(j));
  t.equal(owner.state, 'standby');
  owner.start();
  t.equal(owner.state, 'running');
  t.same(events, ['start a', 'start b', 'start c']);
  t.throws(() => owner.add(jobs[0]!), /before start/);
  await owner.close();
  t.equal(owner.state, 'closed');
  t.same(events.slice(3), ['stop c', 'stop b', 'stop a']);
  await owner.close();
  t.equal(events.length, 6, 'a second close does nothing');
});

t.test('with Redis: one owner runs the jobs; the next takes them over when it closes; a newcomer does not fight', async (t) => {
  const redis = await startRedis(t);
  const a = recording(['scan']);
  const b = recording(['scan']);
  const make = (r: ReturnType<typeof recording>) => {
    const o = new TimedJobs({ log, redisUrl: redis.url, lease: LEASE });
    r.jobs.forEach((j) => o.add(j));
    t.teardown(() => o.close());
    return o;
  };
  const nodeA = make(a);
  nodeA.start();
  t.ok(await until(() => nodeA.state === 'running', 5000), 'A takes the lease and runs the jobs');
  const nodeB = make(b);
  nodeB.start();
  await new Promise((r) => setTimeout(r, LEASE.ttlMs * 2));
  t.equal(nodeB.state, 'standby', 'B stands by while A holds the lease');
  t.same(b.events, [], 'B never started a job');

  await nodeA.close();
  t.same(a.events, ['start scan', 'stop scan']);
  t.ok(await until(() => nodeB.state === 'running', LEASE.ttlMs + LEASE.renewMs * 3), 'B takes the jobs over (a clean close hands the lease over at once)');
  t.same(b.events, ['start scan']);

  const c = recording(['scan']);
  const nodeC = make(c);
  nodeC.start();
  await new Promise((r) => setTimeout(r, LEASE.ttlMs * 2));
  t.equal(nodeC.state, 'standby', 'a node that comes back stands by');
  t.equal(nodeB.state, 'running');
  t.same(c.events, []);
});

t.test('with Redis: the holder stops its jobs when Redis goes away', async (t) => {
  const redis = await startRedis(t);
  const a = recording(['scan', 'rollups']);
  const owner = new TimedJobs({ log, redisUrl: redis.url, lease: LEASE });
  a.jobs.forEach((j) => owner.add(j));
  t.teardown(() => owner.close());
  owner.start();
  t.ok(await until(() => owner.state === 'running', 5000));
  await redis.stop();
  t.ok(await until(() => owner.state === 'standby', LEASE.ttlMs * 3), 'fenced: the jobs stop');
  t.ok(await until(() => a.events.length === 4, 1000));
  t.same(a.events, ['start scan', 'start rollups', 'stop rollups', 'stop scan']);
});

t.test('two apps on one data folder: one runs the timed jobs, the other takes them over when it closes', async (t) => {
  const redis = await startRedis(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-jobs-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));
  const env = { SUNLINE_DATA_DIR: dir, SUNLINE_REDIS_URL: redis.url, SUNLINE_LEASE_TTL_MS: '900', SUNLINE_LEASE_RENEW_MS: '300' };
  const a = await testApp(t, { env });
  const b = await testApp(t, { env });
  const jobsOf = async (app: typeof a) => {
    const res = await app.http.inject({ method: 'GET', url: '/health/ready' });
    return (res.json() as { components: Record<string, { state?: string }> }).components['timedJobs']?.state;
  };
  let states: Array<string | undefined> = [];
  const settled = async () => {
    states = [await jobsOf(a), await jobsOf(b)];
    return states.filter((s) => s === 'running').length === 1;
  };
  const deadline = Date.now() + 5000;
  while (!(await settled()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.equal(states.filter((s) => s === 'running').length, 1, `exactly one node runs the jobs (${states.join(', ')})`);
  t.equal(states.filter((s) => s === 'standby').length, 1, 'the other stands by');
  const [holder, other] = states[0] === 'running' ? [a, b] : [b, a];
  await holder.close();
  let taken = false;
  const until2 = Date.now() + 3000;
  while (!taken && Date.now() < until2) {
    taken = (await jobsOf(other)) === 'running';
    if (!taken) await new Promise((r) => setTimeout(r, 50));
  }
  t.ok(taken, 'the other node runs them once the first has closed');
});

t.test('alone, an app shows no timed-jobs component', async (t) => {
  const app = await testApp(t);
  const res = await app.http.inject({ method: 'GET', url: '/health/ready' });
  t.equal((res.json() as { components: Record<string, unknown> }).components['timedJobs'], undefined);
});
