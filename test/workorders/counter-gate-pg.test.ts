/**
 * The counter gates of the orders store on PostgreSQL (counter-gate-pg.ts): at most COUNTER_SLOTS
 * creates of one node in the numbered insert of one counter, the others waiting in memory, first
 * come first served; a transaction takes one slot per counter, none once it has sent a
 * statement, and gives them all back at its end.
 */
import t from 'tap';
import { COUNTER_SLOTS, CounterGates, HeldSlots } from '../../src/workorders/counter-gate-pg.js';

const tick = () => new Promise((r) => setImmediate(r));

t.test('COUNTER_SLOTS enter at once, the next ones in turn as slots are given back', async (t) => {
  t.equal(COUNTER_SLOTS, 2);
  const gates = new CounterGates();
  const entered: number[] = [];
  for (let i = 0; i < 4; i++) void gates.enter('c').then(() => entered.push(i));
  await tick();
  t.same(entered, [0, 1], 'two in, two waiting');
  gates.leave('c');
  await tick();
  t.same(entered, [0, 1, 2], 'one given back: the first waiting enters');
  gates.leave('c');
  await tick();
  t.same(entered, [0, 1, 2, 3]);
  let other = false;
  void gates.enter('d').then(() => (other = true));
  await tick();
  t.ok(other, 'another counter has its own slots');
});

t.test("a transaction's slots: one per counter, none after a statement, all given back", async (t) => {
  const gates = new CounterGates();
  const a = new HeldSlots(gates);
  await a.take('c');
  await a.take('c');
  const b = new HeldSlots(gates);
  await b.take('c');
  let third = false;
  const c = new HeldSlots(gates);
  void c.take('c').then(() => (third = true));
  await tick();
  t.notOk(third, "a's second numbered insert of the counter took no second slot; b took the other");
  const late = new HeldSlots(gates);
  late.sent = true;
  let lateIn = false;
  void late.take('c').then(() => (lateIn = true));
  await tick();
  t.ok(lateIn, 'a transaction that has sent a statement (it may hold locks) does not wait here');
  a.release();
  await tick();
  t.ok(third, "a's end gives its slot to the first waiting");
  a.release();
  b.release();
  c.release();
  const d = new HeldSlots(gates);
  const e = new HeldSlots(gates);
  await d.take('c');
  await e.take('c');
  t.pass('all given back: two enter again');
});
