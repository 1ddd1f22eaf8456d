import t from 'tap';
import { isPeriod, periodOf, previousPeriod, type Period } from '../../src/reports/period.js';

const ok = (p: ReturnType<typeof periodOf>): Period => {
  if (!isPeriod(p)) throw new Error(p.message);
  return p;
};

t.test('periods are Beijing calendar days with the period before of the same kind', async (t) => {
  const day = ok(periodOf('day', '2026-10-09'));
  t.equal(day.start, Date.parse('2026-10-09T00:00:00+08:00'));
  t.equal(day.end, Date.parse('2026-10-10T00:00:00+08:00'));
  t.match(previousPeriod(day), { from: '2026-10-08', to: '2026-10-08' });

  const week = ok(periodOf('week', '2026-10-11')); // a Sunday: its week began on Monday 5 Oct
  t.match(week, { from: '2026-10-05', to: '2026-10-11' });
  t.match(previousPeriod(week), { from: '2026-09-28', to: '2026-10-04' });

  const march = ok(periodOf('month', '2026-03-31'));
  t.match(previousPeriod(march), { from: '2026-02-01', to: '2026-02-28' }, 'the calendar month before, not 31 days');
  t.match(previousPeriod(ok(periodOf('month', '2026-01-15'))), { from: '2025-12-01', to: '2025-12-31' });

  const custom = ok(periodOf('custom', '2026-10-01', '2026-10-10'));
  t.match(previousPeriod(custom), { from: '2026-09-21', to: '2026-09-30' });
  t.match(ok(periodOf('custom', '2024-01-01', '2024-12-31')), { to: '2024-12-31' }, 'a leap year fits');
});

t.test('bad dates and ranges are refused with their code', async (t) => {
  t.match(periodOf('day', '2026-02-29'), { ok: false, code: 'PERIOD_INVALID' });
  t.match(periodOf('day', '1999-12-31'), { ok: false, code: 'PERIOD_INVALID' });
  t.match(periodOf('custom', '2026-01-01'), { ok: false, code: 'PERIOD_INVALID' });
  for (const kind of ['day', 'week', 'month'] as const)
    t.match(periodOf(kind, '2026-01-01', '2026-01-31'), { ok: false, code: 'PERIOD_INVALID' }, `a "to" beside a ${kind} is refused, not ignored`);
  t.match(periodOf('custom', '2026-01-01', '2027-01-02'), { ok: false, code: 'PERIOD_TOO_LONG' });
});
