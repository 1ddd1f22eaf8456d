/**
 * The desk's queue counts stop at a cap (docs/performance.md, order desk at 1M): each number is
 * counted up to the cap, says when it stopped there, and leaves onTime unknown (null) then. Below
 * the cap every number is exact, colours included.
 */
import t from 'tap';
import { buildWorkCalendar } from '../../src/workorders/deadlines/index.js';
import { SlaConfigSchema } from '../../src/workorders/deadlines/sla-config.js';
import { deskClockConfig } from '../../src/workorders/desk/clocks.js';
import { QUEUE_COUNT_CAP, queueCounts, type DeskViewer } from '../../src/workorders/desk/queues.js';
import { openTmpDb } from '../helpers/db-fixtures.js';

const DAY = 86_400_000;

t.test('queue counts: exact up to the cap, then capped with a flag', async (t) => {
  const h = openTmpDb(t);
  const built = buildWorkCalendar({ timezone: 'Asia/Shanghai', years: {} } as never);
  if (!built.ok) throw new Error('calendar');
  const cfg = deskClockConfig(built.calendar, SlaConfigSchema.parse({}));
  const now = Date.parse('2026-11-26T10:00:00+08:00');
  const insert = h.sqlite.prepare(
    `insert into work_orders (number, channel, status, deadline_at, lead_unit_id, created_at, updated_at) values (?, 'web', ?, ?, 'city-amr', ?, ?)`,
  );
  let n = 0;
  const add = (status: string, deadlineAt: number | null, count: number) => {
    for (let i = 0; i < count; i++, n++) insert.run(`N-${n}`, status, deadlineAt, now - n, now);
  };
  add('accepted', null, 5); // 待派单: 5
  add('in_progress', now - DAY, 3); // overdue: 3 (the in-progress arm)
  add('signed', now - DAY, 2); // overdue: 2 more (another arm of the same queue)
  add('replied', null, 2); // 待审核: 2
  const city: DeskViewer = { scope: { kind: 'all', hideReporter: false }, subPlatformUnitId: null };
  const of = (cap?: number) => Object.fromEntries(queueCounts(h.db, city, now, cfg, cap).map((c) => [c.queue, c]));

  t.equal(QUEUE_COUNT_CAP, 1000, 'the API counts up to 1000');
  const exact = of();
  t.same(exact['to_dispatch'], {
    queue: 'to_dispatch',
    total: 5,
    totalCapped: false,
    overdue: 0,
    overdueCapped: false,
    dueSoon: 0,
    dueSoonCapped: false,
    onTime: 5,
  });
  t.same(exact['overdue'], { queue: 'overdue', total: 5, totalCapped: false, overdue: 5, overdueCapped: false, dueSoon: 0, dueSoonCapped: false, onTime: 0 });

  const capped = of(4);
  t.same(capped['to_dispatch'], {
    queue: 'to_dispatch',
    total: 4,
    totalCapped: true,
    overdue: 0,
    overdueCapped: false,
    dueSoon: 0,
    dueSoonCapped: false,
    onTime: null,
  });
  t.same(
    capped['overdue'],
    { queue: 'overdue', total: 4, totalCapped: true, overdue: 4, overdueCapped: true, dueSoon: 0, dueSoonCapped: false, onTime: null },
    'the cap holds across the arms of a queue',
  );
  t.same(capped['to_review'], {
    queue: 'to_review',
    total: 2,
    totalCapped: false,
    overdue: 0,
    overdueCapped: false,
    dueSoon: 0,
    dueSoonCapped: false,
    onTime: 2,
  });
  const atCap = of(5);
  t.same([atCap['to_dispatch']!['total'], atCap['to_dispatch']!['totalCapped']], [5, false], 'exactly the cap is not capped');
  t.same([atCap['overdue']!['total'], atCap['overdue']!['totalCapped']], [5, false]);
});
