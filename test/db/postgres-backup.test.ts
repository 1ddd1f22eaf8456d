/**
 * Backup and restore of a PostgreSQL install as docs/deployment.md "Backup and restore (PostgreSQL
 * install)" says (issue 16 item 6): `pg_dump --format=custom` of the live database while the
 * server creates work orders, `pg_restore --no-owner` into a new database, and a server started on
 * the restored copy serves every order the dump holds — read, listed, found by its Chinese text —
 * and goes on numbering after them. Real PostgreSQL (Debian's binaries, tools/postgres.ts).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';
import { postgresBinDir, startPostgres } from '../helpers/postgres.js';
import type { Sunline } from '../../src/app.js';

const run = promisify(execFile);
const server = await startPostgres(t);
const liveUrl = await server.createDatabase('live');
const dir = t.testdir({});
const dump = path.join(dir, 'sunline.dump');

type Cookies = { sunline_session: string };
interface Order {
  id: number;
  number: string;
  subject: string;
}

async function create(app: Sunline, cookies: Cookies, i: number): Promise<Order> {
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/workorders',
    cookies,
    payload: {
      channel: '12345',
      category: 'complaint',
      subject: `第${i}号 占道经营`,
      content: '人民路夜市占道经营，噪音扰民',
      callerPhone: `1380000${String(i).padStart(4, '0')}`,
    },
  });
  if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${res.body}`);
  return res.json() as Order;
}

const numbersOf = async (app: Sunline, cookies: Cookies, q = '') => {
  const res = await app.http.inject({ method: 'GET', url: `/api/workorders?pageSize=100${q ? `&q=${encodeURIComponent(q)}` : ''}`, cookies });
  return new Set((res.json() as { items: Order[] }).items.map((o) => o.number));
};

t.test('a dump taken while the server writes restores into a database a server serves', async (t) => {
  const live = await testApp(t, { env: { SUNLINE_DATABASE_URL: liveUrl } });
  const agent = await loginCookies(live, 'dump-agent', 'agent');
  const before: Order[] = [];
  for (let i = 1; i <= 20; i++) before.push(await create(live, agent, i));

  // The dump runs while orders keep being made: it holds one snapshot, whatever it catches.
  let writing = true;
  const during: Order[] = [];
  const writer = (async () => {
    // At most 60, so that every order fits the one page read below.
    for (let i = 100; writing && during.length < 60; i++) {
      during.push(await create(live, agent, i));
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  await run(path.join(postgresBinDir(), 'pg_dump'), ['--format=custom', '--file', dump, liveUrl]);
  writing = false;
  await writer;
  t.ok(during.length > 0, `orders were made while the dump ran (${during.length})`);

  const restoredUrl = await server.createDatabase('restored');
  await run(path.join(postgresBinDir(), 'pg_restore'), ['--no-owner', '--exit-on-error', '--dbname', restoredUrl, dump]);

  const restored = await testApp(t, { env: { SUNLINE_DATABASE_URL: restoredUrl } });
  // The account came with the dump: log in with its password (loginCookies would make it again).
  const login = await restored.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'dump-agent', password: 'pw-123456' } });
  t.equal(login.statusCode, 200, 'the accounts and their passwords are restored');
  const cookies = { sunline_session: login.cookies.find((c) => c.name === 'sunline_session')!.value };

  const listed = await numbersOf(restored, cookies);
  for (const o of before) t.ok(listed.has(o.number), `${o.number}, committed before the dump, is there`);
  const caught = during.filter((o) => listed.has(o.number));
  t.same(
    caught.map((o) => o.number),
    during.slice(0, caught.length).map((o) => o.number),
    'of those made during the dump, a first part (one snapshot), none skipped',
  );
  const one = await restored.http.inject({ method: 'GET', url: `/api/workorders/${before[7]!.id}`, cookies });
  t.equal(one.statusCode, 200);
  t.equal((one.json() as Order).subject, '第8号 占道经营');
  const found = await numbersOf(restored, cookies, '夜市占道');
  t.equal(found.size, listed.size, 'the Chinese text search finds them (the trigram index restored)');

  const next = await create(restored, cookies, 999);
  t.notOk(listed.has(next.number), `a new order gets a new number (${next.number}): the counter is restored`);
  t.ok(next.id > Math.max(...[...before, ...caught].map((o) => o.id)), 'and a new id');
});
