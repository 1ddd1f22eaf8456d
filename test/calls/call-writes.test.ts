/**
 * The call path's ordered write queue (src/calls/call-writes.ts) with fake writes: one at a
 * time in the order queued, whatever each one's duration; a transient failure retried holding
 * the queue; a refusal of the domain or a constraint violation neither retried nor stopping the
 * writes behind it; one attempt while the database is down; `fence()` drops what is queued;
 * `flushed()` waits for what was queued before it; `stats()` counts.
 */
import t from 'tap';
import { pino } from 'pino';
import { CallWriteDropped, CallWrites } from '../../src/calls/call-writes.js';
import { AppError } from '../../src/errors/index.js';
import { WorkOrderError } from '../../src/workorders/index.js';

/** A logger whose lines are kept (level and message). */
function recordingLog() {
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { log, lines };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A database failure as SQLite reports it (better-sqlite3's SqliteError carries a code). */
const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

t.test('writes run one at a time in the order queued, each after the one before has ended', async (t) => {
  const writes = new CallWrites({ log: pino({ level: 'silent' }) });
  const trace: string[] = [];
  let running = 0;
  let most = 0;
  // The first write takes longest: without the queue the later ones would finish (and start) first.
  const durations = [40, 5, 20, 0, 10];
  const results = durations.map((ms, i) =>
    writes.write(`w${i}`, { i }, async () => {
      running++;
      most = Math.max(most, running);
      trace.push(`start ${i}`);
      await sleep(ms);
      trace.push(`end ${i}`);
      running--;
      return i * 10;
    }),
  );
  t.same(writes.stats(), { queued: 5, failed: 0, dropped: 0 }, 'all five wait or run');
  t.same(await Promise.all(results), [0, 10, 20, 30, 40], "each write's promise resolves with its own result");
  t.same(trace, ['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3', 'start 4', 'end 4']);
  t.equal(most, 1, 'never two at once');
  t.same(writes.stats(), { queued: 0, failed: 0, dropped: 0 });
});

t.test('a write queued after another sees what that one wrote; record() keeps the same order', async (t) => {
  const writes = new CallWrites({ log: pino({ level: 'silent' }) });
  const rows: string[] = [];
  writes.record('a', {}, async () => {
    await sleep(20);
    rows.push('a');
  });
  const seen = writes.write('b', {}, async () => [...rows]);
  writes.record('c', {}, async () => void rows.push('c'));
  t.same(await seen, ['a'], 'b ran after a was written');
  await writes.flushed();
  t.same(rows, ['a', 'c']);
});

t.test('a transient failure is retried after the configured waits, holding the writes behind it', async (t) => {
  const { log, lines } = recordingLog();
  const writes = new CallWrites({ log, retryDelaysMs: [30, 60] });
  const trace: string[] = [];
  let attempts = 0;
  const started = Date.now();
  const first = writes.write('answered', { callId: 'c1' }, async () => {
    attempts++;
    trace.push(`first #${attempts}`);
    if (attempts < 3) throw busy();
    return 'written';
  });
  const second = writes.write('ended', { callId: 'c1' }, async () => void trace.push('second'));
  t.equal(await first, 'written', 'the third attempt succeeds');
  await second;
  t.same(trace, ['first #1', 'first #2', 'first #3', 'second'], 'the write behind waited for the retries');
  t.ok(Date.now() - started >= 85, 'after both waits (30 ms, 60 ms)');
  t.same(writes.stats(), { queued: 0, failed: 0, dropped: 0 }, 'a write that succeeded on a retry is not a failure');
  t.same(
    lines.filter((l) => l.msg.startsWith('call write')).map((l) => [l.level, l.msg]),
    [
      [40, 'call write failed, retrying: answered'],
      [40, 'call write failed, retrying: answered'],
    ],
  );
});

t.test('a write that keeps failing is given up on (logged, its promise rejects); the writes behind it still run', async (t) => {
  const { log, lines } = recordingLog();
  const writes = new CallWrites({ log, retryDelaysMs: [5, 5] });
  let attempts = 0;
  const failing = writes.write('offered', { callId: 'c2' }, async () => {
    attempts++;
    throw busy();
  });
  const after = writes.write('ended', { callId: 'c2' }, async () => 'ok');
  await t.rejects(failing, { code: 'SQLITE_BUSY' });
  t.equal(attempts, 3, 'one attempt and two retries');
  t.equal(await after, 'ok', 'the queue goes on');
  t.equal(writes.stats().failed, 1);
  t.ok(
    lines.some((l) => l.level === 50 && l.msg === 'call write not written: offered'),
    'logged as an error with what it was',
  );
});

t.test('while the database is down (a write given up on, none written since) a write gets one attempt; a success ends the outage', async (t) => {
  const writes = new CallWrites({ log: pino({ level: 'silent' }), retryDelaysMs: [5, 5] });
  const attempts: number[] = [0, 0, 0, 0];
  const write = (i: number, fail: boolean) =>
    writes.write(`w${i}`, {}, async () => {
      attempts[i]!++;
      if (fail) throw busy();
    });
  await t.rejects(write(0, true));
  await t.rejects(write(1, true));
  t.same(attempts.slice(0, 2), [3, 1], 'the first retried, the second tried once: the database is down');
  await write(2, false);
  // The next failure is retried again: the database came back.
  const flaky = { n: 0 };
  await writes.write('w3', {}, async () => {
    attempts[3]!++;
    if (++flaky.n < 2) throw busy();
  });
  t.equal(attempts[3], 2, 'retried once the database came back');
  t.equal(writes.stats().failed, 2);
});

t.test('refusals of the domain and constraint violations are not retried and do not stop the queue', async (t) => {
  const { log, lines } = recordingLog();
  const writes = new CallWrites({ log, retryDelaysMs: [50, 50] });
  const attempts = { app: 0, order: 0, constraint: 0 };
  const trace: string[] = [];
  const app = writes.write('abandoned', { callId: 'c3' }, async () => {
    attempts.app++;
    throw new AppError('NOT_FOUND', 'no such order');
  });
  const order = writes.write('abandoned', { callId: 'c4' }, async () => {
    attempts.order++;
    // What the lifecycle throws when an order has moved on (applyWithin).
    throw new WorkOrderError('CONFLICT', 'order HZ-1 changed meanwhile');
  });
  const constraint = writes.write('createInbound', { callId: 'c5' }, async () => {
    attempts.constraint++;
    // As drizzle wraps better-sqlite3's error: the code is on the cause.
    throw new Error('Failed query: insert into calls', {
      cause: Object.assign(new Error('UNIQUE constraint failed: calls.id'), { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }),
    });
  });
  const pgConstraint = writes.write('createInbound', { callId: 'c6' }, async () => {
    throw Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
  });
  const started = Date.now();
  const after = writes.write('ended', { callId: 'c7' }, async () => void trace.push('after'));
  await t.rejects(app, { code: 'NOT_FOUND' });
  await t.rejects(order, { code: 'CONFLICT' });
  await t.rejects(constraint, /Failed query/);
  await t.rejects(pgConstraint, { code: '23505' });
  await after;
  t.same(attempts, { app: 1, order: 1, constraint: 1 }, 'one attempt each');
  t.same(trace, ['after'], 'the write behind them ran');
  t.ok(Date.now() - started < 50, 'without waiting for a retry');
  t.equal(writes.stats().failed, 2, 'the constraint violations count as writes not written; refusals do not');
  t.notOk(
    lines.some((l) => l.msg.startsWith('call write failed, retrying')),
    'no retry logged',
  );
  // A refusal is not an outage: a later transient failure is retried as usual.
  let n = 0;
  await writes.write('later', {}, async () => {
    if (++n < 2) throw busy();
  });
  t.equal(n, 2, 'retried: the database was never taken for down');
});

t.test('record(): a refusal is logged as a warning and swallowed; a database failure is logged once, by the queue', async (t) => {
  const { log, lines } = recordingLog();
  const writes = new CallWrites({ log, retryDelaysMs: [] });
  writes.record('abandoned', { callId: 'c8' }, async () => {
    throw new WorkOrderError('CONFLICT', 'order HZ-2 changed meanwhile');
  });
  writes.record('offered', { callId: 'c9' }, async () => {
    throw busy();
  });
  await writes.flushed();
  const mine = lines.filter((l) => l.msg.startsWith('call write')).map((l) => [l.level, l.msg]);
  t.same(mine, [
    [40, 'call write refused: abandoned'],
    [50, 'call write not written: offered'],
  ]);
});

t.test('fence(): the writes still queued (and any queued later) are dropped, logged; the running one ends', async (t) => {
  const { log, lines } = recordingLog();
  const writes = new CallWrites({ log });
  const ran: string[] = [];
  let release!: () => void;
  const running = writes.write('answered', { callId: 'c10' }, async () => {
    ran.push('running');
    await new Promise<void>((resolve) => (release = resolve));
    return 'done';
  });
  const queued = writes.write('ended', { callId: 'c10' }, async () => void ran.push('queued'));
  await sleep(5);
  writes.fence();
  release();
  t.equal(await running, 'done', 'the write under way is not interrupted');
  await t.rejects(queued, CallWriteDropped);
  await t.rejects(
    writes.write('later', { callId: 'c11' }, async () => void ran.push('later')),
    CallWriteDropped,
  );
  t.same(ran, ['running'], 'nothing queued ran');
  t.same(writes.stats(), { queued: 0, failed: 0, dropped: 2 });
  t.equal(lines.filter((l) => l.msg.startsWith('call write dropped')).length, 2, 'each drop logged');
});

t.test('fence() during the wait before a retry: the write is dropped at once instead of retried', async (t) => {
  const writes = new CallWrites({ log: pino({ level: 'silent' }), retryDelaysMs: [10_000] });
  let attempts = 0;
  const w = writes.write('queued', {}, async () => {
    attempts++;
    throw busy();
  });
  await sleep(20);
  const started = Date.now();
  writes.fence();
  await t.rejects(w, CallWriteDropped);
  t.ok(Date.now() - started < 1000, 'not after the 10 s wait');
  t.equal(attempts, 1);
});

t.test('flushed(): resolves once every write queued before it has ended, not before; not waiting for later ones', async (t) => {
  const writes = new CallWrites({ log: pino({ level: 'silent' }), retryDelaysMs: [10, 10] });
  t.equal(await Promise.race([writes.flushed().then(() => 'flushed'), sleep(50).then(() => 'timeout')]), 'flushed', 'an empty queue is flushed');
  const done: string[] = [];
  writes.record('a', {}, async () => {
    await sleep(30);
    done.push('a');
  });
  writes.record('b', {}, async () => {
    done.push('b');
    throw busy(); // retried twice, then given up on: it still ends
  });
  const flushed = writes.flushed().then(() => [...done]);
  let releaseLater!: () => void;
  writes.record('later', {}, () => new Promise<void>((resolve) => (releaseLater = resolve)));
  const seen = await Promise.race([flushed, sleep(3000).then(() => 'timeout')]);
  t.same(seen, ['a', 'b', 'b', 'b'], 'after a, and after b and its retries');
  t.equal(writes.stats().queued, 1, 'the later write still runs');
  releaseLater();
  await writes.flushed();
  t.equal(writes.stats().queued, 0);
});
