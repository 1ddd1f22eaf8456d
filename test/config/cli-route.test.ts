/**
 * `sunline route` (issue 11 item 6): the simulator on a config folder and the server's database,
 * as an administrator types it; refusals of bad input with the usage.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { runCli } from '../../src/cli.js';
import { openDb } from '../../src/db/connection.js';
import { agentSessionsOn } from '../helpers/agent-sessions.js';
import { usersOn } from '../helpers/users.js';

async function route(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['route', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

t.test('sunline route 12315 --at "2026-10-01 22:00" --from 13800000000', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-route-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const dbFile = path.join(dir, 'sunline.db');
  const h = openDb({ file: dbFile });
  const agent = await usersOn(t, h, 60_000).create({ username: 'a1', displayName: '坐席一', role: 'agent', password: 'pw-123456' });
  await agentSessionsOn(t, h).save({ agentId: agent.id, displayName: '坐席一', state: 'available', since: 0, pauseReason: null, callId: null, penalty: 1 });
  h.close();

  const r = await route(['12315', '--at', '2026-10-01 22:00', '--from', '13800000000', '--config', 'config', '--db', dbFile]);
  t.equal(r.code, 0, r.err);
  t.match(r.out, 'call from 13800000000 to 12315 at 2026-10-01 22:00 (Asia/Shanghai)');
  t.match(r.out, 'hotline: 12315 消费维权热线 / Consumer Rights Hotline');
  t.match(r.out, 'line: open; official holiday 国庆节');
  t.match(r.out, 'plays: greeting sunline/greeting-12315 → sunline/greeting-default (first that exists)');
  t.match(r.out, 'then: the 12345 queue, skill consumer');
  t.match(r.out, /priority: \d+ \(hotline boost \d+; repeat caller no\)/);
  t.match(r.out, `offered now to: 坐席一 (#${agent.id}, penalty 1)`);

  const json = await route(['12315', '--at', '2026-10-01 22:00', '--json', '--config', 'config', '--db', path.join(dir, 'none.db')]);
  t.equal(json.code, 0);
  t.match(JSON.parse(json.out), { hotline: { number: '12315' }, holiday: '国庆节', agents: [] });
  t.match(json.err, 'no database at');
  t.notOk(fs.existsSync(path.join(dir, 'none.db')), 'no database is created by a simulation');

  t.equal((await route(['12315', '--at', '2026-02-30 10:00', '--config', 'config'])).code, 2);
  t.equal((await route(['--at', '2026-10-01 22:00', '--config', 'config'])).code, 2);
  t.equal((await route(['12315', '--config', path.join(dir, 'nowhere')])).code, 1);
});

t.test('a repeated option is a usage error, not the last one silently taken', async (t) => {
  for (const args of [
    ['12315', '--from', '13800000000', '--from', '13900000000'],
    ['12315', '--at', '2026-10-01 22:00', '--at', '2026-10-02 09:00'],
    ['12315', '--config', 'config', '--config', 'config'],
    ['12315', '--db', 'a.db', '--db', 'b.db'],
    ['12315', '--json', '--json'],
  ]) {
    const flag = args[1]!;
    const r = await route(args);
    t.equal(r.code, 2, `${args.join(' ')}: a usage error`);
    t.match(r.err, `sunline route: ${flag} is given twice`, `${args.join(' ')}: names the option`);
    t.match(r.err, 'route NUMBER', 'with the usage');
    t.equal(r.out, '', 'nothing simulated');
  }
});
