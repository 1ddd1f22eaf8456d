/**
 * The desk's text search in windows (src/workorders/desk/text-window.ts): following its cursors
 * to the end gives exactly the orders, in the same order, that the list's unbounded search
 * (listOrders, every page) gives — for filters most matches pass, few pass and none pass, for the
 * city and a county scope, and with a date range. A page cut short by the window says `partial`,
 * a count it could not finish says `totalCapped`; each match's filters are read on
 * work_orders_desk_facets_idx, not the order row.
 */
import t from 'tap';
import { sqliteAsync } from '../../src/db/sqlite-async.js';
import { searchOrders, type DeskReader, type DeskSearch } from '../../src/workorders/desk/search.js';
import { sqliteOrderReadsStore } from '../../src/workorders/order-reads-store-sqlite.js';
import { sqliteDeskReadsOn } from '../../src/workorders/desk/desk-reads-store-sqlite.js';
import { listOrders, type OrderFilter } from '../../src/workorders/queries.js';
import type { OrderScope } from '../../src/workorders/scope.js';
import { openTmpDb, rng } from '../helpers/db-fixtures.js';

const STATUSES = ['accepted', 'dispatched', 'signed', 'in_progress', 'replied', 'closed'];
const CATEGORIES = ['complaint', 'consultation', 'report'];
const CHANNELS = ['12345', 'web', '12315'];
const UNITS = ['city-amr', 'dq-12345', 'dq-amr'];
const HOUR = 3600_000;

t.test('windows followed to the end give what the unbounded search gives', async (t) => {
  const h = openTmpDb(t);
  const port = sqliteAsync(h);
  t.teardown(() => port.close());
  const source = { orderReads: sqliteOrderReadsStore(port), deskReads: sqliteDeskReadsOn(h.db) };
  const now = Date.parse('2026-11-26T10:00:00+08:00');
  const random = rng(20261205);
  const pick = <T>(a: readonly T[]) => a[Math.floor(random() * a.length)]!;
  const insert = h.sqlite
    .prepare(`insert into work_orders (number, channel, status, category, subject, content, location, lead_unit_id, co_unit_ids, deadline_at, created_at, updated_at)
    values (?, ?, ?, ?, ?, ?, '吴兴区', ?, ?, ?, ?, ?)`);
  const N = 600;
  for (let i = 0; i < N; i++) {
    const created = now - (N - i) * HOUR;
    const status = pick(STATUSES);
    const text = random() < 0.6 ? '小区噪音扰民' : '路灯不亮';
    const unit = status === 'accepted' ? null : pick(UNITS);
    insert.run(
      `N-${i}`,
      pick(CHANNELS),
      status,
      pick(CATEGORIES),
      text,
      `${text}，请处理`,
      unit,
      JSON.stringify(random() < 0.2 ? ['city-amr'] : []),
      unit ? created + 48 * HOUR : null,
      created,
      created,
    );
  }
  // Rare: only three orders match both the phrase and this channel.
  h.sqlite.prepare(`update work_orders set channel = 'wechat' where id in (17, 250, 598)`).run();
  const city: DeskReader = { scope: { kind: 'all', hideReporter: false }, readsPhones: true };
  const county: DeskReader = { scope: { kind: 'units', unitIds: ['dq-12345', 'dq-amr'], hideReporter: true }, readsPhones: false };

  const unbounded = (scope: OrderScope, f: OrderFilter) => {
    const ids: number[] = [];
    for (let page = 1; ; page++) {
      const p = listOrders(h.db, scope, { ...f, page, pageSize: 50 }, now);
      ids.push(...p.items.map((o) => o.id));
      if (p.items.length < 50) return { ids, total: p.total };
    }
  };
  const windowed = async (reader: DeskReader, s: DeskSearch, window: number) => {
    const ids: number[] = [];
    const pages: Array<{ n: number; partial: boolean; total: number; totalCapped: boolean }> = [];
    let cursor: string | undefined;
    for (let i = 0; i < 500; i++) {
      const p = await searchOrders(source, reader, { ...s, pageSize: 7, ...(cursor ? { cursor } : {}) }, now, window);
      if (!p) throw new Error('cursor refused');
      ids.push(...p.items.map((o) => o.id));
      pages.push({ n: p.items.length, partial: p.partial, total: p.total, totalCapped: p.totalCapped });
      if (!p.nextCursor) return { ids, pages };
      cursor = p.nextCursor;
    }
    throw new Error('no end');
  };

  const searches: DeskSearch[] = [
    { q: '噪音扰民' },
    { q: '噪音扰民', category: 'complaint' },
    { q: '噪音扰民', status: ['in_progress', 'signed'] },
    { q: '噪音扰民', channel: 'wechat' },
    { q: '噪音扰民', channel: 'nowhere' },
    { q: '噪音扰民', leadUnitId: 'dq-amr', overdue: true },
    { q: '噪音扰民', createdFrom: now - 200 * HOUR, createdTo: now - 50 * HOUR },
    { q: '噪音扰民 小区', category: 'report', createdFrom: now - 300 * HOUR },
  ];
  for (const reader of [city, county]) {
    for (const s of searches) {
      const want = unbounded(reader.scope, s);
      for (const window of [5, 40, 5000]) {
        const got = await windowed(reader, s, window);
        const name = `${reader === city ? 'city' : 'county'} ${JSON.stringify(s)} window ${window}`;
        t.same(got.ids, want.ids, `${name}: same orders, same order (${want.ids.length})`);
        const first = got.pages[0]!;
        if (window === 5000) t.same([first.total, first.totalCapped], [want.total, false], `${name}: one window counts exactly`);
        else t.ok(first.total <= want.total && (first.totalCapped || first.total === want.total), `${name}: a lower bound, flagged`);
        t.ok(
          got.pages.every((p) => p.n === 7 || p.partial || p === got.pages.at(-1)),
          `${name}: a short page is partial or the last`,
        );
      }
    }
  }
  const rare = await windowed(city, { q: '噪音扰民', channel: 'wechat' }, 40);
  t.ok(
    rare.pages.some((p) => p.partial),
    'a filter few matches pass leaves short pages marked partial',
  );
  t.same(
    (await windowed(city, { q: '噪音扰民', channel: 'nowhere' }, 5000)).pages,
    [{ n: 0, partial: false, total: 0, totalCapped: false }],
    'none: one empty page',
  );
  t.equal(await searchOrders(source, city, { q: '噪音扰民', cursor: 'p2' }, now), null, 'a page cursor is not a text cursor');

  // The filters are read on the facets index: no order row per match.
  const plan = (
    h.sqlite
      .prepare(
        `explain query plan select rowid from work_orders_fts where work_orders_fts match '"噪音扰民"' and exists (select 1 from work_orders indexed by work_orders_desk_facets_idx where work_orders.id = work_orders_fts.rowid and work_orders.channel = 'web')`,
      )
      .all() as Array<{ detail: string }>
  ).map((r) => r.detail);
  t.ok(
    plan.some((d) => d.includes('COVERING INDEX work_orders_desk_facets_idx')),
    plan.join('; '),
  );
});
