/** A call, its order and recordings in a test app's database, SQLite or PostgreSQL (src/recordings tests). */
import type { Sunline } from '../../src/app.js';
import { appQuery } from '../helpers/app-database.js';

let n = 0;

/** An ended-or-answered call with its order; returns ids. */
export async function callWithOrder(
  app: Sunline,
  o: { hotline?: string; agentId?: number | null; state?: 'answered' | 'ended'; leadUnitId?: string | null; status?: string } = {},
): Promise<{ callId: string; orderId: number; channelId: string }> {
  n++;
  const callId = `call-${n}-${Date.now()}`;
  const channelId = `chan-${n}`;
  const state = o.state ?? 'answered';
  await appQuery(
    app,
    `insert into calls (id, channel_id, caller_phone, dialled_number, hotline, state, agent_id, entered_at, answered_at, ended_at, outcome)
     values (?, ?, '13800138000', ?, ?, ?, ?, 1, 2, ?, 'answered')`,
    [callId, channelId, o.hotline ?? '12345', o.hotline ?? '12345', state, o.agentId ?? null, state === 'ended' ? Date.now() : null],
  );
  const [order] = await appQuery<{ id: number }>(
    app,
    `insert into work_orders (number, channel, call_id, status, lead_unit_id, co_unit_ids, created_at, updated_at)
     values (?, '12345', ?, ?, ?, '[]', 1, 1) returning id`,
    [`HZ-20261205-${String(n).padStart(6, '0')}`, callId, o.status ?? 'draft', o.leadUnitId ?? null],
  );
  return { callId, orderId: order!.id, channelId };
}

export async function endCall(app: Sunline, callId: string, at = Date.now()): Promise<void> {
  await appQuery(app, `update calls set state = 'ended', ended_at = ? where id = ?`, [at, callId]);
}

/** The id of a user by name. */
export async function userId(app: Sunline, username: string): Promise<number> {
  const [row] = await appQuery<{ id: number }>(app, 'select id from users where username = ?', [username]);
  return row!.id;
}

/** The millisecond and byte columns PostgreSQL gives as strings (bigint), as numbers; null stays null. */
const BIGINT_COLUMNS = ['started_at', 'stored_at', 'duration_ms', 'size_bytes', 'purged_at', 'at'];

/** Rows with the bigint columns as numbers, alike on both dialects. */
export function numeric<T extends Record<string, unknown>>(rows: T[]): T[] {
  return rows.map((row) => {
    const out: Record<string, unknown> = { ...row };
    for (const key of BIGINT_COLUMNS) if (typeof out[key] === 'string') out[key] = Number(out[key]);
    return out as T;
  });
}
