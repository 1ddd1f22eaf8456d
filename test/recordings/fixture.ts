/** A call, its order and recordings in a test app's database (src/recordings tests). */
import type { Sunline } from '../../src/app.js';

let n = 0;

/** An ended-or-answered call with its order; returns ids. */
export function callWithOrder(
  app: Sunline,
  o: { hotline?: string; agentId?: number | null; state?: 'answered' | 'ended'; leadUnitId?: string | null; status?: string } = {},
): { callId: string; orderId: number; channelId: string } {
  n++;
  const callId = `call-${n}-${Date.now()}`;
  const channelId = `chan-${n}`;
  const state = o.state ?? 'answered';
  app.db.sqlite
    .prepare(
      `insert into calls (id, channel_id, caller_phone, dialled_number, hotline, state, agent_id, entered_at, answered_at, ended_at, outcome)
       values (?, ?, '13800138000', ?, ?, ?, ?, 1, 2, ?, 'answered')`,
    )
    .run(callId, channelId, o.hotline ?? '12345', o.hotline ?? '12345', state, o.agentId ?? null, state === 'ended' ? Date.now() : null);
  const order = app.db.sqlite
    .prepare(
      `insert into work_orders (number, channel, call_id, status, lead_unit_id, co_unit_ids, created_at, updated_at)
       values (?, '12345', ?, ?, ?, '[]', 1, 1) returning id`,
    )
    .get(`HZ-20261205-${String(n).padStart(6, '0')}`, callId, o.status ?? 'draft', o.leadUnitId ?? null) as { id: number };
  return { callId, orderId: order.id, channelId };
}

export function endCall(app: Sunline, callId: string, at = Date.now()): void {
  app.db.sqlite.prepare(`update calls set state = 'ended', ended_at = ? where id = ?`).run(at, callId);
}
