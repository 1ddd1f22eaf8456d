/**
 * Abuse of every socket event (issue 9, the socket side of test/http/fuzz-openapi.test.ts): each
 * event of the contract, from each console role, with payloads of the wrong type, odd unicode,
 * huge numbers and oversized strings. A payload the event's schema refuses is refused before
 * anything runs; every refusal has a fixed code (never INTERNAL); the socket stays usable. Real
 * socket.io client, real server.
 */
import t from 'tap';
import { ROUTES } from '../../src/realtime/handlers.js';
import { rig } from './fixtures.js';

const NASTY: unknown[] = [
  null,
  'x',
  42,
  1e308,
  true,
  [],
  [{ callId: 'c1' }],
  { callId: '\u0000' },
  { callId: 'x\ud800y', agentId: 2 ** 53 + 2, priority: -1e308, reason: '\u202e'.repeat(51), penalty: 1.5 },
  { callId: 'a'.repeat(101), held: 'yes', muted: 1, digits: '1'.repeat(33), unitId: '中'.repeat(65) },
  { transportId: 't', kind: 'video', dtlsParameters: { fingerprints: [] }, rtpParameters: { codecs: [] }, consumerId: '' },
  { __proto__: { isAdmin: true }, constructor: { prototype: { x: 1 } } },
];

t.test('every socket event refuses malformed payloads with a fixed code, from every console role', async (t) => {
  const r = await rig(t);
  const roles = ['agent', 'shift_lead', 'admin', 'unit_handler'] as const;
  const seen = new Map<string, number>();
  let invalid = 0;
  for (const role of roles) {
    const u = await r.user(role);
    if (role === 'unit_handler') r.app.db.sqlite.prepare("update users set unit_id = 'city-hrss' where id = ?").run(u.id);
    for (const [event, route] of Object.entries(ROUTES)) {
      if (!route.schema) continue;
      // A socket per event: the payloads of one event stay well within its budget.
      const s = await r.connect(u.token);
      for (const payload of NASTY) {
        // The schema is the oracle: what it refuses must be refused before anything runs.
        const valid = route.schema.safeParse(payload).success;
        const ran = r.commands.calls.length;
        const res = await s.ask(event, payload);
        const code = res.ok ? 'ok' : (res.error?.code ?? 'none');
        seen.set(code, (seen.get(code) ?? 0) + 1);
        const what = `${role} ${event} ${JSON.stringify(payload)?.slice(0, 80)}: ${JSON.stringify(res).slice(0, 200)}`;
        if (!res.ok && (!/^[A-Z][A-Z_]*$/.test(code) || code === 'INTERNAL')) t.fail(`not a fixed code: ${what}`);
        if (!valid && (res.ok || r.commands.calls.length !== ran)) t.fail(`invalid payload served: ${what}`);
        if (!valid) invalid++;
      }
      t.ok(s.client.connected, `${role} ${event}: still connected`);
      s.client.disconnect();
    }
  }
  t.ok(invalid > 500, `${invalid} invalid payloads refused`);
  t.notOk(seen.has('INTERNAL'), `answers: ${JSON.stringify(Object.fromEntries(seen))}`);
});
