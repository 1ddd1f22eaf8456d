/**
 * Merging the shift leads' queue changes (src/realtime/lead-changes.ts) and applying the merged
 * updates on the page (src/web/lead/lead-state.ts): the merge rules one by one, then a
 * property: over random event streams cut into random ticks, applying the merged updates in
 * order gives the same page state as applying every event on its own, as the page did before.
 */
import { isDeepStrictEqual } from 'node:util';
import t from 'tap';
import type { AgentView, CallControlsView, LeadUpdate, QueueDelta, WaitingCaller } from '../../src/contract/index.js';
import { LeadChanges } from '../../src/realtime/lead-changes.js';
import { waitingCaller } from './fixtures.js';
import { applyControls, applyDelta, applyLeadUpdate, applySnapshot, type LeadState } from '../../src/web/lead/lead-state.js';

const caller = waitingCaller;
const agent = (agentId: number, state: AgentView['state'] = 'available', since = 1): AgentView => ({
  agentId,
  displayName: `坐席${agentId % 3}`,
  state,
  since,
  pauseReason: null,
  callId: state === 'on_call' ? `c${agentId}` : null,
  penalty: 0,
});

t.test('upserts by call id: the later one wins, in the order of their last upsert', async (t) => {
  const c = new LeadChanges();
  c.add({ at: 1, upsertWaiting: [caller('a', { stage: 'greeting' }), caller('b')] });
  c.add({ at: 2, upsertWaiting: [caller('a', { stage: 'queue', priority: 5 })] });
  const u = c.take(1)!;
  t.same(u.upsertWaiting, [caller('b'), caller('a', { stage: 'queue', priority: 5 })]);
  t.equal(u.at, 2, 'at: the newest change');
  t.equal(u.seq, 1);
  t.equal(c.take(2), null, 'taken: nothing left');
});

t.test('a remove cancels earlier upserts; an upsert after a remove brings the caller back', async (t) => {
  const c = new LeadChanges();
  c.add({ at: 1, upsertWaiting: [caller('a'), caller('b')] });
  c.add({ at: 2, removeWaiting: ['a', 'x'] });
  c.add({ at: 3, removeWaiting: ['b'] });
  c.add({ at: 4, upsertWaiting: [caller('b', { priority: 9 })] });
  const u = c.take(7)!;
  t.same(u.removeWaiting, ['a', 'x']);
  t.same(u.upsertWaiting, [caller('b', { priority: 9 })]);
  t.same(u.callers, { a: '1380000a' }, 'the number of a caller who came and went travels apart');
});

t.test('within one delta removes come before upserts, as the page applies them', async (t) => {
  const c = new LeadChanges();
  c.add({ at: 1, removeWaiting: ['a'], upsertWaiting: [caller('a')] });
  const u = c.take(1)!;
  t.same(u.upsertWaiting, [caller('a')]);
  t.notOk(u.removeWaiting);
});

t.test('agents by id, the last view wins (logged out included); ended calls once each', async (t) => {
  const c = new LeadChanges();
  c.add({ at: 1, agents: [agent(1, 'ringing'), agent(2, 'available')] });
  c.add({ at: 2, agents: [agent(1, 'on_call')] });
  c.add({ at: 3, agents: [agent(2, 'logged_out')] });
  c.callEnded('c9', 5);
  c.callEnded('c9', 4);
  const u = c.take(3)!;
  t.same(u.agents, [agent(1, 'on_call'), agent(2, 'logged_out')]);
  t.same(u.endedCalls, ['c9']);
  t.equal(u.at, 5);
});

t.test('the page: a gap in seq is reported, the update is applied anyway; a snapshot sets the next expected seq and older updates are skipped', async (t) => {
  const empty = { waiting: [], agents: [], callers: {}, controls: {}, seq: null };
  let s = applySnapshot(empty, { at: 1, waiting: [caller('a')], agents: [], seq: 4 });
  t.equal(s.seq, 4);
  const next = applyLeadUpdate(s, { seq: 5, at: 2, removeWaiting: ['a'] });
  t.equal(next.gap, false);
  const skipped = applyLeadUpdate(next, { seq: 7, at: 3, upsertWaiting: [caller('b')] });
  t.equal(skipped.gap, true, '6 is missing');
  t.same(
    skipped.waiting.map((w) => w.callId),
    ['b'],
  );
  s = applySnapshot(skipped, { at: 4, waiting: [], agents: [], seq: 9 });
  const old = applyLeadUpdate(s, { seq: 9, at: 3, upsertWaiting: [caller('c')] });
  t.same({ ...old, gap: undefined }, { ...s, gap: undefined }, 'an update the snapshot already holds (sent before it, arriving after) is skipped');
  t.equal(old.gap, false);
  t.equal(applyLeadUpdate(s, { seq: 10, at: 5 }).gap, false);
});

// ---- the property: merged updates ≡ every event applied alone ----

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Event = { kind: 'queue'; delta: QueueDelta } | { kind: 'ended'; callId: string; at: number } | { kind: 'controls'; view: CallControlsView };
type Page = Pick<LeadState, 'waiting' | 'agents' | 'callers' | 'controls' | 'seq'>;

