/** The lead page's warning list: today's from GET /api/deadline-warnings/today merged with live ones (pure function). */
import t from 'tap';
import type { DeadlineWarning } from '../../src/contract/index.js';
import { MAX_WARNINGS, mergeWarnings } from '../../src/web/lead/warnings.js';

const w = (orderId: number, kind: DeadlineWarning['kind'], deadlineAt: number, at: number): DeadlineWarning => ({
  orderId,
  number: `HZ-${orderId}`,
  kind,
  deadlineAt,
  leadUnitId: null,
  at,
});

t.test('merged newest first, each warning once', async (t) => {
  const loaded = [w(2, 'overdue', 200, 20), w(1, 'due_soon', 100, 10)];
  const live = [w(3, 'sign_overdue', 300, 30)];
  t.same(
    mergeWarnings(live, loaded).map((x) => x.orderId),
    [3, 2, 1],
    'live and loaded, newest first',
  );
  t.same(mergeWarnings(loaded, [w(2, 'overdue', 200, 20)]), loaded, 'the same warning again: listed once');
  t.same(
    mergeWarnings(loaded, [w(1, 'overdue', 100, 40)]).map((x) => `${x.orderId}:${x.kind}`),
    ['1:overdue', '2:overdue', '1:due_soon'],
    'another kind of the same order is another warning',
  );
});

t.test('a newer warning of the same kind for the same order replaces the older one', async (t) => {
  // e.g. the deadline was extended and the new one is due soon too.
  const merged = mergeWarnings([w(1, 'due_soon', 100, 10)], [w(1, 'due_soon', 500, 50)]);
  t.same(merged, [w(1, 'due_soon', 500, 50)]);
  t.same(mergeWarnings([w(1, 'due_soon', 500, 50)], [w(1, 'due_soon', 100, 10)]), [w(1, 'due_soon', 500, 50)], 'whatever the order they arrive in');
});

t.test('capped, keeping the newest', async (t) => {
  const many = Array.from({ length: MAX_WARNINGS + 5 }, (_, i) => w(i + 1, 'overdue', 1000 + i, i));
  const merged = mergeWarnings([], many);
  t.equal(merged.length, MAX_WARNINGS);
  t.equal(merged[0]!.at, MAX_WARNINGS + 4);
  t.equal(merged.at(-1)!.at, 5);
});
