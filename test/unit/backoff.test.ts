import t from 'tap';
import { Backoff, backoffDelay } from '../../src/lib/backoff.js';

const noJitter = () => 0;
const fullJitter = () => 1;

t.test('first retry is fast and each next one grows ×1.7', async (t) => {
  t.equal(backoffDelay(0, {}, noJitter), 250);
  t.equal(backoffDelay(1, {}, noJitter), 425);
  t.equal(backoffDelay(2, {}, noJitter), Math.round(250 * 1.7 ** 2));
});

t.test('delays are capped at 30 s, even for huge attempt numbers', async (t) => {
  t.equal(backoffDelay(20, {}, noJitter), 30_000);
  t.equal(backoffDelay(10_000, {}, noJitter), 30_000);
  t.equal(backoffDelay(Number.MAX_SAFE_INTEGER, {}, noJitter), 30_000);
});

t.test('jitter only shortens, by at most 20 %', async (t) => {
  t.equal(backoffDelay(0, {}, fullJitter), 200);
  t.equal(backoffDelay(50, {}, fullJitter), 24_000);
  for (let i = 0; i < 200; i++) {
    const d = backoffDelay(i % 15, {});
    const base = Math.min(30_000, 250 * 1.7 ** (i % 15));
    t.ok(d <= Math.round(base) && d >= Math.round(base * 0.8), `attempt ${i % 15}: ${d}`);
  }
});

t.test('options override defaults; bad inputs are clamped', async (t) => {
  t.equal(backoffDelay(3, { initialMs: 100, factor: 2, maxMs: 1000, jitter: 0 }), 800);
  t.equal(backoffDelay(4, { initialMs: 100, factor: 2, maxMs: 1000, jitter: 0 }), 1000);
  t.equal(backoffDelay(-5, {}, noJitter), 250, 'negative attempt counts as first');
  t.equal(backoffDelay(0, { jitter: 5 }, fullJitter), 0, 'jitter above 1 is clamped to 1');
  t.equal(
    backoffDelay(0, {}, () => 7),
    200,
    'random above 1 is clamped',
  );
});

t.test('Backoff counts attempts and resets on success', async (t) => {
  const b = new Backoff({}, noJitter);
  t.same([b.next(), b.next(), b.next()], [250, 425, Math.round(250 * 1.7 ** 2)]);
  t.equal(b.attempt, 3);
  b.reset();
  t.equal(b.attempt, 0);
  t.equal(b.next(), 250);
});