function randomEvents(r: () => number, n: number): Event[] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const ids = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
  const stages: WaitingCaller['stage'][] = ['greeting', 'queue', 'ringing'];
  const states: AgentView['state'][] = ['available', 'ringing', 'on_call', 'wrap_up', 'paused', 'logged_out'];
  const events: Event[] = [];
  for (let i = 0; i < n; i++) {
    const at = 1000 + i;
    const k = r();
    // Ties of priority and arrival on purpose: their order on the page is the order of upserts.
    const waiting = () =>
      caller(pick(ids), { stage: pick(stages), priority: pick([0, 0, 5]), enteredAt: pick([100, 100, 200]), callerNumber: `13${Math.floor(r() * 3)}` });
    if (k < 0.45) {
      const d: QueueDelta = { at };
      if (r() < 0.7) d.upsertWaiting = Array.from({ length: 1 + Math.floor(r() * 2) }, waiting);
      if (r() < 0.4) d.removeWaiting = Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(ids));
      events.push({ kind: 'queue', delta: d });
    } else if (k < 0.75) {
      events.push({ kind: 'queue', delta: { at, agents: [agent(1 + Math.floor(r() * 5), pick(states), at)] } });
    } else if (k < 0.88) {
      events.push({ kind: 'ended', callId: pick(ids), at });
    } else {
      const callId = pick(ids);
      const view: CallControlsView = {
        callId,
        agentId: 1,
        callerNumber: '139',
        held: r() < 0.5,
        muted: false,
        conference: null,
        transferredTo: r() < 0.2 ? { unitId: 'u', unitName: 'U' } : null,
        at,
        version: 1,
      };
      events.push({ kind: 'controls', view });
    }
  }
  return events;
}

/** The page before batching: each event its own message (queue:delta, call:update ended, call:controls). */
function oneByOne(s: Page, events: Event[]): Page {
  for (const e of events) {
    if (e.kind === 'queue') {
      const d = e.delta;
      s = { ...s, ...applyDelta(s, d), callers: rememberAll(s.callers, d.upsertWaiting ?? []) };
    } else if (e.kind === 'ended') {
      const controls = { ...s.controls };
      delete controls[e.callId];
      s = { ...s, controls };
    } else {
      s = { ...s, controls: applyControls(s, e.view) };
    }
  }
  return s;
}
const tapSame = (a: Page, b: Page): boolean => isDeepStrictEqual({ ...a, seq: null }, { ...b, seq: null });
const rememberAll = (known: Record<string, string>, ws: WaitingCaller[]) => ({ ...known, ...Object.fromEntries(ws.map((w) => [w.callId, w.callerNumber])) });

/** The server's side: changes merged until a tick (or a controls view, which flushes first). */
function batched(s: Page, events: Event[], r: () => number): { page: Page; messages: number; gaps: number } {
  const changes = new LeadChanges();
  let seq = s.seq ?? 0;
  let messages = 0;
  let gaps = 0;
  const flush = () => {
    const u: LeadUpdate | null = changes.take(seq + 1);
    if (!u) return;
    seq = u.seq;
    messages++;
    const { gap, ...next } = applyLeadUpdate(s, u);
    if (gap) gaps++;
    s = next;
  };
  for (const e of events) {
    if (e.kind === 'queue') changes.add(e.delta);
    else if (e.kind === 'ended') changes.callEnded(e.callId, e.at);
    else {
      flush();
      messages++;
      s = { ...s, controls: applyControls(s, e.view) };
    }
    if (r() < 0.15) flush(); // a tick
  }
  flush();
  return { page: s, messages, gaps };
}

t.test('property: applying the merged updates in order ≡ applying each event (500 random streams)', async (t) => {
  let saved = 0;
  for (let seed = 1; seed <= 500; seed++) {
    const r = rng(seed);
    const start: Page = {
      ...applyDelta({ waiting: [], agents: [] }, { at: 0, upsertWaiting: [caller('c1'), caller('c9')], agents: [agent(1), agent(2, 'paused')] }),
      callers: { c9: '1380000c9' },
      controls: { c2: { callId: 'c2', agentId: 2, callerNumber: '139', held: true, muted: false, conference: null, transferredTo: null, at: 0, version: 1 } },
      seq: 0,
    };
    const events = randomEvents(r, 5 + Math.floor(r() * 60));
    const expected = oneByOne(start, events);
    const got = batched(start, events, r);
    // Arrays in order (the page's rows); objects by key and value.
    if (!tapSame(got.page, expected)) {
      t.same({ ...got.page, seq: null }, { ...expected, seq: null }, `seed ${seed}: same page state`);
      return;
    }
    if (got.gaps) t.fail(`seed ${seed}: a gap in seq`);
    saved += events.length - got.messages;
  }
  t.pass('500 streams: same waiting callers (in order), agents, caller numbers and controls');
  t.ok(saved > 0, `fewer messages than events (${saved} saved in all)`);
});
