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
import { rig } from './fixtures.js';

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

const GOOD: Record<string, unknown> = {
  'agent:login': {},
  'agent:pause': { reason: '小休' },
  'call:dtmf': { callId: 'c1', digits: '1' },
  'call:hold': { callId: 'c1', held: true },
  'call:mute': { callId: 'c1', muted: true },
  'call:transfer': { callId: 'c1', unitId: 'city-hrss' },
  'call:conference': { callId: 'c1', unitId: 'city-hrss' },
  'call:dial': { orderId: 1, number: '13800138000' },
  'lead:pause_agent': { agentId: 1, reason: '小休' },
  'lead:unpause_agent': { agentId: 1 },
  'lead:logout_agent': { agentId: 1 },
  'lead:set_priority': { callId: 'c1', priority: 1 },
  'lead:withdraw': { callId: 'c1', agentId: 1 },
  'media:connect': { transportId: 't1', dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AB' }] } },
  'media:produce': { transportId: 't1', kind: 'audio', rtpParameters: { codecs: [{ mimeType: 'audio/PCMU', payloadType: 0, clockRate: 8000 }] } },
  'media:resume': { consumerId: 'c1' },
  'supervision:start': { callId: 'c1', mode: 'listen' },
  'supervision:mode': { mode: 'listen' },
};
const payloadOf = (event: string) => GOOD[event] ?? { callId: 'c1' };

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
