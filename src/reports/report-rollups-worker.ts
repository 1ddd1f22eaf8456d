/**
 * The report rollups' worker thread (report-rollups.ts, ReportRollups.start): builds the days and
 * months the server's thread asks for, on a connection of its own to the same database file with
 * the server's settings (connection.ts openDb: WAL, busy timeout, its synchronous mode and page cache size; the server
 * has migrated the file), so that a big centre's day — ~0.5 s of reading for its calls, ~1.4 s for
 * its orders — never runs on the server's event loop. One request at a time; the server's thread
 * terminates the thread when the backlog is done or the app closes (a build in progress is rolled
 * back with its transaction).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../db/connection.js';
import { RollupBuilder, type BuiltDay } from './rollup-builder.js';
import type { RollupsWorkerData, RollupsWorkerReply, RollupsWorkerRequest } from './rollups-worker-client.js';

const data = workerData as RollupsWorkerData;
const port = parentPort!;
const h = openDb({ file: data.file, synchronous: data.synchronous, cacheSize: data.cacheSize, migrate: false });
let now = 0;
const gate = data.gate ? new Int32Array(data.gate) : undefined;
const reply = (m: RollupsWorkerReply) => port.postMessage(m);
const builder = new RollupBuilder(
  h.db,
  () => now,
  gate
    ? (source, day, month) => {
        // A test's hook runs in the server's thread between this build's read and its write: wait for it (at most a minute).
        Atomics.store(gate, 0, 0);
        reply({ type: 'read', source, day, month });
        Atomics.wait(gate, 0, 0, 60_000);
      }
    : undefined,
);

port.on('message', (m: RollupsWorkerRequest) => {
  now = m.now;
  try {
    const builds: BuiltDay[] = [];
    const done = builder.catchUp(m.maxDays, (b) => builds.push(b));
    reply({ type: 'done', done, builds });
  } catch (err) {
    reply({ type: 'error', message: (err as Error).message ?? String(err), ...((err as Error).stack ? { stack: (err as Error).stack! } : {}) });
  }
});
