/**
 * The load generators' CPU priority. On this 2-CPU development machine the callers (sipp), the
 * simulated agents and the lead consoles run beside the server and Asterisk they load; at high
 * rates they take most of the CPU and the server's event loop waits for a core (loop stalls of
 * seconds at 28 % of one CPU). In a centre they run on other machines. SUNLINE_BENCH_GENERATOR_NICE
 * (0–19, default 0: as before) renices the generator processes — the sipp launcher (and so every
 * sipp it starts), the agents' and the consoles' processes — so that the system under test gets
 * the CPU first. Reported in the benches' output when set.
 */
import type { ChildProcess } from 'node:child_process';
import os from 'node:os';

export function generatorNice(): number {
  const n = Number(process.env['SUNLINE_BENCH_GENERATOR_NICE'] ?? 0);
  if (!Number.isInteger(n) || n < 0 || n > 19) throw new Error('SUNLINE_BENCH_GENERATOR_NICE must be an integer in [0, 19]');
  return n;
}

/** Renices a forked generator process (its own children inherit the value). */
export function lowerPriority(child: ChildProcess): void {
  const n = generatorNice();
  if (n > 0 && child.pid !== undefined) os.setPriority(child.pid, n);
}
