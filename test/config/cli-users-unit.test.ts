/**
 * `sunline users add … --unit UNIT` keeps the API's rule of which unit a role may carry
 * (users/account-rules.ts, README "a unit handler needs a unit of org.yaml, a dispatcher may carry
 * a county sub-platform or none, other roles none"): the CLI used to store any org.yaml unit on
 * any role, an account the API would have refused with UNIT_NOT_ALLOWED. And an option a command
 * does not use (`users passwd x --role admin`) or one given twice (`--role agent --role admin`) is
 * a usage error, not silently ignored.
 */
import t from 'tap';
import path from 'node:path';
import { REAL_CONFIG } from './fixtures/yaml.js';
import { usersCommand } from '../../src/cli/users-command.js';

async function users(dbFile: string, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await usersCommand(
    args,
    { dbFile, configDir: REAL_CONFIG, readStdin: () => Promise.resolve('') },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
  );
  return { code, out, err };
}

t.test('a unit only where the role takes one', async (t) => {
  const db = path.join(t.testdir({}), 'sunline.db');

  const agent = await users(db, ['add', 'ag1', '--role', 'agent', '--unit', 'city-amr']);
  t.equal(agent.code, 1, 'an agent carries no unit');
  t.match(agent.err.join('\n'), /--unit refused: a agent carries no unit/);

  const dispatcher = await users(db, ['add', 'disp1', '--role', 'dispatcher', '--unit', 'city-amr']);
  t.equal(dispatcher.code, 1, "a dispatcher's unit must be a county sub-platform");
  t.match(dispatcher.err.join('\n'), /county sub-platform; "city-amr" is not one/);

  const admin = await users(db, ['add', 'adm1', '--role', 'admin', '--unit', 'dq-12345']);
  t.equal(admin.code, 1, 'an administrator carries no unit, not even a sub-platform');

  const county = await users(db, ['add', 'disp2', '--role', 'dispatcher', '--unit', 'dq-12345']);
  t.equal(county.code, 0, 'a dispatcher of a county sub-platform');
  const handler = await users(db, ['add', 'amr1', '--role', 'unit_handler', '--unit', 'city-amr']);
  t.equal(handler.code, 0, 'a unit handler of a department');
  const cityDesk = await users(db, ['add', 'disp3', '--role', 'dispatcher']);
  t.equal(cityDesk.code, 0, 'a dispatcher without a unit (the city desk)');

  const list = await users(db, ['list']);
  t.same(
    list.out.map((l) => l.split('\t').slice(0, 3).join(' ')).sort(),
    ['amr1 unit_handler city-amr', 'disp2 dispatcher dq-12345', 'disp3 dispatcher -'],
    'only the allowed accounts were created',
  );
});

t.test('an option the command does not use is refused, not ignored', async (t) => {
  const db = path.join(t.testdir({}), 'sunline.db');
  t.equal((await users(db, ['add', 'ag1', '--role', 'agent'])).code, 0);
  for (const [args, message] of [
    [['passwd', 'ag1', '--role', 'admin'], '--role goes with users add'],
    [['passwd', 'ag1', '--unit', 'city-amr'], '--unit goes with users add'],
    [['passwd', 'ag1', '--name', 'X'], '--name goes with users add'],
    [['disable', 'ag1', '--password-stdin'], '--password-stdin goes with users add or users passwd'],
    [['list', '--must-change'], '--must-change goes with users add or users passwd'],
    [['import', 'agents.csv', '--role', 'admin'], '--role goes with users add'],
  ] as const) {
    const r = await users(db, [...args]);
    t.equal(r.code, 2, `${args.join(' ')}: a usage error`);
    t.match(r.err.join('\n'), message);
  }
  const list = await users(db, ['list', '--db', db]);
  t.equal(list.code, 0, '--db goes with every command');
  t.same(
    list.out.map((l) => l.split('\t').slice(0, 4).join(' ')),
    ['ag1 agent - active'],
    'the account is unchanged: still an agent, no unit, enabled',
  );
});

t.test('a repeated option is a usage error, not the last one silently taken', async (t) => {
  const db = path.join(t.testdir({}), 'sunline.db');
  t.equal((await users(db, ['add', 'ag1', '--role', 'agent'])).code, 0);
  for (const [args, flag] of [
    [['add', 'ad1', '--role', 'agent', '--role', 'admin'], '--role'],
    [['add', 'ad1', '--role', 'agent', '--name', 'A', '--name', 'B'], '--name'],
    [['add', 'ad1', '--role', 'unit_handler', '--unit', 'city-amr', '--unit', 'city-hrss'], '--unit'],
    [['add', 'ad1', '--role', 'agent', '--must-change', '--must-change'], '--must-change'],
    [['passwd', 'ag1', '--password-stdin', '--password-stdin'], '--password-stdin'],
    [['list', '--db', db, '--db', db], '--db'],
    [['list', '--config', REAL_CONFIG, '--config', REAL_CONFIG], '--config'],
  ] as const) {
    const r = await users(db, [...args]);
    t.equal(r.code, 2, `${args.join(' ')}: a usage error`);
    t.match(r.err.join('\n'), `sunline users: ${flag} is given twice`);
  }
  t.same(
    (await users(db, ['list'])).out.map((l) => l.split('\t').slice(0, 4).join(' ')),
    ['ag1 agent - active'],
    'no account was added or changed',
  );
});

t.test('--name as the API takes a display name: trimmed, 1-64 characters', async (t) => {
  const db = path.join(t.testdir({}), 'sunline.db');
  for (const name of ['', '   ', 'x'.repeat(65)]) {
    const r = await users(db, ['add', 'ag1', '--role', 'agent', '--name', name]);
    t.equal(r.code, 1, `--name "${name.slice(0, 8)}" (${name.length} characters) refused`);
    t.match(r.err.join('\n'), /--name is 1-64 characters/);
  }
  t.equal((await users(db, ['add', 'ag2', '--role', 'agent', '--name', '  张三  '])).code, 0);
  t.same(
    (await users(db, ['list'])).out.map((l) => l.split('\t')[4]),
    ['张三'],
    'only the good one was created, its name trimmed',
  );
});
