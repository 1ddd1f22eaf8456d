/**
 * The order desk's look-ups on a real SQLite file with the shipped config/*.yaml: likely repeats,
 * the dispatch suggestion of an order, returns per unit, and deadline colours that agree with
 * dueState.
 */
import t from 'tap';
import { formatProblem, loadConfigDir } from '../../src/config/files/index.js';
import type { DbHandle } from '../../src/db/connection.js';
import { buildWorkCalendar, dueState } from '../../src/workorders/deadlines/index.js';
import { clockBoundaries, deskClockConfig } from '../../src/workorders/desk/clocks.js';
import { DeskService, type DeskUser } from '../../src/workorders/desk/index.js';
import { areaOfLocation } from '../../src/workorders/desk/order-suggestion.js';
import { ftsQueryOf, REPEAT_WINDOW_DAYS } from '../../src/workorders/desk/similar.js';
import { unitScope } from '../../src/workorders/dispatch/index.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { Actor, OrderCategory } from '../../src/workorders/lifecycle/index.js';
import { openTmpDb } from '../helpers/db-fixtures.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-26T10:00:00+08:00'); // a Thursday

async function setup(t: { teardown(fn: () => unknown): void }) {
  const loaded = await loadConfigDir('config');
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  const config = loaded.config;
  const built = buildWorkCalendar(config.calendar);
  if (!built.ok) throw new Error('calendar');
  const h: DbHandle = openTmpDb(t);
  h.sqlite.exec(`
    insert into users (id, username, display_name, role, password_hash) values (1, 'a1', 'Agent', 'agent', 'x');
    insert into users (id, username, display_name, role, unit_id, password_hash) values (2, 'u-amr', 'AMR', 'unit_handler', 'city-amr', 'x');
    insert into users (id, username, display_name, role, unit_id, password_hash) values (3, 'u-dq', 'DQ', 'unit_handler', 'dq-amr', 'x');
    insert into users (id, username, display_name, role, password_hash) values (4, 'd1', 'Dispatcher', 'dispatcher', 'x');
    insert into users (id, username, display_name, role, unit_id, password_hash) values (5, 'd2', 'County', 'dispatcher', 'dq-12345', 'x');
  `);
  let now = NOW;
  const orders = new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => now);
  const desk = new DeskService({
    db: h.db,
    org: () => config.org,
    clocks: () => ({ calendar: built.calendar, sla: config.sla }),
    unitsInSubtree: (u) => unitScope(config.org, u),
    now: () => now,
  });
  const agent: Actor = { id: 1, role: 'agent', unitId: null };
  const city: DeskUser = { id: 4, role: 'dispatcher', unitId: null };
  const county: DeskUser = { id: 5, role: 'dispatcher', unitId: 'dq-12345' };
  const make = async (f: { phone?: string; subject: string; location?: string; category?: OrderCategory; confidential?: boolean; daysAgo?: number }) => {
    now = NOW - (f.daysAgo ?? 0) * DAY;
    const draft = await orders.createDraft({ channel: 'web', callerPhone: f.phone ?? null });
    const order = (
      await orders.apply(
        draft.id,
        {
          type: 'accept',
          fields: {
            category: f.category ?? 'complaint',
            subject: f.subject,
            content: f.subject,
            location: f.location ?? null,
            confidential: f.confidential ?? false,
          },
        },
        agent,
      )
    ).order;
    now = NOW;
    return order.id;
  };
  return { h, config, calendar: built.calendar, orders, desk, agent, city, county, make, setNow: (n: number) => (now = n) };
}

t.test('likely repeats: same phone, same place, similar text, within the window, each with its reasons', async (t) => {
  const { desk, city, make } = await setup(t);
  const base = await make({ phone: '13800001111', subject: '小区夜间施工噪音扰民', location: '吴兴区爱山街道潮音桥社区' });
  const samePhone = await make({ phone: '13800001111', subject: '咨询公积金提取', daysAgo: 3 });
  const samePlace = await make({ phone: '13700000000', subject: '路灯不亮', location: '吴兴区爱山街道潮音桥社区', daysAgo: 5 });
  const sameText = await make({ phone: '13600000000', subject: '夜间施工噪音太大睡不着', daysAgo: 1 });
  const all = await make({ phone: '13800001111', subject: '又是小区夜间施工噪音', location: '吴兴区爱山街道潮音桥社区', daysAgo: 2 });
  await make({ phone: '13800001111', subject: '小区夜间施工噪音扰民', location: '吴兴区爱山街道潮音桥社区', daysAgo: REPEAT_WINDOW_DAYS + 2 }); // too old
  await make({ phone: '13500000000', subject: '医院挂号难', location: '南浔镇' }); // unrelated

  const found = await desk.similar(city, base);
  t.same(
    found.map((s) => [s.order.id, s.reasons]),
    [
      [all, ['same_phone', 'same_place', 'similar_text']],
      [samePhone, ['same_phone']],
      [samePlace, ['same_place']],
      [sameText, ['similar_text']],
    ],
    'strongest reasons first; nothing outside the window or unrelated',
  );
});

