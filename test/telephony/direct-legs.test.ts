/**
 * Bridging a caller sent to an agent with the direct leg, with fake gateways: the direct leg (the
 * ;1 half of the Local channel) enters Stasis only after the agent's answer has passed through,
 * so ARI may refuse it (422) for a moment; the bridging waits for its StasisStart and tries again.
 * Against Asterisk: test/browser/lead-view.test.ts (the lead sends a caller to an agent who
 * answers at once).
 */
import t from 'tap';
import { pino } from 'pino';
import { Switchboard } from '../../src/telephony/switchboard.js';
import { DirectLegs } from '../../src/telephony/direct-legs.js';
import { TelephonyError } from '../../src/telephony/errors.js';
import type { AriClient } from '../../src/telephony/ari/index.js';
import type { AmiGateway } from '../../src/telephony/ami/index.js';

type Handler = (e: { channel: { id: string }; args?: string[]; timestamp?: string }) => void;

function setup() {
  const handlers = new Map<string, Handler>();
  const inStasis = new Set<string>(['caller-1']);
  const calls: string[] = [];
  let refuseOther = false;
  const ari = {
    app: 'sunline',
    on(name: string, fn: Handler) {
      handlers.set(name, fn);
    },
    bridges: {
      create: async () => ({ id: `bridge-${calls.length}` }),
      addChannel: async (bridgeId: string, ids: string[]) => {
        calls.push(`add ${bridgeId} ${ids.join(',')}`);
        if (refuseOther) throw new TelephonyError('ARI_CONFLICT', { detail: 'Bridge in use' });
        if (!ids.every((id) => inStasis.has(id))) throw new TelephonyError('ARI_UNPROCESSABLE', { detail: 'Channel not in Stasis application' });
      },
      destroy: async (bridgeId: string) => {
        calls.push(`destroy ${bridgeId}`);
      },
    },
  } as unknown as AriClient;
  const ami = { on() {} } as unknown as AmiGateway;
  const sb = new Switchboard({ ari, ami, log: pino({ level: 'silent' }) });
  sb.listen({ channelGone: () => undefined } as unknown as Parameters<Switchboard['listen']>[0]);
  const stasisStart = (id: string, kind: string) => {
    inStasis.add(id);
    handlers.get('StasisStart')!({ channel: { id }, args: [kind], timestamp: new Date().toISOString() });
  };
  const stasisEnd = (id: string) => {
    inStasis.delete(id);
    handlers.get('StasisEnd')!({ channel: { id } });
  };
  return { sb, calls, stasisStart, stasisEnd, refuse: () => (refuseOther = true) };
}

t.test('the direct leg already in Stasis: bridged at once', async (t) => {
  const s = setup();
  s.stasisStart('direct-1', 'direct');
  t.equal(await s.sb.bridgeCaller('caller-1', 'direct-1'), 'bridge-0');
  t.same(s.calls, ['add bridge-0 caller-1,direct-1']);
});

t.test('the direct leg entering Stasis just after the answer: bridged on its arrival', async (t) => {
  const s = setup();
  const bridged = s.sb.bridgeCaller('caller-1', 'direct-1');
  await new Promise((r) => setTimeout(r, 20));
  t.same(s.calls, ['add bridge-0 caller-1,direct-1'], 'refused once, waiting');
  s.stasisStart('direct-1', 'direct');
  t.equal(await bridged, 'bridge-0');
  t.same(s.calls, ['add bridge-0 caller-1,direct-1', 'add bridge-0 caller-1,direct-1'], 'added on the second try, into the same bridge');
});

t.test('the direct leg ending instead: refused, the empty bridge destroyed', async (t) => {
  const s = setup();
  const bridged = s.sb.bridgeCaller('caller-1', 'direct-1');
  await new Promise((r) => setTimeout(r, 20));
  s.stasisEnd('direct-1');
  await t.rejects(bridged, { code: 'ARI_UNPROCESSABLE' });
  t.same(s.calls, ['add bridge-0 caller-1,direct-1', 'destroy bridge-0']);
});

t.test('a 422 while the direct leg is in Stasis (the caller is not): refused at once', async (t) => {
  const s = setup();
  s.stasisStart('direct-1', 'direct');
  s.stasisEnd('caller-1');
  await t.rejects(s.sb.bridgeCaller('caller-1', 'direct-1'), { code: 'ARI_UNPROCESSABLE' });
  t.same(s.calls, ['add bridge-0 caller-1,direct-1', 'destroy bridge-0'], 'no wait, no second try');
});

t.test('another refusal is not waited on', async (t) => {
  const s = setup();
  s.refuse();
  await t.rejects(s.sb.bridgeCaller('caller-1', 'direct-1'), { code: 'ARI_CONFLICT' });
  t.same(s.calls, ['add bridge-0 caller-1,direct-1', 'destroy bridge-0']);
});

t.test('DirectLegs: arrival, departure and the deadline', async (t) => {
  const legs = new DirectLegs();
  t.equal(await legs.arrival('a', 10), false, 'nothing arrives: false after the deadline');
  const a = legs.arrival('a', 1_000);
  const a2 = legs.arrival('a', 1_000);
  legs.entered('a');
  t.same(await Promise.all([a, a2]), [true, true], 'every waiter told');
  t.ok(legs.has('a'));
  t.equal(await legs.arrival('a', 0), true, 'already there');
  legs.left('a');
  t.notOk(legs.has('a'));
  const b = legs.arrival('b', 1_000);
  legs.left('b');
  t.equal(await b, false, 'left before arriving');
  const late = legs.arrival('c', 10);
  t.equal(await late, false);
  legs.entered('c');
  t.ok(legs.has('c'), 'a late arrival is still recorded');
});
