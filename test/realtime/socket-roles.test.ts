/**
 * Who may send which socket command, from every role that may connect, with a good payload: agents
 * their own agent, call and softphone commands; shift leads and admins the lead, supervision and
 * softphone commands; dispatchers, unit handlers and wall screens nothing but `sync`. Any other is
 * refused with FORBIDDEN before its payload is read and no command runs. The expected table is
 * written out here, not derived from session.ts. Real socket.io clients, fake commands.
 */
import t from 'tap';
import { ROUTES } from '../../src/realtime/handlers.js';
import type { UserRole } from '../../src/db/schema.js';
import { GOOD_PAYLOADS, rig } from './fixtures.js';

const AGENT = /^(agent|call|media):/;
const LEAD = /^(lead|supervision|media):/;
const allowed: Record<string, (event: string) => boolean> = {
  agent: (e) => e === 'sync' || AGENT.test(e),
  shift_lead: (e) => e === 'sync' || LEAD.test(e),
  admin: (e) => e === 'sync' || LEAD.test(e),
  dispatcher: (e) => e === 'sync',
  unit_handler: (e) => e === 'sync',
  wallboard: (e) => e === 'sync',
};

const payloadOf = (event: string) => GOOD_PAYLOADS[event] ?? { callId: 'c1' };

t.test('every command from every role: allowed ones reach their command, the others are FORBIDDEN and run nothing', async (t) => {
  const r = await rig(t);
  for (const role of Object.keys(allowed) as UserRole[]) {
    const username = `${role}-roles`;
    await r.app.users.create({
      username,
      displayName: username,
      role,
      password: 'long enough password',
      ...(role === 'unit_handler' ? { unitId: 'city-hrss' } : {}),
    });
    const s = await r.connect((await r.app.users.login(username, 'long enough password'))!.token);
    for (const [event, route] of Object.entries(ROUTES)) {
      if (route.schema) t.ok(route.schema.safeParse(payloadOf(event)).success, `${event}: the payload is good`);
      const ran = r.commands.calls.length;
      const res = await s.ask(event, payloadOf(event));
      if (allowed[role]!(event)) t.not(res.error?.code, 'FORBIDDEN', `${role} may send ${event}`);
      else {
        t.same(res, { ok: false, error: { code: 'FORBIDDEN', message: 'not allowed for your role' } }, `${role} may not send ${event}`);
        t.equal(r.commands.calls.length, ran, `${role} ${event}: no command ran`);
      }
    }
    s.client.disconnect();
  }
});
