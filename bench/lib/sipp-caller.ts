/**
 * The bench's callers: tools/sipp.ts placeCallBatch — all the calls of a run from ONE sipp process
 * at the offered rate. One sipp per call (the tests' placeCall) put up to 200 processes on the
 * 2-CPU development machine at 10 calls/s (load 24–71) and starved the server under test.
 *
 * sipp is started by a launcher process (bench/lib/sipp-child.ts), not by the bench process that
 * hosts the server: see that file for why.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BatchHandle, BatchOptions, BatchResult } from '../../tools/sipp.js';
import { lowerPriority } from './generator-priority.js';

/** Forks the launcher, which places `opts.calls` from one sipp process and reports when it exits. */
export function benchCallBatch(opts: BatchOptions): BatchHandle {
  const child = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'sipp-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  lowerPriority(child);
  const started = Date.now();
  const lost = (message: string): BatchResult => ({
    calls: opts.calls.map((c) => ({ ...c, startedAt: null, endedAt: null, outcome: 'unknown', sipCode: null })),
    exitCode: null,
    signal: null,
    durationMs: Date.now() - started,
    errors: message,
    output: '',
  });
  const done = new Promise<BatchResult>((resolve) => {
    child.on('message', (m: { type: string; result?: BatchResult; message?: string }) => {
      resolve(m.type === 'done' && m.result ? m.result : lost(m.message ?? 'sipp launcher failed'));
      if (child.connected) child.disconnect();
    });
    child.once('exit', () => resolve(lost('sipp launcher exited')));
  });
  child.send({ type: 'batch', opts });
  return {
    done,
    // The launcher exits on disconnect, and its exit kills its sipp (--pdeathsig, exit hook).
    kill: () => child.connected && child.disconnect(),
  };
}
