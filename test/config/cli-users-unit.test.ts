/**
 * `sunline users add … --unit UNIT` keeps the API's rule of which unit a role may carry
 * (users/account-rules.ts, README "a unit handler needs a unit of org.yaml, a dispatcher may carry
 * a county sub-platform or none, other roles none"): the CLI used to store any org.yaml unit on
 * any role, an account the API would have refused with UNIT_NOT_ALLOWED.
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