t.test('repeats respect the scope: a county sees its own orders, never a confidential reporter’s other orders', async (t) => {
  const { desk, orders, county, city, make } = await setup(t);
  const dispatch = (id: number, unit: string) =>
    orders.apply(id, { type: 'dispatch', leadUnitId: unit, deadlineAt: NOW + 10 * DAY }, { id: 4, role: 'dispatcher', unitId: null });
  const a = await make({ phone: '13811112222', subject: '莫干山民宿卫生差', confidential: true });
  const b = await make({ phone: '13811112222', subject: '咨询民宿营业执照办理', daysAgo: 1 });
  const c = await make({ phone: '13811112222', subject: '其他县的事情', daysAgo: 2 });
  await dispatch(a, 'dq-moganshan-gov');
  await dispatch(b, 'dq-amr');
  await dispatch(c, 'wx-gov');
  t.same(
    (await desk.similar(county, a)).map((s) => s.order.id),
    [],
    'the reporter is confidential: the same phone is no reason for a county',
  );
  t.same(
    (await desk.similar(city, a)).map((s) => [s.order.id, s.reasons]),
    [
      [b, ['same_phone']],
      [c, ['same_phone']],
    ],
    'the city sees them',
  );
  t.same(
    (await desk.similar(county, b)).map((s) => s.order.id),
    [],
    'from the other side neither: the confidential order is not shown by phone',
  );
  await t.rejects(desk.similar(county, c), { code: 'ORDER_NOT_FOUND' }, 'another county’s order is not found');
});

t.test('ftsQueryOf: 4-character phrases of the text, any of which may match', async (t) => {
  t.equal(ftsQueryOf('夜间施工噪音'), '"夜间施工" OR "施工噪音"');
  t.equal(ftsQueryOf('路灯'), null, 'too short for the trigram index');
  t.equal(ftsQueryOf('噪音扰民, "quoted"'), '"噪音扰民" OR "quot" OR "oted"');
});

t.test('the dispatch suggestion of an order: its place in the area tree, territory first, the keywords that matched', async (t) => {
  const { desk, city, county, make, config } = await setup(t);
  t.equal(areaOfLocation(config.org, '德清县莫干山镇仙潭村12号')?.area.id, 'dq-moganshan-xiantan', 'the deepest area named');
  t.equal(areaOfLocation(config.org, 'dq-wukang')?.matchedBy, 'id');
  t.equal(areaOfLocation(config.org, '杭州西湖'), null);

  const homestay = await make({ subject: '民宿卫生差，老板态度恶劣', location: '德清县莫干山镇仙潭村' });
  const s = await desk.suggestion(city, homestay);
  t.equal(s.suggestion?.lead, 'dq-moganshan-gov', 'the entry scoped to 莫干山 wins over the city-wide one');
  t.same(s.suggestion?.coHandlers, ['dq-amr']);
  t.same(s.suggestion?.matchedKeywords, ['民宿']);
  t.match(s.suggestion?.reason, /homestay-moganshan/);
  t.same(s.area?.path, ['浙江省', '湖州市', '德清县', '莫干山镇', '仙潭村']);
  t.equal(s.inScope, true);

  const refund = await make({ subject: '商家拒绝退款', location: '吴兴区织里镇' });
  t.equal((await desk.suggestion(city, refund)).suggestion?.lead, 'city-amr');
  await t.rejects(desk.suggestion(county, refund), { code: 'ORDER_NOT_FOUND' }, 'outside the county: not found');
});

t.test('returns per unit: from the history, over the period, most returns first, a county sees its own units', async (t) => {
  const { desk, orders, city, county, make, setNow } = await setup(t);
  const dispatcher: Actor = { id: 4, role: 'dispatcher', unitId: null };
  const amr: Actor = { id: 2, role: 'unit_handler', unitId: 'city-amr' };
  const dq: Actor = { id: 3, role: 'unit_handler', unitId: 'dq-amr' };
  const sendAndReturn = async (unit: string, by: Actor | null, daysAgo = 0) => {
    const id = await make({ subject: '商家拒绝退款', daysAgo });
    setNow(NOW - daysAgo * DAY);
    await orders.apply(id, { type: 'dispatch', leadUnitId: unit, deadlineAt: NOW + 10 * DAY }, dispatcher);
    if (by) await orders.apply(id, { type: 'return', reason: '非本单位职责' }, by);
    setNow(NOW);
    return id;
  };
  await sendAndReturn('city-amr', amr, 40); // before the period
  const again = await sendAndReturn('city-amr', amr);
  await orders.apply(again, { type: 'redispatch', leadUnitId: 'dq-amr', deadlineAt: NOW + 10 * DAY }, dispatcher);
  await orders.apply(again, { type: 'return', reason: '也不是我们的' }, dq);
  await sendAndReturn('city-amr', amr);
  await sendAndReturn('city-amr', null);

  t.same((await desk.returnsByUnit(city, 30)).items, [
    { unitId: 'city-amr', dispatched: 3, returned: 2, rate: 0.667 },
    { unitId: 'dq-amr', dispatched: 1, returned: 1, rate: 1 },
  ]);
  t.same(
    (await desk.returnsByUnit(county, 30)).items.map((u) => u.unitId),
    ['dq-amr'],
    'a county: its own units only',
  );
  t.equal((await desk.returnsByUnit(city, 60)).items[0]?.returned, 3, 'a longer period counts the older return');
});

// Saved filters: test/workorders/saved-filters-store.test.ts (both databases).

t.test('the colour boundaries agree with dueState for every clock, across a weekend and a holiday', async (t) => {
  const { config, calendar } = await setup(t);
  const cfg = deskClockConfig(calendar, config.sla);
  for (const now of [NOW, Date.parse('2026-09-30T16:00:00+08:00'), Date.parse('2026-11-28T11:00:00+08:00')]) {
    const limits = clockBoundaries(now, cfg);
    for (const [clock, limit] of Object.entries(limits) as Array<[keyof typeof limits, number]>) {
      const days = cfg.dueSoonDays(clock);
      const at = (d: number) => dueState(d, now, days, calendar, config.sla.workHours);
      if (at(limit) !== 'due_soon' || at(limit + 1) !== 'on_time') t.fail(`${clock} at ${new Date(now).toISOString()}: ${at(limit)} / ${at(limit + 1)}`);
    }
  }
  t.pass('due soon up to the limit, on time one millisecond after it');
});
