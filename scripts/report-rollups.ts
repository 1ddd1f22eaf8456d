/**
 * Builds the KPI reports' daily rollups of an existing database at once (src/reports/report-rollups.ts):
 * every closed Beijing day not built yet or marked dirty, newest first, then the months. The server
 * does the same in the background after a start (in a worker thread, one day a second: a big
 * centre's year takes it ~40 min); this step does it at once, e.g. after the upgrade that adds the
 * rollups to a database with a year of data (docs/kpis.md "Daily rollups"), by the same read-then-
 * write builds (RollupBuilder), in this process. Migrates the database first. Restartable: each day
 * is written in one transaction. On PostgreSQL (`--url`, or SUNLINE_DATABASE_URL in the environment)
 * by the same steps on the port, as the server's job there builds them (src/reports/rollups-job.ts).
 *
 *   npm run reports:rollups -- --db /var/lib/sunline/sunline.db
 *   npm run reports:rollups -- --url postgres://sunline@db.internal/sunline
 */
import { parseArgs } from 'node:util';
import { openDb } from '../src/db/connection.js';
import { ReportRollups } from '../src/reports/report-rollups.js';
import { catchUpOps, runRollupOps, type BuiltDay } from '../src/reports/rollup-builder.js';
import { openPostgresDatabase } from '../src/wiring/database.js';

const { values } = parseArgs({ options: { db: { type: 'string' }, url: { type: 'string' } } });
const url = values.db ? undefined : (values.url ?? process.env.SUNLINE_DATABASE_URL);
if ((!values.db && !url) || (values.db && values.url) || (url && !/^postgres(ql)?:\/\//.test(url))) {
  process.stderr.write('usage: npm run reports:rollups -- --db FILE | --url postgres://… (or SUNLINE_DATABASE_URL set)\n');
  process.exit(2);
}
const t0 = performance.now();
let n = 0;
const progress = (b: BuiltDay) => {
  if (b.month || b.outcome !== 'built') return;
  n++;
  if (n % 20 === 0)
    process.stdout.write(
      `${n} days (${b.source} ${new Date(b.day + 8 * 3_600_000).toISOString().slice(0, 10)}, read ${b.readMs} ms, write ${b.writeMs} ms), ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
    );
};
let done = false;
// A day changed while it was read (a server running on this database) stays dirty: another round builds it.
if (url) {
  const pg = await openPostgresDatabase({ url, poolSize: 2 });
  try {
    for (let round = 1; !done && round <= 10; round++) done = await runRollupOps(pg.stores.rollups, catchUpOps(Date.now, Infinity, progress));
  } finally {
    await pg.close();
  }
} else {
  const h = openDb({ file: values.db!, synchronous: 'normal' });
  const rollups = new ReportRollups({ db: h.db });
  for (let round = 1; !done && round <= 10; round++) done = rollups.catchUp(Infinity, progress);
  h.close();
}
process.stdout.write(
  `${n} days built in ${((performance.now() - t0) / 1000).toFixed(1)} s${done ? '' : ' (some still dirty: changed while read, run again)'}\n`,
);
