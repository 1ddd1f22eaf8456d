/**
 * The scheduled monthly assessment export: last month's workbook written once into the folder
 * (read back with exceljs), never rewritten; SUNLINE_REPORTS_DIR makes the app write it.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import pino from 'pino';
import { parse } from 'yaml';
import t from 'tap';
import { openTmpDb, tmpDir } from '../helpers/db-fixtures.js';
import { bj, buildReportFixture } from '../helpers/report-fixture.js';
import { testApp } from '../helpers/app.js';
import { OrgSchema } from '../../src/config/files/schemas/org.js';
import { AssessmentConfigSchema } from '../../src/config/files/schemas/assessment.js';
import { AssessmentService } from '../../src/reports/assessment.js';
import { MonthlyExport } from '../../src/reports/monthly-export.js';

const org = OrgSchema.parse(parse(fs.readFileSync('config/org.yaml', 'utf8')));

t.test('on 1 November the October workbook is written once', async (t) => {
  const h = openTmpDb(t);
  await buildReportFixture(h);
  const dir = path.join(tmpDir(t), 'reports');
  const cfg = AssessmentConfigSchema.parse({ minOrders: 1 });
  const assessment = new AssessmentService({ db: h.db, org: () => org, config: () => cfg, now: () => bj('2026-11-01T02:00') });
  const job = new MonthlyExport({ assessment, dir, log: pino({ level: 'silent' }) });
  const file = await job.tick();
  t.equal(file, path.join(dir, 'assessment-2026-10.xlsx'));
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(file!);
  const sheet = book.worksheets[0]!;
  t.equal(sheet.name, '承办单位考核 2026-10');
  t.same(
    [2, 3].map((r) => [sheet.getRow(r).getCell(1).value, sheet.getRow(r).getCell(2).value]),
    [
      [1, 'city-hrss'],
      [2, 'dq-amr'],
    ],
    'every unit, ranked',
  );
  const before = fs.statSync(file!).mtimeMs;
  t.equal(await job.tick(), null, 'an existing file is left alone');
  t.equal(fs.statSync(file!).mtimeMs, before);
  t.same(fs.readdirSync(dir), ['assessment-2026-10.xlsx'], 'no temporary file left');
});

t.test('SUNLINE_REPORTS_DIR: the app writes last month’s workbook at start', async (t) => {
  const dir = path.join(tmpDir(t), 'monthly');
  await testApp(t, { env: { SUNLINE_REPORTS_DIR: dir } });
  const deadline = Date.now() + 10_000;
  while (!(fs.existsSync(dir) && fs.readdirSync(dir).some((f) => /^assessment-\d{4}-\d{2}\.xlsx$/.test(f))) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  t.match(fs.readdirSync(dir), [/^assessment-\d{4}-\d{2}\.xlsx$/]);
});
