/**
 * Builds the KPI reports' daily rollups of an existing database at once (src/reports/report-rollups.ts):
 * every closed Beijing day not built yet or marked dirty, newest first. The server does the same in
 * the background after a start (one day per second, ~0.5–1.4 s of its event loop a day at a big
 * centre); this step does it before, e.g. after the upgrade that adds the rollups to a database
 * with a year of data (docs/kpis.md "Daily rollups"). Migrates the database first. Restartable:
 * each day is one transaction.
 *
 *   npm run reports:rollups -- --db /var/lib/sunline/sunline.db
 */
import { parseArgs } from 'node:util';
import { openDb } from '../src/db/connection.js';
import { ReportRollups } from '../src/reports/report-rollups.js';

const { values } = parseArgs({ options: { db: { type: 'string' } } });
if (!values.db) {
  process.stderr.write('usage: npm run reports:rollups -- --db FILE\n');
  process.exit(2);
}
const h = openDb({ file: values.db, synchronous: 'normal' });
const rollups = new ReportRollups({ db: h.db });
const t0 = performance.now();
let n = 0;
rollups.catchUp(Infinity, (source, day) => {
  n++;
  if (n % 20 === 0)
    process.stdout.write(
      `${n} days (${source} ${new Date(day + 8 * 3_600_000).toISOString().slice(0, 10)}), ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
    );
});
process.stdout.write(`${n} days built in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
h.close();
