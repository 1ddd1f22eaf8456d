/**
 * bench:orders-pg's orders, generated inside PostgreSQL: the very rows bench/orders.ts inserts
 * into SQLite (the same subjects, places, details, statuses, categories, units, channels, numbers,
 * phones and times, picked by the same index arithmetic), so that the two benches' figures
 * compare. What bench/orders.ts updates later for its unit and desk figures is written at once:
 * one dispatched order in four (id % 4 = 0) also co-handled by city-urban, one in-progress order
 * in 500 with an extension request waiting. One INSERT … SELECT over generate_series per 100,000 orders (work_order_units' trigger
 * runs per row, as on a server); the secondary indexes of work_orders and work_order_units are
 * dropped first and built again after, from their own definitions (pg_indexes) — the migration's
 * indexes, built once instead of entry by entry — then VACUUM ANALYZE (what autovacuum would have
 * done on a server that had taken these orders over months).
 */
import type pg from 'pg';

// The lists of bench/orders.ts, in the same order (its fill picks from them by index).
export const SUBJECTS = [
  '超市售卖过期食品',
  '小区噪音扰民',
  '路灯不亮',
  '公积金提取咨询',
  '社保卡补办',
  '公交线路调整建议',
  '物业收费纠纷',
  '违章停车占道',
  '餐馆油烟污染',
  '医保报销咨询',
  '拖欠工资',
  '网购退款纠纷',
  '道路积水',
  '商标侵权举报',
  '出租车拒载投诉',
];
export const PLACES = ['吴兴区爱山街道', '南浔区南浔镇', '德清县武康街道', '德清县莫干山镇', '吴兴区织里镇', '南浔区练市镇'];
export const DETAILS = ['市民反映情况属实，请尽快处理', '多次反映未解决', '希望有关部门核实', '已持续一周', '涉及多户居民', '请求回电告知结果'];
export const STATUSES = ['closed', 'closed', 'closed', 'evaluated', 'in_progress', 'signed', 'dispatched', 'replied', 'answered_on_spot', 'accepted'] as const;
export const CATEGORIES = ['consultation', 'request_for_help', 'complaint', 'report', 'suggestion', 'praise'] as const;
export const UNITS = ['city-amr', 'city-hrss', 'city-transport', 'city-housing', 'city-urban', 'deqing-amr', 'wuxing-aishan'];
export const CHANNELS = ['12345', '12333', '12328', '12315', '12330', '12356', '12329', 'web', 'wechat'];

export const pick = <T>(a: readonly T[], i: number): T => a[i % a.length]!;

const TABLES = ['work_orders', 'work_order_units'];

/**
 * Orders 0 … n-1 as bench/orders.ts makes them (order i created `now - (n - i) * 30 s`), ids 1 … n.
 * Progress on stdout; resolves to the seconds the rows, the indexes and the VACUUM ANALYZE took.
 */
export async function fillOrders(pool: pg.Pool, n: number, now: number): Promise<{ rowsS: number; indexesS: number; vacuumS: number }> {
  const { rows: indexes } = await pool.query<{ name: string; def: string }>(
    `select i.indexname as name, i.indexdef as def from pg_indexes i
      where i.schemaname = 'public' and i.tablename = any($1)
        and not exists (select 1 from pg_constraint c where c.conindid = to_regclass(quote_ident(i.indexname)))`,
    [TABLES],
  );
  for (const ix of indexes) await pool.query(`drop index "${ix.name}"`);
  const t0 = Date.now();
  const STEP = 100_000;
  // PostgreSQL's arrays count from 1: a[(x % len) + 1] is bench/orders.ts's pick(a, x).
  const insert = `insert into work_orders
      (number, channel, caller_phone, caller_name, category, subject, content, location, status, lead_unit_id, deadline_at, created_at, updated_at,
       co_unit_ids, pending_extension)
    select 'BN-' || lpad(i::text, 8, '0'),
      ($3::text[])[i % 9 + 1],
      '139' || left((10000000 + i % 89999999)::text, 8),
      null,
      ($4::text[])[(i * 5) % 6 + 1],
      ($5::text[])[i % 15 + 1],
      ($6::text[])[(i * 5) % 6 + 1] || ($5::text[])[i % 15 + 1] || '，' || ($7::text[])[(i * 11) % 6 + 1] || '（编号' || i || '）',
      ($6::text[])[(i * 5) % 6 + 1],
      s.status,
      case when s.dispatched then ($8::text[])[(i * 13) % 7 + 1] end,
      case when s.dispatched then $9::bigint - ($10::bigint - i) * 30000 + 5 * 86400000 end,
      $9::bigint - ($10::bigint - i) * 30000,
      $9::bigint - ($10::bigint - i) * 30000,
      case when s.dispatched and ($8::text[])[(i * 13) % 7 + 1] <> 'city-urban' and (i + 1) % 4 = 0 then '["city-urban"]'::jsonb else '[]'::jsonb end,
      case when s.status = 'in_progress' and (i + 1) % 500 = 0
        then jsonb_build_object('days', 3, 'reason', '需现场核查', 'requestedAt', $9::bigint, 'requestedBy', 1) end
    from generate_series($1::bigint, $2::bigint - 1) as i,
      lateral (select ($11::text[])[(i * 7) % 10 + 1] as status) st,
      lateral (select st.status as status, st.status not in ('answered_on_spot', 'accepted') as dispatched) s
    order by i`;
  for (let from = 0; from < n; from += STEP) {
    const to = Math.min(n, from + STEP);
    await pool.query(insert, [from, to, CHANNELS, [...CATEGORIES], SUBJECTS, PLACES, DETAILS, UNITS, now, n, [...STATUSES]]);
    process.stdout.write(`  filled ${to} orders (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
  const rowsS = (Date.now() - t0) / 1000;
  const i0 = Date.now();
  for (const ix of indexes) await pool.query(ix.def);
  const indexesS = (Date.now() - i0) / 1000;
  const v0 = Date.now();
  for (const t of TABLES) await pool.query(`vacuum analyze ${t}`);
  return { rowsS, indexesS, vacuumS: (Date.now() - v0) / 1000 };
}
