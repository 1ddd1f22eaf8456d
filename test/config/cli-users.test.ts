/**
 * `sunline users …` through the real bin script, on a real database file, the way the first
 * administrator of a new install would use it; the effect is checked with the server's own
 * UsersService on the same file (a login works, sessions end).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO, REAL_CONFIG } from './fixtures/yaml.js';
import { openDb } from '../../src/db/connection.js';
import { sqliteAsync } from '../../src/db/sqlite-async.js';
import { sqliteUsersStore, UsersService } from '../../src/users/index.js';
import { checkPassword } from '../../src/users/password-policy.js';
import { generatePassword } from '../../src/cli/users-command.js';
import { runCli } from '../../src/cli.js';

const BIN = path.join(REPO, 'bin', 'sunline.mjs');

function sunline(dbFile: string, args: string[], input?: string) {
  const env = { ...process.env, _TAPJS_PROCESSINFO_COVERAGE_: '0', SUNLINE_DB_FILE: dbFile, SUNLINE_CONFIG_DIR: REAL_CONFIG };
  const r = spawnSync(process.execPath, [BIN, 'users', ...args], { env, encoding: 'utf8', timeout: 60_000, input: input ?? '' });
  return { code: r.status, out: r.stdout.split('\n').filter(Boolean), err: r.stderr.split('\n').filter(Boolean) };
}

/** The same command in this process (fast; the bin script itself is run by the tests above and below). */
async function cli(dbFile: string, args: string[], input = '') {
  const saved = { db: process.env.SUNLINE_DB_FILE, config: process.env.SUNLINE_CONFIG_DIR };
  process.env.SUNLINE_DB_FILE = dbFile;
  process.env.SUNLINE_CONFIG_DIR = REAL_CONFIG;
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await runCli(['users', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) }, () => Promise.resolve(input));
    return { code, out, err };
  } finally {
    for (const [k, v] of [
      ['SUNLINE_DB_FILE', saved.db],
      ['SUNLINE_CONFIG_DIR', saved.config],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

function service(dbFile: string) {
  const handle = openDb({ file: dbFile });
  const db = sqliteAsync(handle);
  return {
    users: new UsersService(sqliteUsersStore(db), 3_600_000),
    close: async () => {
      await db.close();
      handle.close();
    },
  };
}

t.test('the first admin: created with a password from stdin, who can then log in', async (t) => {
  const db = path.join(t.testdir({}), 'sunline.db');
  const r = sunline(db, ['add', 'root-admin', '--role', 'admin', '--name', '管理员', '--password-stdin'], 'Correct-Horse-9\n');
  t.equal(r.code, 0, r.err.join('\n'));
  t.strictSame(r.out, ['user root-admin (admin) created']);
  const s = service(db);
  t.teardown(s.close);
  const login = await s.users.login('root-admin', 'Correct-Horse-9');
  t.ok(login, 'the password works');
  t.equal(login?.user.role, 'admin');
  t.equal(login?.user.displayName, '管理员');
  t.equal(await s.users.login('root-admin', 'wrong-password'), null);
});

t.test('without --password-stdin a password is generated, printed once and works', async (t) => {
  const db = path.join(t.testdir({}), 'sunline.db');
  const r = await cli(db, ['add', 'amr1', '--role', 'unit_handler', '--unit', 'city-amr']);
  t.equal(r.code, 0, r.err.join('\n'));
  t.equal(r.out[0], 'user amr1 (unit_handler, city-amr) created');
  const pw = /^password: (\S+) /.exec(r.out[1] ?? '')?.[1];
  t.ok(pw && pw.length === 16, 'a 16-character password is printed');
  const s = service(db);
  t.teardown(s.close);
  const login = await s.users.login('amr1', pw!);
  t.equal(login?.user.unitId, 'city-amr');
});

t.test('refusals change nothing', async (t) => {
  const db = path.join(t.testdir({}), 'sunline.db');
  t.equal((await cli(db, ['add', 'x1', '--role', 'wizard'])).code, 2, 'unknown role');
  t.equal((await cli(db, ['add', 'x2', '--role', 'citizen'])).code, 2, 'citizens are not staff accounts');
  t.equal((await cli(db, ['add', 'x3', '--role', 'unit_handler'])).code, 1, 'a unit handler needs a unit');
  const unknownUnit = await cli(db, ['add', 'x4', '--role', 'unit_handler', '--unit', 'no-such-unit']);
  t.equal(unknownUnit.code, 1);
  t.match(unknownUnit.err[0], /unknown unit "no-such-unit"/);
  const short = await cli(db, ['add', 'x5', '--role', 'agent', '--password-stdin'], 'short\n');
  t.equal(short.code, 1);
  t.match(short.err[0], /at least 8 characters/);
  t.equal((await cli(db, ['add', 'x6', '--role', 'agent', '--password-stdin'], 'x6\n')).code, 1, 'too short and the username');
  t.equal((await cli(db, ['add', 'bad name', '--role', 'agent'])).code, 1, 'a username with a space');
  t.equal((await cli(db, ['add', 'x7', '--role', 'agent', '--password', 'in-argv!'])).code, 2, 'no password in argv');
  t.equal((await cli(db, ['add'])).code, 2);
  t.equal((await cli(db, ['frob', 'x'])).code, 2);
  const list = await cli(db, ['list']);
  t.equal(list.code, 0);
  t.strictSame(list.out, [], 'no account was created by any refused command');
  t.equal((await cli(db, ['add', 'dup', '--role', 'agent'])).code, 0);
  const dup = await cli(db, ['add', 'dup', '--role', 'agent']);
  t.equal(dup.code, 1);
  t.match(dup.err[0], /exists already/);
  t.equal((await cli(db, ['passwd', 'nobody'])).code, 1);
  t.equal((await cli(db, ['disable', 'nobody'])).code, 1);
});

t.test('passwd and disable end the sessions a running server holds; enable lets the user in again', async (t) => {
  const db = path.join(t.testdir({}), 'sunline.db');
  t.equal((await cli(db, ['add', 'agent7', '--role', 'agent', '--password-stdin'], 'first-password\n')).code, 0);
  const s = service(db);
  t.teardown(s.close);
  const first = await s.users.login('agent7', 'first-password');
  t.ok(first && (await s.users.userForToken(first.token)), 'logged in, session cached by the "server"');

  const pw = sunline(db, ['passwd', 'agent7', '--password-stdin'], 'second-password\n');
  t.equal(pw.code, 0, pw.err.join('\n'));
  t.strictSame(pw.out, ['password of agent7 changed; their sessions ended']);
  t.equal(await s.users.userForToken(first!.token), null, 'the session ended, also in the other process');
  t.equal(await s.users.login('agent7', 'first-password'), null);
  const second = await s.users.login('agent7', 'second-password');
  t.ok(second);

  t.equal((await cli(db, ['disable', 'agent7'])).code, 0);
  t.equal(await s.users.userForToken(second!.token), null, 'disabling ends the session');
  t.equal(await s.users.login('agent7', 'second-password'), null, 'a disabled account cannot log in');
  t.match((await cli(db, ['list'])).out, [/^agent7\tagent\t-\tdisabled\tagent7$/]);

  t.equal((await cli(db, ['enable', 'agent7'])).code, 0);
  t.ok(await s.users.login('agent7', 'second-password'), 'enabled again');
  t.match((await cli(db, ['list'])).out, [/^agent7\tagent\t-\tactive\tagent7$/]);
});

t.test('password policy and generator', async (t) => {
  t.equal(checkPassword('longenough', 'someone'), null);
  t.match(checkPassword('short', 'someone'), /at least 8/);
  t.match(checkPassword('x'.repeat(257), 'someone'), /at most 256/);
  t.match(checkPassword('Someone1', 'someone1'), /username/);
  t.match(checkPassword('tab\there-and-more', 'someone'), /control/);
  const a = generatePassword();
  t.equal(a.length, 16);
  t.notOk(/[01lIO]/.test(a), 'no look-alike characters');
  t.not(a, generatePassword());
});

t.test('the CLI’s changes are audited: the platform’s own account as the actor, via cli, never the password', async (t) => {
  const db = path.join(t.testdir({}), 'sunline.db');
  t.equal((await cli(db, ['add', 'agent-a', '--role', 'agent', '--password-stdin'], 'Audit-Pass-77\n')).code, 0);
  const gen = await cli(db, ['passwd', 'agent-a']);
  t.equal(gen.code, 0);
  t.equal((await cli(db, ['disable', 'agent-a'])).code, 0);
  t.equal((await cli(db, ['enable', 'agent-a'])).code, 0);
  t.equal((await cli(db, ['add', 'agent-a', '--role', 'agent'])).code, 1, 'refused: exists');
  const s = service(db);
  t.teardown(s.close);
  const system = (await s.users.systemUser()).id;
  const target = (await s.users.byUsername('agent-a'))!.id;
  const rows = await s.users.auditLog({ limit: 10 });
  t.same(
    rows.map((r) => r.action),
    ['user.enable', 'user.disable', 'user.password', 'user.create'],
  );
  t.ok(
    rows.every((r) => r.actorId === system && r.targetUserId === target && r.details.via === 'cli'),
    'actor and via',
  );
  t.equal(rows[3]!.details.passwordGenerated, false);
  t.equal(rows[2]!.details.passwordGenerated, true);
  const text = JSON.stringify(rows);
  const generated = gen.out.find((l) => l.startsWith('password: '))!.split(/\s+/)[1]!;
  t.notOk(text.includes('Audit-Pass-77') || text.includes(generated), 'no password');
});

t.test('--must-change: the account must choose its own password at the next login (passwd and add)', async (t) => {
  const db = path.join(t.testdir({}), 'sunline.db');
  t.equal((await cli(db, ['add', 'agent-m', '--role', 'agent', '--password-stdin'], 'Before-Reset-1\n')).code, 0);
  const s = service(db);
  t.teardown(s.close);
  t.equal((await s.users.byUsername('agent-m'))!.mustChangePassword, false, 'not without the flag');
  const reset = await cli(db, ['passwd', 'agent-m', '--must-change']);
  t.equal(reset.code, 0, reset.err.join('\n'));
  t.match(reset.out, ['password of agent-m changed; their sessions ended; it must be changed at the next login', /^password: /]);
  t.equal((await s.users.byUsername('agent-m'))!.mustChangePassword, true);
  t.equal((await s.users.auditLog({ limit: 1 }))[0]!.details.mustChangePassword, true, 'audited with the flag');
  const generated = reset.out[1]!.split(/\s+/)[1]!;
  t.equal((await s.users.login('agent-m', generated))?.user.mustChangePassword, true, 'the login says so');

  t.equal((await cli(db, ['passwd', 'agent-m', '--password-stdin'], 'Chosen-By-Admin-2\n')).code, 0);
  t.equal((await s.users.byUsername('agent-m'))!.mustChangePassword, false, 'a reset without the flag clears it');

  t.equal((await cli(db, ['add', 'agent-n', '--role', 'agent', '--must-change'])).code, 0);
  t.equal((await s.users.byUsername('agent-n'))!.mustChangePassword, true, 'add takes the flag too');
  t.equal((await cli(db, ['list', '--must-change'])).code, 2, 'only add and passwd take it');
});
