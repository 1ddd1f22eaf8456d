/**
 * The call-control lease (issue 16 item 3) against a real redis-server (tools/redis.ts): one
 * holder at a time; a holder cut off from Redis fences itself while the key is still its own,
 * and a standby takes over within ttl + renew; the old holder cannot renew; a clean release
 * hands over at the standby's next try; Redis gone → the holder fences itself before its ttl.
 * The default timings (ttl 3000 ms, renew 1000 ms): shorter ones fence a holder whose event loop
 * the loaded CI machine stalls for a second, which is right for the lease but not for this test.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import t from 'tap';
import { createClient } from 'redis';
import { CallControlLease, LEASE_KEY } from '../../src/cluster/lease.js';
import { startRedis } from '../../tools/redis.js';
import { testLogger } from '../helpers/test-log.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

const TTL = 3000;
const RENEW = 1000;
/** Scheduling slack on a loaded machine (timers and replies late by this much). */
const SLACK = 500;
const log = testLogger('warn');

interface Holder {
  lease: CallControlLease;
  acquiredAt: number[];
  fenced: Array<{ at: number; reason: string }>;
}

function holder(t: { teardown(fn: () => unknown): void }, url: string, onFenced?: () => void): Holder {
  const h: Holder = { acquiredAt: [], fenced: [], lease: undefined as unknown as CallControlLease };
  h.lease = new CallControlLease({
    url,
    ttlMs: TTL,
    renewMs: RENEW,
    log,
    onAcquired: () => h.acquiredAt.push(performance.now()),
    onFenced: (reason) => {
      h.fenced.push({ at: performance.now(), reason });
      onFenced?.();
    },
  });
  t.teardown(() => h.lease.release());
  return h;
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!cond() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return cond();
}

const leaders = (...hs: Holder[]) => hs.filter((h) => h.lease.role === 'leader');

/**
 * The fence is due at most ttl - renew/2 after the last renewal sent before a cut; its timer runs
 * late by as much as this process's event loop is held up meanwhile (a loaded CI machine held it
 * 516 ms once). Measures that hold-up so the bound checks the lease's schedule, not the machine.
 */
function fenceBound(): () => { boundMs: number; lateMs: number } {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  return () => {
    h.disable();
    const lateMs = h.max / 1e6;
    return { boundMs: TTL - RENEW / 2 + lateMs + 20, lateMs };
  };
}

t.test('two holders: exactly one holds, the key names it', async (t) => {
  const redis = await startRedis(t);
  const a = holder(t, redis.url);
  const b = holder(t, redis.url);
  a.lease.start();
  b.lease.start();
  t.ok(await until(() => leaders(a, b).length === 1, 3000), 'one leader');
  // Several rounds of renewals and acquire attempts: still one, never both.
  let both = false;
  const end = performance.now() + 4 * RENEW;
  while (performance.now() < end) {
    if (leaders(a, b).length !== 1) both = true;
    await new Promise((r) => setTimeout(r, 10));
  }
  t.notOk(both, 'exactly one leader throughout');
  const observer = await createClient({ url: redis.url }).connect();
  t.teardown(() => observer.destroy());
  t.equal(await observer.get(LEASE_KEY), leaders(a, b)[0]?.lease.nodeId, 'the key holds the leader id');
  t.equal(a.acquiredAt.length + b.acquiredAt.length, 1, 'acquired once');
  t.equal(a.fenced.length + b.fenced.length, 0, 'nobody fenced');
});

