/**
 * The `sunline` commands on a server that runs on PostgreSQL (SUNLINE_DATABASE_URL set, issue 16
 * item 1): `users` and `route` work on that database, through the real bin script, and no SQLite
 * file appears; a server on the same database accepts what they did (a login with the password set
 * on the command line); `db backup` says it copies SQLite files only and points at pg_dump;
 * `npm run reports:rollups` builds the rollups there. Against a real PostgreSQL (tools/postgres.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import { REPO, REAL_CONFIG } from './fixtures/yaml.js';
import { startPostgres } from '../helpers/postgres.js';
import { testApp } from '../helpers/app.js';

const BIN = path.join(REPO, 'bin', 'sunline.mjs');
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');

const server = await startPostgres(t);
const url = await server.createDatabase('cli_on_pg');
const dataDir = t.testdir({});

function run(command: string[], input = '', extraEnv: Record<string, string> = {}) {
  const env = {
    ...process.env,
    _TAPJS_PROCESSINFO_COVERAGE_: '0',
    SUNLINE_DATABASE_URL: url,
    SUNLINE_DATA_DIR: dataDir,
    SUNLINE_CONFIG_DIR: REAL_CONFIG,
    ...extraEnv,
  };
  const r = spawnSync(command[0]!, command.slice(1), { env, cwd: REPO, encoding: 'utf8', timeout: 120_000, input });
  return { code: r.status, out: r.stdout.split('\n').filter(Boolean), err: r.stderr.split('\n').filter(Boolean) };
}
const sunline = (args: string[], input = '') => run([process.execPath, BIN, ...args], input);

t.test('users add, import, passwd and list work on PostgreSQL; a server there accepts the login', async (t) => {
  const add = sunline(['users', 'add', 'root-admin', '--role', 'admin', '--name', '管理员', '--password-stdin'], 'Correct-Horse-9\n');
  t.equal(add.code, 0, add.err.join('\n'));
  t.strictSame(add.out, ['user root-admin (admin) created']);

  const csv = path.join(dataDir, 'agents.csv');
  fs.writeFileSync(csv, 'username,displayName,role,unitId\nagent-a,坐席甲,agent,\namr-1,市场监管,unit_handler,city-amr\n');
  const imported = sunline(['users', 'import', csv]);
  t.equal(imported.code, 0, imported.err.join('\n'));
  t.match(imported.out, [/^agent-a\t\S{16}$/, /^amr-1\t\S{16}$/], 'two accounts, each password printed once');

  // A server on the database holds amr-1's session when the command line disables the account.
  const early = await testApp(t, { env: { SUNLINE_DATABASE_URL: url } });
  const amrPassword = imported.out[1]!.split('\t')[1]!;
  const amrLogin = await early.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'amr-1', password: amrPassword } });
  t.equal(amrLogin.statusCode, 200);
  const amr = { sunline_session: amrLogin.cookies.find((c) => c.name === 'sunline_session')!.value };
  const me = () => early.http.inject({ method: 'GET', url: '/api/auth/me', cookies: amr }).then((r) => r.statusCode);
  t.equal(await me(), 200, 'the session is cached');

  const passwd = sunline(['users', 'passwd', 'agent-a', '--password-stdin'], 'agent-a-new-pass\n');
  t.equal(passwd.code, 0, passwd.err.join('\n'));
  t.equal(sunline(['users', 'disable', 'amr-1']).code, 0);
  let refused = false;
  for (let i = 0; i < 100 && !refused; i++) {
    refused = (await me()) === 401;
    if (!refused) await new Promise((r) => setTimeout(r, 200));
  }
  t.ok(refused, "the running server refuses the disabled account's session once its cache reads it again (≤ 5 s)");

  const list = sunline(['users', 'list']);
  t.equal(list.code, 0, list.err.join('\n'));
  t.match(list.out.join('\n'), /^root-admin\tadmin\t-\tactive\t管理员$/m);
  t.match(list.out.join('\n'), /^amr-1\tunit_handler\tcity-amr\tdisabled\t市场监管$/m);

  t.same(
    fs.readdirSync(dataDir).filter((f) => f.startsWith('sunline.db')),
    [],
    'no SQLite file was made',
  );
  const rows = new pg.Client({ connectionString: url });
  await rows.connect();
  t.teardown(() => rows.end());
  const names = (await rows.query<{ username: string }>("select username from users where role <> 'citizen' order by username")).rows.map((r) => r.username);
  t.ok(
    ['agent-a', 'amr-1', 'root-admin'].every((n) => names.includes(n)),
    'the accounts are rows in PostgreSQL',
  );
  const audited = await rows.query<{ n: string }>("select count(*) as n from admin_audit where details->>'via' = 'cli'");
  t.ok(Number(audited.rows[0]!.n) >= 4, 'each change audited there, via cli');

  const app = await testApp(t, { env: { SUNLINE_DATABASE_URL: url } });
  const login = (username: string, password: string) =>
    app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } }).then((r) => r.statusCode);
  t.equal(await login('root-admin', 'Correct-Horse-9'), 200, 'the first administrator logs in on the server');
  t.equal(await login('agent-a', 'agent-a-new-pass'), 200, 'the password set by users passwd');
  t.not(await login('amr-1', 'anything-at-all'), 200, 'the disabled account does not');

  // An order for the rollups below, from an account the command line made.
  const res = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'agent-a', password: 'agent-a-new-pass' } });
  const cookies = { sunline_session: res.cookies.find((c) => c.name === 'sunline_session')!.value };
  const order = await app.http.inject({
    method: 'POST',
    url: '/api/workorders',
    cookies,
    payload: { channel: '12345', category: 'complaint', subject: '路灯不亮', content: '小区门口路灯坏了', callerPhone: '13800138000' },
  });
  t.equal(order.statusCode, 201, order.body);
});

t.test('route reads the agents and the caller history from PostgreSQL', async (t) => {
  const r = sunline(['route', '12315', '--from', '13800138000']);
  t.equal(r.code, 0, r.err.join('\n'));
  t.notMatch(r.err.join('\n'), /no database/, 'it found the database');
  t.match(r.out.join('\n'), /hotline: 12315/);
  t.match(r.out.join('\n'), /repeat caller no/);
});

t.test('db backup copies SQLite files only: on PostgreSQL it says so and writes nothing', async (t) => {
  const to = path.join(dataDir, 'backup.db');
  const r = sunline(['db', 'backup', '--to', to]);
  t.equal(r.code, 1);
  t.match(r.err.join('\n'), /runs on PostgreSQL.*pg_dump/);
  t.notOk(fs.existsSync(to));
});

t.test('npm run reports:rollups builds the rollups on PostgreSQL', async (t) => {
  const rows = new pg.Client({ connectionString: url });
  await rows.connect();
  t.teardown(() => rows.end());
  // The order made above, three days back: closed days to build.
  t.equal((await rows.query('update work_orders set created_at = created_at - 3 * 86400000')).rowCount, 1);
  const r = run([TSX, 'scripts/report-rollups.ts']);
  t.equal(r.code, 0, r.err.join('\n'));
  t.match(r.out.at(-1), /^[1-9]\d* days built in [\d.]+ s$/);
  const built = await rows.query<{ n: string }>('select count(*) as n from report_rollup_days');
  t.ok(Number(built.rows[0]!.n) > 0, `closed days are built (${built.rows[0]!.n} rows)`);
  const usage = run([TSX, 'scripts/report-rollups.ts'], '', { SUNLINE_DATABASE_URL: '' });
  t.equal(usage.code, 2, 'neither --db nor a URL: usage');
});
