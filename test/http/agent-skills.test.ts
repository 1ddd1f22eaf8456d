/**
 * Agents' skills through the real app (issue 11 item 2): administrators and shift leads read and
 * replace them, other roles get 403, anonymous 401; bad input is 400 VALIDATION_FAILED and changes
 * nothing; skills belong to agents and shift leads only; each change is in the audit log.
 */
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';

t.test('agent skills: who may, what is refused, what is audited', async (t) => {
  const app = await testApp(t);
  const admin = await loginCookies(app, 'sk-admin', 'admin');
  const lead = await loginCookies(app, 'sk-lead', 'shift_lead');
  const agentCookies = await loginCookies(app, 'sk-agent', 'agent');
  const dispatcher = await loginCookies(app, 'sk-disp', 'dispatcher');
  const agent = (await app.users.byUsername('sk-agent'))!;
  const url = `/api/agents/${agent.id}/skills`;
  const put = (cookies: { sunline_session: string } | undefined, payload: unknown, to = url) =>
    app.http.inject({ method: 'PUT', url: to, payload: payload as object, ...(cookies ? { cookies } : {}) });
  const skillsOf = async () =>
    (await app.http.inject({ method: 'GET', url: '/api/agents/skills', cookies: admin })).json().agents.find((a: { agentId: number }) => a.agentId === agent.id)
      .skills;

  const good = {
    skills: [
      { skill: 'hrss', level: 1 },
      { skill: 'dialect-wu', level: 2 },
    ],
  };
  t.equal((await put(undefined, good)).statusCode, 401);
  t.equal((await put(agentCookies, good)).statusCode, 403, 'an agent cannot give itself skills');
  t.equal((await put(dispatcher, good)).statusCode, 403);
  t.equal((await app.http.inject({ method: 'GET', url: '/api/agents/skills', cookies: agentCookies })).statusCode, 403);
  t.same(await skillsOf(), []);

  for (const bad of [
    { skills: [{ skill: 'HRSS', level: 1 }] },
    { skills: [{ skill: 'hrss', level: 0 }] },
    { skills: [{ skill: 'hrss', level: 10 }] },
    {
      skills: [
        { skill: 'hrss', level: 1 },
        { skill: 'hrss', level: 2 },
      ],
    },
    { skills: [{ skill: 'hrss', level: 1, extra: true }] },
    { skills: 'hrss:1' },
  ]) {
    const res = await put(admin, bad);
    t.equal(res.statusCode, 400, JSON.stringify(bad));
    t.equal(res.json().error.code, 'VALIDATION_FAILED');
  }
  t.same(await skillsOf(), [], 'nothing changed');
  t.equal((await put(admin, good, '/api/agents/999999/skills')).statusCode, 404);
  const notAgent = await put(admin, good, `/api/agents/${(await app.users.byUsername('sk-disp'))!.id}/skills`);
  t.equal(notAgent.statusCode, 409);
  t.equal(notAgent.json().error.code, 'SKILLS_NOT_AGENT');

  const byAdmin = await put(admin, good);
  t.equal(byAdmin.statusCode, 200);
  t.same(byAdmin.json(), {
    agentId: agent.id,
    skills: [
      { skill: 'dialect-wu', level: 2 },
      { skill: 'hrss', level: 1 },
    ].sort((a, b) => a.level - b.level),
  });
  const byLead = await put(lead, { skills: [{ skill: 'enterprise', level: 2 }] });
  t.equal(byLead.statusCode, 200, 'a shift lead changes them live');
  t.same(await skillsOf(), [{ skill: 'enterprise', level: 2 }], 'the set is replaced');
  const penalty = (cookies: { sunline_session: string }, payload: unknown) =>
    app.http.inject({ method: 'PUT', url: `/api/agents/${agent.id}/penalty`, payload: payload as object, cookies });
  t.equal((await penalty(agentCookies, { penalty: 1 })).statusCode, 403);
  t.equal((await penalty(lead, { penalty: 11 })).statusCode, 400);
  t.equal((await penalty(lead, { penalty: 1 })).json().error.code, 'ASTERISK_UNAVAILABLE', 'without telephony nobody is in the queue');
  const audit = (await app.users.auditLog({ limit: 10, targetUserId: agent.id })).filter((a) => a.action === 'user.skills');
  t.same(
    audit.map((a) => [a.actorId, a.details['from'], a.details['to']]),
    [
      [(await app.users.byUsername('sk-lead'))!.id, 'hrss:1, dialect-wu:2', 'enterprise:2'],
      [(await app.users.byUsername('sk-admin'))!.id, '', 'hrss:1, dialect-wu:2'],
    ],
  );
});
