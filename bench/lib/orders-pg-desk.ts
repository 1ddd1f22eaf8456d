/**
 * bench:orders-pg's order desk (issue 10) on PostgreSQL: the queue counts, each queue's first
 * page, the filtered searches and the likely repeats of bench/orders.ts's deskFigures, as a city
 * dispatcher, through DeskService on the server's PostgreSQL stores (orderReads, deskReads).
 */
import { formatProblem, loadConfigDir } from '../../src/config/files/index.js';
import { buildWorkCalendar } from '../../src/workorders/deadlines/index.js';
import { DESK_QUEUES, DeskService, type DeskSearch, type DeskUser } from '../../src/workorders/desk/index.js';
import { unitScope as subtreeOf } from '../../src/workorders/dispatch/index.js';
import type { ServerStores } from '../../src/wiring/database.js';
import { pick } from './orders-pg-fill.js';

export type Timings = Record<string, number[]>;

/** Wall milliseconds of each call, by figure (desk_counts, desk_first_page, desk_search, desk_similar); per-kind p50/max on stdout when `print`; `commit` before each call, not timed. */
export async function deskTimings(
  stores: ServerStores,
  now: number,
  maxId: number,
  queries: number,
  print: boolean,
  commit?: () => Promise<unknown>,
): Promise<Timings> {
  const loaded = await loadConfigDir('config');
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  const built = buildWorkCalendar(loaded.config.calendar);
  if (!built.ok) throw new Error('calendar.yaml does not build');
  const { org, sla } = loaded.config;
  const desk = new DeskService({
    orderReads: stores.orderReads,
    deskReads: stores.deskReads,
    org: () => org,
    clocks: () => ({ calendar: built.calendar, sla }),
    unitsInSubtree: (u) => subtreeOf(org, u),
    now: () => now,
  });
  const user: DeskUser = { id: 1, role: 'dispatcher', unitId: null };
  const time = async (fn: () => Promise<unknown>): Promise<number> => {
    await commit?.();
    const q0 = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - q0) / 1e6;
  };
  const out: Timings = { desk_counts: [], desk_first_page: [], desk_search: [], desk_similar: [] };
  const byKind = new Map<string, number[]>();
  const note = (kind: string, ms: number) => byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
  for (let i = 0; i < queries; i++) {
    out.desk_counts!.push(await time(() => desk.counts(user)));
    const queue = pick(DESK_QUEUES, i);
    const ms = await time(() => desk.queue(user, queue, undefined, 20));
    out.desk_first_page!.push(ms);
    note(`queue ${queue} first page`, ms);
  }
  const searches: DeskSearch[] = [
    { q: '噪音扰民', category: 'complaint' },
    { q: '莫干山镇', status: ['in_progress', 'signed'] },
    { q: '公积金提取', leadUnitId: 'city-hpf', sort: 'deadlineAt' },
    { q: '拖欠工资', createdFrom: now - 30 * 86_400_000 },
    { q: '出租车拒载', channel: '12328', overdue: true },
    { phone: '13910000123' },
    { status: ['replied'], category: 'complaint' },
  ];
  for (let i = 0; i < queries; i++) {
    const search = pick(searches, i);
    const ms = await time(() => desk.search(user, { ...search, pageSize: 20 }));
    out.desk_search!.push(ms);
    note(`search ${JSON.stringify(search)}`, ms);
  }
  for (let i = 0; i < queries; i++) out.desk_similar!.push(await time(() => desk.similar(user, 1 + ((i * 7919) % maxId))));
  if (print) for (const [kind, ms] of byKind) process.stdout.write(`  desk ${kind}: p50 ${pct(ms, 50).toFixed(1)} ms, max ${pct(ms, 100).toFixed(1)} ms\n`);
  return out;
}

export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