t.test('a holder cut off from Redis fences itself before its key expires; the standby takes over within ttl + renew; the old one cannot renew', async (t) => {
  const redis = await startRedis(t);
  const proxy = await startTcpProxy(redis.port, t);
  const observer = await createClient({ url: redis.url }).connect();
  t.teardown(() => observer.destroy());
  // At the moment of fencing, what Redis holds: the key must still be the holder's (not yet expired).
  let atFence: Promise<[string | null, number]> | undefined;
  const a = holder(t, `redis://127.0.0.1:${proxy.port}`, () => (atFence = Promise.all([observer.get(LEASE_KEY), observer.pTTL(LEASE_KEY)])));
  a.lease.start();
  t.ok(await until(() => a.lease.role === 'leader', 3000), 'a holds');
  const b = holder(t, redis.url);
  b.lease.start();
  await new Promise((r) => setTimeout(r, 2 * RENEW));
  t.equal(b.lease.role, 'standby', 'b stands by while a renews');

  const late = fenceBound();
  const cutAt = performance.now();
  proxy.cut();
  t.ok(await until(() => a.fenced.length === 1, TTL + RENEW + SLACK), 'a fenced');
  t.equal(a.lease.role, 'standby');
  const cutBound = late();
  t.ok(
    a.fenced[0]!.at - cutAt <= cutBound.boundMs,
    `a fenced ${Math.round(a.fenced[0]!.at - cutAt)} ms after the cut: by ttl - renew/2 plus the loop's hold-up (${Math.round(cutBound.lateMs)} ms)`,
  );
  const [value, pttl] = await atFence!;
  t.equal(value, a.lease.nodeId, 'when a fenced itself the key was still its own');
  t.ok(pttl > 0, `…with ${pttl} ms left: no other node could hold it yet`);

  t.ok(await until(() => b.lease.role === 'leader', TTL + 2 * RENEW), 'b takes over');
  t.ok(b.acquiredAt[0]! - cutAt <= TTL + RENEW + SLACK, `b acquired ${Math.round(b.acquiredAt[0]! - cutAt)} ms after the cut (ttl + renew = ${TTL + RENEW})`);
  t.equal(await observer.get(LEASE_KEY), b.lease.nodeId);

  // The network back: a's late commands change nothing; it cannot renew and stays standby.
  proxy.heal();
  t.equal(await a.lease.renew(), false, 'a cannot renew');
  await new Promise((r) => setTimeout(r, 3 * RENEW));
  t.equal(a.lease.role, 'standby', 'a stays standby');
  t.equal(b.lease.role, 'leader', 'b still holds');
  t.equal(await observer.get(LEASE_KEY), b.lease.nodeId);
  t.equal(b.fenced.length, 0);
});

t.test('a holder whose key another node took is fenced at its next renewal', async (t) => {
  const redis = await startRedis(t);
  const a = holder(t, redis.url);
  a.lease.start();
  t.ok(await until(() => a.lease.role === 'leader', 3000));
  const intruder = await createClient({ url: redis.url }).connect();
  t.teardown(() => intruder.destroy());
  await intruder.set(LEASE_KEY, 'someone-else', { expiration: { type: 'PX', value: 10_000 } });
  t.equal(await a.lease.renew(), false, 'the compare-and-extend refuses');
  t.equal(a.lease.role, 'standby');
  t.match(a.fenced, [{ reason: /another node/ }]);
  t.equal(await intruder.get(LEASE_KEY), 'someone-else', 'the other node keeps its lease (compare-and-delete)');
});

t.test('a clean release hands over at the standby next try, not after the ttl', async (t) => {
  const redis = await startRedis(t);
  const a = holder(t, redis.url);
  a.lease.start();
  t.ok(await until(() => a.lease.role === 'leader', 3000));
  const b = holder(t, redis.url);
  b.lease.start();
  await new Promise((r) => setTimeout(r, 2 * RENEW));
  const releasedAt = performance.now();
  await a.lease.release();
  t.ok(await until(() => b.lease.role === 'leader', TTL), 'b holds');
  t.ok(b.acquiredAt[0]! - releasedAt <= RENEW + SLACK, `b acquired ${Math.round(b.acquiredAt[0]! - releasedAt)} ms after the release (renew ${RENEW})`);
  t.equal(a.fenced.length, 0, 'a released, not fenced');
});

t.test('Redis gone: the holder fences itself before its ttl is over', async (t) => {
  const redis = await startRedis(t);
  const a = holder(t, redis.url);
  a.lease.start();
  t.ok(await until(() => a.lease.role === 'leader', 3000));
  await new Promise((r) => setTimeout(r, RENEW + 50));
  const late = fenceBound();
  const stopAt = performance.now();
  await redis.stop();
  t.ok(await until(() => a.fenced.length === 1, TTL + RENEW + SLACK), 'fenced');
  const stopBound = late();
  t.ok(
    a.fenced[0]!.at - stopAt <= stopBound.boundMs,
    `fenced ${Math.round(a.fenced[0]!.at - stopAt)} ms after Redis went: by ttl - renew/2 plus the loop's hold-up (${Math.round(stopBound.lateMs)} ms)`,
  );
  t.equal(a.lease.role, 'standby');
});

t.test('the renew interval must leave room within the ttl', async (t) => {
  t.throws(() => new CallControlLease({ url: 'redis://127.0.0.1:1', ttlMs: 1000, renewMs: 600, log, onAcquired: () => undefined, onFenced: () => undefined }));
});
