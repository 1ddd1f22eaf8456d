/**
 * Returns per unit (退回统计): how often each unit sent an order back as not its responsibility
 * over a period, against how many orders it was sent as lead unit. A high rate means the
 * responsibility catalogue (org.yaml) sends it the wrong orders. Read from the history
 * (work_order_events_action_at_idx), so a re-dispatched order still counts for the unit that returned it.
 */
import type { OrderScope } from '../scope.js';
import type { DeskReadsStore } from './desk-reads-store.js';

export interface UnitReturns {
  readonly unitId: string;
  /** Orders dispatched or re-dispatched to it as lead unit in the period. */
  readonly dispatched: number;
  readonly returned: number;
  /** returned / dispatched, 0 when nothing was dispatched to it. */
  readonly rate: number;
}

/** Units with a dispatch or a return since `since`, most returns first; a county sees its subtree's units only. */
export async function unitReturns(store: DeskReadsStore, scope: OrderScope, since: number): Promise<UnitReturns[]> {
  const { returned, dispatched } = await store.read((q) => q.unitReturnCounts(since));
  const byUnit = new Map<string, { dispatched: number; returned: number }>();
  const entry = (u: string) => byUnit.get(u) ?? byUnit.set(u, { dispatched: 0, returned: 0 }).get(u)!;
  for (const r of dispatched) if (r.unitId) entry(r.unitId).dispatched = r.n;
  for (const r of returned) entry(r.unitId).returned = r.n;
  const visible = (u: string) => scope.kind === 'all' || (scope.kind === 'units' && scope.unitIds.includes(u));
  return [...byUnit]
    .filter(([u]) => visible(u))
    .map(([unitId, c]) => ({ unitId, ...c, rate: c.dispatched === 0 ? 0 : Math.round((c.returned / c.dispatched) * 1000) / 1000 }))
    .sort((a, b) => b.returned - a.returned || b.rate - a.rate || a.unitId.localeCompare(b.unitId));
}
