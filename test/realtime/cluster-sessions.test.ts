/**
 * Sessions ended on one node end on every node at once (src/realtime/cluster-sessions.ts), for
 * real: a real redis-server (tools/redis.ts) between two nodes.
 *
 * - Two UsersService on one real PostgreSQL database (tools/postgres.ts), where nothing but the
 *   signal tells a node's cache: without it, node B keeps serving a session node A logged out
 *   (the control); with it, B refuses it at once, and a disabled user's cached sessions too.
 * - Two apps on one SQLite file (where data_version also tells, within a second): the apps are
 *   wired — each publishes its revocations, never a token, and applies the other's.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { openPostgres } from '../../src/db/postgres.js';
import { postgresAsync } from '../../src/db/postgres-async.js';
import { createLogger } from '../../src/logging/logger.js';
import { connectCluster } from '../../src/realtime/cluster.js';
import { SESSIONS_CHANNEL, shareSessionRevocations } from '../../src/realtime/cluster-sessions.js';
import { pgUsersStore, UsersService } from '../../src/users/index.js';
import { startRedis } from '../../tools/redis.js';
import { testApp } from '../helpers/app.js';
import { startPostgres } from '../helpers/postgres.js';

const log = createLogger({ level: 'silent' });
const NEW = { displayName: '坐席', role: 'agent' as const, password: 'Correct-Horse-9' };

async function until(cond: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await cond()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return cond();
}

t.test('two nodes on one PostgreSQL database', async (t) => {
  const pg = await startPostgres(t);
  const redis = await startRedis(t);
  let databases = 0;

  /** Two nodes' UsersService on a fresh database, each with its own cache; `share`: linked through Redis. */
  async function nodes(t: { teardown(fn: () => unknown): void }, share: boolean) {
    const url = await pg.createDatabase(`cluster_sessions_${++databases}`);
    const handles = [await openPostgres({ url, max: 2 }), await openPostgres({ url, max: 2, migrate: false })];
    t.teardown(() => Promise.all(handles.map((h) => h.close())));
    const [a, b] = handles.map((h) => new UsersService(pgUsersStore(postgresAsync(h)), 3_600_000)) as [UsersService, UsersService];
    const ended = { a: 0, b: 0 };
    a.onSessionsEnded(() => void ended.a++);
    b.onSessionsEnded(() => void ended.b++);
    if (share) {
      for (const users of [a, b]) {
        const cluster = await connectCluster(redis.url, log);
        t.teardown(() => cluster.close());
        const stop = await shareSessionRevocations(cluster, users, log);
        t.teardown(stop);
      }
    }
    return { a, b, ended };
  }

  t.test('the control: without the signal node B serves a session node A logged out, from its cache', async (t) => {
    const { a, b } = await nodes(t, false);
    await a.create({ ...NEW, username: 'agent-1' });
    const s = (await a.login('agent-1', NEW.password))!;
    t.ok(await b.userForToken(s.token), 'B checked the session once: now cached');
    await a.logout(s.token);
    t.equal(await a.userForToken(s.token), null, 'A refuses it');
    t.ok(await b.userForToken(s.token), 'B still serves it (for up to its recheck time)');
  });

  t.test('a logout on A ends the session on B at once', async (t) => {
    const { a, b, ended } = await nodes(t, true);
    await a.create({ ...NEW, username: 'agent-1' });
    const s = (await a.login('agent-1', NEW.password))!;
    const kept = (await a.login('agent-1', NEW.password))!;
    t.ok(await b.userForToken(s.token));
    t.ok(await b.userForToken(kept.token));
    await a.logout(s.token);
    t.ok(await until(async () => (await b.userForToken(s.token)) === null, 2000), 'B refuses it');
    t.ok(await b.userForToken(kept.token), 'the user’s other session goes on');
    t.ok(await until(() => ended.b === 1, 2000), 'B’s sockets were told to re-check');
    await new Promise((r) => setTimeout(r, 200));
    t.equal(ended.a, 1, 'A does not apply its own message a second time');
  });

  t.test('a disabled user on A: every cached session of theirs ends on B', async (t) => {
    const { a, b } = await nodes(t, true);
    const admin = await a.create({ ...NEW, username: 'admin-1', role: 'admin' });
    const agent = await a.create({ ...NEW, username: 'agent-1' });
    const sessions = [(await a.login('agent-1', NEW.password))!, (await a.login('agent-1', NEW.password))!];
    for (const s of sessions) t.ok(await b.userForToken(s.token));
    await a.disable(agent.id, { actorId: admin.id });
    for (const s of sessions) t.ok(await until(async () => (await b.userForToken(s.token)) === null, 2000), 'refused on B');
  });

  t.test('a malformed message on the channel changes nothing', async (t) => {
    const { a, b, ended } = await nodes(t, true);
    await a.create({ ...NEW, username: 'agent-1' });
    const s = (await a.login('agent-1', NEW.password))!;
    t.ok(await b.userForToken(s.token));
    const rogue = await connectCluster(redis.url, log);
    t.teardown(() => rogue.close());
    for (const raw of [
      'not json',
      '{"kind":"user"}',
      '{"origin":"x","kind":"session","tokenHash":"short"}',
      '{"origin":"x","kind":"user","userId":-1}',
      '{"origin":"x","kind":"all"}',
    ])
      rogue.publish(SESSIONS_CHANNEL, raw);
    await new Promise((r) => setTimeout(r, 300));
    t.ok(await b.userForToken(s.token), 'the session stays');
    t.equal(ended.b, 0, 'no re-check was asked');
  });
});

t.test('two apps on one SQLite file: each publishes its revocations (a hash, never the token) and applies the other’s', async (t) => {
  const redis = await startRedis(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-cluster-sessions-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));
  const env = { SUNLINE_DATA_DIR: dir, SUNLINE_REDIS_URL: redis.url };
  const a = await testApp(t, { env });
  const b = await testApp(t, { env });
  const listener = await connectCluster(redis.url, log);
  t.teardown(() => listener.close());
  const heard: string[] = [];
  await listener.subscribe(SESSIONS_CHANNEL, (m) => void heard.push(m));
  let endedOnB = 0;
  b.users.onSessionsEnded(() => void endedOnB++);

  const admin = await a.users.create({ ...NEW, username: 'admin-1', role: 'admin' });
  const agent = await a.users.create({ ...NEW, username: 'agent-1' });
  const session = (await a.users.login('agent-1', NEW.password))!;
  await a.users.logout(session.token);
  t.ok(await until(() => heard.length === 1, 2000), 'A published the logout');
  const logout = JSON.parse(heard[0]!) as Record<string, unknown>;
  t.match(logout, { kind: 'session', tokenHash: createHash('sha256').update(session.token).digest('hex') });
  t.notOk(heard[0]!.includes(session.token), 'the token itself never goes to Redis');
  t.ok(await until(() => endedOnB === 1, 2000), 'B applied it');

  await a.users.disable(agent.id, { actorId: admin.id });
  t.ok(await until(() => heard.length === 2, 2000));
  t.match(JSON.parse(heard[1]!), { kind: 'user', userId: agent.id });
  t.ok(await until(() => endedOnB === 2, 2000), 'B applied the disable');
  await new Promise((r) => setTimeout(r, 200));
  t.equal(endedOnB, 2, 'and nothing else');
});
