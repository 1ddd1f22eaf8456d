/**
 * What bench:orders-pg reports beside its own figures: bench/orders.ts (SQLite) run in a child
 * process of the same run, the two side by side with issue 16 item 5's targets, and the plans
 * auto_explain logged for the slow statements.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export type Figures = Record<string, number | string>;

/**
 * Runs `tsx bench/orders.ts --orders N --queries Q [--db FILE]` (FILE: generated there once, reused
 * after), its output on ours (prefixed), and resolves to its last line's JSON.
 */
export function runSqliteBench(orders: number, queries: number, db?: string): Promise<Figures> {
  const args = ['bench/orders.ts', '--orders', String(orders), '--queries', String(queries), ...(db ? ['--db', db] : [])];
  process.stdout.write(`SQLite first: ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let last = '';
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim()) last = line;
        process.stdout.write(`sqlite| ${line}\n`);
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (partial.trim()) last = partial;
      if (code !== 0) return reject(new Error(`bench/orders.ts exited with ${code}`));
      try {
        resolve(JSON.parse(last) as Figures);
      } catch {
        reject(new Error(`bench/orders.ts's last line is not JSON: ${last}`));
      }
    });
  });
}

/** Copies the server log's auto_explain entries (each a "duration: … plan:" line and its indented plan) into `to`; resolves to how many. */
export function savePlans(logFile: string, to: string): number {
  const lines = fs.readFileSync(logFile, 'utf8').split('\n');
  const kept: string[] = [];
  let inPlan = false;
  let n = 0;
  for (const line of lines) {
    if (/LOG:\s+duration: [\d.]+ ms\s+plan:/.test(line)) {
      inPlan = true;
      n++;
      kept.push('', line);
    } else if (inPlan && (/^\s/.test(line) || line === '')) kept.push(line);
    else inPlan = false;
  }
  fs.writeFileSync(to, kept.join('\n'));
  return n;
}

/** The two benches side by side (p95 unless named), with the targets of issue 16 item 5. */
export function compareWithSqlite(sqlite: Figures, postgres: Figures): void {
  const rows: Array<[string, string, string, string]> = [
    [
      'create/s, durable, concurrent',
      `${sqlite.create_per_s} (16 in flight)`,
      `${postgres.create_per_s} (${postgres.create_concurrency} in flight)`,
      '≥ 3,000',
    ],
    ['create/s, durable, one at a time', `${sqlite.create_per_s_sync_full} (full)`, `${postgres.create_per_s_sequential}`, ''],
    ['create/s, not flushed', `${sqlite.create_per_s_sync_normal} (normal)`, `${postgres.create_per_s_async} (synchronous_commit off)`, ''],
    ['created accepted/s, durable', `${sqlite.create_accepted_per_s}`, `${postgres.create_accepted_per_s}`, ''],
    ['list p50 / p95 ms', `${sqlite.list_p50_ms} / ${sqlite.list_p95_ms}`, `${postgres.list_p50_ms} / ${postgres.list_p95_ms}`, 'p95 ≤ 20'],
    ['search p50 / p95 ms', `${sqlite.search_p50_ms} / ${sqlite.search_p95_ms}`, `${postgres.search_p50_ms} / ${postgres.search_p95_ms}`, 'p95 ≤ 50'],
    ['unit list p50 / p95 ms', `${sqlite.unit_list_p50_ms} / ${sqlite.unit_list_p95_ms}`, `${postgres.unit_list_p50_ms} / ${postgres.unit_list_p95_ms}`, ''],
    [
      'unit search p50 / p95 ms',
      `${sqlite.unit_search_p50_ms} / ${sqlite.unit_search_p95_ms}`,
      `${postgres.unit_search_p50_ms} / ${postgres.unit_search_p95_ms}`,
      '',
    ],
    ['desk counts p95 ms', `${sqlite.desk_counts_p95_ms}`, `${postgres.desk_counts_p95_ms}`, '≤ 20'],
    ['desk first page p95 ms', `${sqlite.desk_first_page_p95_ms}`, `${postgres.desk_first_page_p95_ms}`, '≤ 20'],
    ['desk filtered search p95 ms', `${sqlite.desk_search_p95_ms}`, `${postgres.desk_search_p95_ms}`, '≤ 50'],
    ['desk repeats p95 ms', `${sqlite.desk_similar_p95_ms}`, `${postgres.desk_similar_p95_ms}`, '≤ 50'],
    ['load (1 min) start → end', `${sqlite.loadavg_1m_start} → ${sqlite.loadavg_1m_end}`, `${postgres.loadavg_1m_start} → ${postgres.loadavg_1m_end}`, ''],
  ];
  process.stdout.write(`\n| ${postgres.orders} orders | SQLite | PostgreSQL | target |\n|---|---|---|---|\n`);
  for (const r of rows) process.stdout.write(`| ${r.join(' | ')} |\n`);
  process.stdout.write('\n');
}
