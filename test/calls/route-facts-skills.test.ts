/**
 * The route simulator's facts include the agents' skills, read through the skills store
 * (decision 0017): `sunline route` on the server's database file, and the admin API through the
 * real app, where a skill set over the API changes who is offered a call at once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { AgentSkillsService } from '../../src/agents/skills.js';
import { sqliteSkillsStore } from '../../src/agents/skills-store-sqlite.js';
import { runCli } from '../../src/cli.js';
import { openDb, type DbHandle } from '../../src/db/connection.js';
import { sqliteAsync } from '../../src/db/sqlite-async.js';
import { appQuery } from '../helpers/app-database.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { usersOn } from '../helpers/users.js';

/** Two logged-in, free agents as the running server leaves them in agent_sessions. */
function sessions(h: Pick<DbHandle, 'sqlite'>, agents: Array<{ id: number; name: string; penalty: number }>) {
  const insert = h.sqlite.prepare("insert into agent_sessions (agent_id, display_name, state, since, penalty) values (?, ?, 'available', 0, ?)");
  for (const a of agents) insert.run(a.id, a.name, a.penalty);
}

t.test('sunline route: the agent with the hotline’s skill is offered it now, the other after the overflow', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-route-skills-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const dbFile = path.join(dir, 'sunline.db');
  const h = openDb({ file: dbFile });
  const users = usersOn(t, h, 60_000);
  const admin = await users.create({ username: 'root', displayName: 'root', role: 'admin', password: 'pw-123456' });
  const a1 = await users.create({ username: 'a1', displayName: '坐席一', role: 'agent', password: 'pw-123456' });
  const a2 = await users.create({ username: 'a2', displayName: '坐席二', role: 'agent', password: 'pw-123456' });
  sessions(h, [
    { id: a1.id, name: '坐席一', penalty: 0 },
    { id: a2.id, name: '坐席二', penalty: 3 },
  ]);
  const port = sqliteAsync(h);
  await new AgentSkillsService(sqliteSkillsStore(port)).set(a2.id, [{ skill: 'consumer', level: 1 }], { actorId: admin.id });
  await port.close();
  h.close();

  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['route', '12315', '--at', '2026-10-01 22:00', '--config', 'config', '--db', dbFile], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  t.equal(code, 0, err.join('\n'));
  const text = out.join('\n');
  t.match(text, `offered now to: 坐席二 (#${a2.id}, consumer:1, penalty 3)`);
  t.match(text, `after 10 s waiting (skill overflow) also: 坐席一 (#${a1.id})`);
});

t.test('POST /api/admin/config/simulate: a skill set over the API acts on the next simulation', async (t) => {
  const app = await testApp(t);
  const admin = await loginCookies(app, 'root', 'admin');
  const a1 = await app.users.create({ username: 'a1', displayName: '坐席一', role: 'agent', password: 'pw-123456' });
  const a2 = await app.users.create({ username: 'a2', displayName: '坐席二', role: 'agent', password: 'pw-123456' });
  for (const a of [
    { id: a1.id, name: '坐席一', penalty: 0 },
    { id: a2.id, name: '坐席二', penalty: 3 },
  ])
    await appQuery(app, "insert into agent_sessions (agent_id, display_name, state, since, penalty) values (?, ?, 'available', 0, ?)", [
      a.id,
      a.name,
      a.penalty,
    ]);
  const simulate = async () => {
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/admin/config/simulate',
      cookies: admin,
      payload: { dialled: '12315', at: '2026-10-01 22:00' },
    });
    t.equal(res.statusCode, 200, res.body);
    return (res.json() as { agents: Array<{ agentId: number; offered: boolean; tier: string; skillLevel: number | null }> }).agents.map((a) => ({
      agentId: a.agentId,
      offered: a.offered,
      tier: a.tier,
      skillLevel: a.skillLevel,
    }));
  };
  t.same(
    (await simulate()).map((a) => a.offered),
    [true, true],
    'nobody has the skill: anyone free is offered it',
  );
  const put = await app.http.inject({
    method: 'PUT',
    url: `/api/agents/${a1.id}/skills`,
    cookies: admin,
    payload: { skills: [{ skill: 'consumer', level: 2 }] },
  });
  t.equal(put.statusCode, 200, put.body);
  t.same(await simulate(), [
    { agentId: a1.id, offered: true, tier: 'first', skillLevel: 2 },
    { agentId: a2.id, offered: false, tier: 'after_overflow', skillLevel: null },
  ]);
});
