/**
 * The lead consoles of bench/fanout.ts: a child process of N consoles on one node
 * (bench/lib/leads-child.ts), and with several nodes the figures of their processes merged.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lowerPriority } from './generator-priority.js';
import type { Teardown } from './run.js';

/** What one consoles process (bench/lib/leads-child.ts) reports. */
export interface ConsolesResult {
  phases: Record<string, Record<string, number | null>>;
  others: Record<string, Record<string, number>>;
  raw?: Record<string, { update: number[]; agentChange: number[] }>;
  loopDelayP99Ms: number;
}

function pct(xs: number[], p: number): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/**
 * The consoles of several processes as if one had held them all: percentiles over every sample
 * (each process's `raw`), counts summed, the worst loop delay.
 */
export function mergeConsoles(parts: ConsolesResult[]): ConsolesResult {
  const names = [...new Set(parts.flatMap((p) => Object.keys(p.phases)))];
  const phases: ConsolesResult['phases'] = {};
  const others: ConsolesResult['others'] = {};
  for (const name of names) {
    const update = parts.flatMap((p) => p.raw?.[name]?.update ?? []);
    const agentChange = parts.flatMap((p) => p.raw?.[name]?.agentChange ?? []);
    const sum = (key: string) => parts.reduce((n, p) => n + (p.phases[name]?.[key] ?? 0), 0);
    phases[name] = {
      update_p50_ms: pct(update, 50),
      update_p99_ms: pct(update, 99),
      update_max_ms: update.length ? Math.max(...update) : null,
      update_samples: update.length,
      agent_change_p50_ms: pct(agentChange, 50),
      agent_change_p99_ms: pct(agentChange, 99),
      agent_change_max_ms: agentChange.length ? Math.max(...agentChange) : null,
      agent_change_samples: agentChange.length,
      messages: sum('messages'),
      bytes: sum('bytes'),
      gaps: sum('gaps'),
      snapshots: sum('snapshots'),
    };
    others[name] = {};
    for (const p of parts) for (const [event, n] of Object.entries(p.others[name] ?? {})) others[name][event] = (others[name][event] ?? 0) + n;
  }
  return { phases, others, loopDelayP99Ms: Math.max(...parts.map((p) => p.loopDelayP99Ms)) };
}

export interface LeadsChild {
  phase(name: string): void;
  finish(): Promise<ConsolesResult>;
}

/** `count` consoles of `url` in a child process; `raw`: it also reports its samples (for mergeConsoles). */
export function startLeads(teardown: Teardown, url: string, tokens: string[], count: number, sampled: number, raw: boolean): Promise<LeadsChild> {
  const child = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'leads-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, SUNLINE_BENCH_LEADS: JSON.stringify({ url, tokens, count, sample: sampled, raw }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  lowerPriority(child);
  teardown.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let result: ((r: ConsolesResult) => void) | undefined;
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`lead consoles process exited (${code})`)));
    child.on(
      'message',
      (m: {
        type: string;
        message?: string;
        phases?: Record<string, Record<string, number | null>>;
        others?: Record<string, Record<string, number>>;
        raw?: ConsolesResult['raw'];
        loopDelayP99Ms?: number;
      }) => {
        if (m.type === 'error') reject(new Error(`lead consoles: ${m.message ?? ''}`));
        else if (m.type === 'result')
          result?.({ phases: m.phases ?? {}, others: m.others ?? {}, ...(m.raw ? { raw: m.raw } : {}), loopDelayP99Ms: m.loopDelayP99Ms ?? 0 });
        else if (m.type === 'ready') {
          resolve({
            phase: (name) => child.send({ type: 'phase', name }),
            finish: () =>
              new Promise((res, rej) => {
                result = res;
                setTimeout(() => rej(new Error('lead consoles: no result')), 60_000).unref();
                child.send({ type: 'stop' });
              }),
          });
        }
      },
    );
  });
}
