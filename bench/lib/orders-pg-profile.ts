/**
 * Where PostgreSQL's time went during a timed phase of the orders benches: pg_stat_statements'
 * statements (execution and planning time, calls; the server must load it: startDurablePostgres
 * `statements`) and the autovacuum / autoanalyze runs on the tables, per create.
 */
import type pg from 'pg';

export interface ProfileStart {
  readonly tables: Map<string, TableRuns>;
}
interface TableRuns {
  vacuums: number;
  analyzes: number;
}

async function tableRuns(admin: pg.Pool): Promise<Map<string, TableRuns>> {
  const { rows } = await admin.query<{ t: string; v: number; a: number }>(
    `select relname as t, (autovacuum_count + vacuum_count)::int as v, (autoanalyze_count + analyze_count)::int as a from pg_stat_user_tables`,
  );
  return new Map(rows.map((r) => [r.t, { vacuums: r.v, analyzes: r.a }]));
}

/** Resets pg_stat_statements and notes the tables' vacuum and analyze counts. */
export async function serverProfileStart(admin: pg.Pool, _pid: number): Promise<ProfileStart> {
  await admin.query('select pg_stat_statements_reset()');
  return { tables: await tableRuns(admin) };
}

/** Prints the statements by total time (execution + planning), per create, and the vacuums/analyzes since the start. */
export async function printServerProfile(admin: pg.Pool, start: ProfileStart, creates: number): Promise<void> {
  const { rows } = await admin.query<{ q: string; calls: string; exec: number; plan: number; plans: string; rows: string }>(
    `select left(regexp_replace(query, '\\s+', ' ', 'g'), 110) as q, calls, total_exec_time as exec, total_plan_time as plan, plans, rows
       from pg_stat_statements order by total_exec_time + total_plan_time desc limit 12`,
  );
  process.stdout.write('  pg_stat_statements (per create: execution + planning µs; calls):\n');
  for (const r of rows)
    process.stdout.write(
      `    exec ${((r.exec * 1000) / creates).toFixed(0).padStart(6)}  plan ${((r.plan * 1000) / creates).toFixed(0).padStart(6)}  calls ${r.calls.padStart(6)} (plans ${r.plans})  ${r.q}\n`,
    );
  const after = await tableRuns(admin);
  const runs = [...after]
    .map(([t, n]) => [t, n.vacuums - (start.tables.get(t)?.vacuums ?? 0), n.analyzes - (start.tables.get(t)?.analyzes ?? 0)] as const)
    .filter(([, v, a]) => v > 0 || a > 0);
  process.stdout.write(`  vacuums / analyzes during the creates: ${runs.length === 0 ? 'none' : runs.map(([t, v, a]) => `${t} ${v}/${a}`).join(', ')}\n`);
}
