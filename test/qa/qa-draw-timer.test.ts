/**
 * The QA sample is drawn by a timer (issue 13 item 4): a finished Beijing day is drawn although
 * nobody opens the worklist, once its grace hour is over, and the lazy draw of a later worklist
 * read adds nothing. A fake clock (the service's `now`) and a short real interval.
 */
import t from 'tap';
import { createLogger } from '../../src/logging/logger.js';
import { QaConfigSchema } from '../../src/qa/qa-config.js';
import { drawQaSamplesEvery } from '../../src/qa/draw-timer.js';
import { sqliteQaStore, startQa } from '../../src/qa/index.js';
import { sqliteAsync } from '../../src/db/sqlite-async.js';
import { openTmpDb } from '../helpers/db-fixtures.js';

const bj = (s: string) => Date.parse(`${s}+08:00`);

async function until(cond: () => boolean, ms = 3000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}

t.test('each finished day is drawn by the timer, once, and the worklist read adds nothing', async (t) => {
  const h = openTmpDb(t);
  h.sqlite.exec(
    `insert into users (id, username, display_name, role, password_hash) values (1, 'a1', 'Agent', 'agent', 'x'), (2, 'a2', 'Agent 2', 'agent', 'x')`,
  );
  const add = h.sqlite.prepare(
    `insert into calls (id, channel_id, caller_phone, dialled_number, hotline, state, agent_id, entered_at, answered_at, ended_at, outcome)
     values (?, ?, '13800138000', '12345', '12345', 'ended', ?, ?, ?, ?, 'answered')`,
  );
  for (let i = 0; i < 4; i++)
    for (const agent of [1, 2]) {
      const at = bj(`2026-12-03T0${i + 1}:00:00`);
      add.run(`c-${agent}-${i}`, `ch-${agent}-${i}`, agent, at, at + 5000, at + 60_000);
    }
  const clock = { now: bj('2026-12-04T00:30:00') };
  const config = QaConfigSchema.parse({ sampling: { perAgentPerDay: 1, lookbackDays: 2 } });
  const asyncDb = sqliteAsync(h);
  t.teardown(() => asyncDb.close());
  const qa = startQa({ store: sqliteQaStore(asyncDb), config: () => config, now: () => clock.now });
  const samples = () => (h.sqlite.prepare('select count(*) as n from qa_samples').get() as { n: number }).n;
  const log = createLogger({ level: 'silent' });

  const stop = drawQaSamplesEvery(qa, log, 10);
  t.teardown(stop);
  await new Promise((r) => setTimeout(r, 50));
  t.equal(samples(), 0, 'within the grace hour after midnight: not drawn yet');

  clock.now = bj('2026-12-04T01:05:00');
  t.ok(await until(() => samples() === 2), 'drawn by the timer: one call per agent, nobody read the worklist');
  await new Promise((r) => setTimeout(r, 50));
  t.equal(samples(), 2, 'later ticks draw nothing more');
  t.equal(await qa.drawDue(), 0, 'the lazy draw adds nothing');
  t.equal((await qa.worklist()).length, 2);
  t.same(h.sqlite.prepare('select agent_id, day, reason from qa_samples order by agent_id').all(), [
    { agent_id: 1, day: '2026-12-03', reason: 'random' },
    { agent_id: 2, day: '2026-12-03', reason: 'random' },
  ]);

  await stop();
  add.run('c-late', 'ch-late', 1, bj('2026-12-04T10:00:00'), bj('2026-12-04T10:00:05'), bj('2026-12-04T10:01:00'));
  clock.now = bj('2026-12-05T02:00:00');
  await new Promise((r) => setTimeout(r, 50));
  t.equal(samples(), 2, 'stopped: no more draws');
});

t.test('a failing draw is logged and retried at the next tick', async (t) => {
  let calls = 0;
  const lines: string[] = [];
  const log = createLogger({ level: 'info' }, { write: (l: string) => void lines.push(l) });
  const stop = drawQaSamplesEvery(
    {
      drawDue: async () => {
        if (++calls === 1) throw new Error('database is locked');
        return 3;
      },
    },
    log,
    10,
  );
  t.teardown(stop);
  t.ok(await until(() => calls >= 2));
  t.match(lines.join(''), /drawing the QA sample failed/);
  t.match(lines.join(''), /QA sample drawn/);
});
