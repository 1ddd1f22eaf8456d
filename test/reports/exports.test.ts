/**
 * The report exports through the real app: the KPI table and the scorecards as CSV and as XLSX
 * (read back with exceljs), Chinese headers by default, English on request, the same scopes.
 */
import ExcelJS from 'exceljs';
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';
import { buildReportFixture } from '../helpers/report-fixture.js';

t.test('KPI and assessment exports', async (t) => {
  const app = await testApp(t);
  await buildReportFixture(app);
  const lead = await loginCookies(app, 'lead', 'shift_lead');
  const handler = await loginCookies(app, 'hrss.h', 'unit_handler', { unitId: 'city-hrss' });
  const get = (url: string, cookies: Record<string, string>) => app.http.inject({ method: 'GET', url, cookies });

  const csv = await get('/api/reports/kpis.csv?period=day&date=2026-10-09&by=hotline', lead);
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /^text\/csv/);
  t.match(csv.headers['content-disposition'], /attachment; filename="kpis-2026-10-09-2026-10-09-hotline\.csv"/);
  const lines = csv.body
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');
  const header = lines[0]!.split(',');
  t.same(header.slice(0, 4), ['期间', '维度值', '名称', '呼入量']);
  t.ok(header.includes('人工接通率') && header.includes('15秒接通率'));
  t.notOk(header.includes('受理量'), 'no order columns by hotline');
  const cell = (line: string, name: string) => line.split(',')[header.indexOf(name)];
  const total = lines[1]!;
  t.equal(cell(total, '名称'), '合计');
  t.equal(cell(total, '呼入量'), '6');
  t.equal(cell(total, '人工接通率'), '75.0%');
  t.equal(cell(total, '平均应答时长(秒)'), '14.0');
  t.equal(cell(lines[2]!, '期间'), '2026-10-08~2026-10-08', 'the previous day after each line');
  t.equal(lines.length, 1 + 2 + 2 * 2, 'header, total and two hotlines, each for both periods');

  const xlsx = await get('/api/reports/kpis.xlsx?period=day&date=2026-10-09&by=unit&lang=en', lead);
  t.equal(xlsx.statusCode, 200);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
  const sheet = book.worksheets[0]!;
  const head = (sheet.getRow(1).values as unknown[]).slice(1);
  t.same(head.slice(0, 4), ['Period', 'Key', 'Name', 'Accepted']);
  const col = (name: string) => head.indexOf(name) + 1;
  const hrss = sheet
    .getRows(2, sheet.rowCount - 1)!
    .find((r) => r.getCell(col('Key')).value === 'city-hrss' && String(r.getCell(1).value).startsWith('2026-10-09'))!;
  t.equal(hrss.getCell(col('Name')).value, '市人力社保局');
  t.equal(hrss.getCell(col('Dispatched')).value, 2);
  t.equal(hrss.getCell(col('Handled on time')).value, 1);
  t.equal(hrss.getCell(col('Handled on time')).numFmt, '0.0%');

  const scores = await get('/api/reports/assessment.xlsx?month=2026-10', handler);
  t.equal(scores.statusCode, 200);
  const sbook = new ExcelJS.Workbook();
  await sbook.xlsx.load(scores.rawPayload as unknown as ExcelJS.Buffer);
  const ssheet = sbook.worksheets[0]!;
  t.equal(ssheet.name, '承办单位考核 2026-10');
  t.same((ssheet.getRow(1).values as unknown[]).slice(1, 5), ['排名', '单位编码', '单位', '收到工单']);
  t.equal(ssheet.rowCount, 2, 'a unit handler gets its own unit only');
  t.equal(ssheet.getRow(2).getCell(2).value, 'city-hrss');
  t.equal(ssheet.getRow(2).getCell(4).value, 2);

  const scoresCsv = await get('/api/reports/assessment.csv?month=2026-10&lang=en', lead);
  t.match(scoresCsv.body.split('\r\n')[0], /^\uFEFFRank,Unit id,Unit,Received/);

  t.equal((await get('/api/reports/kpis.xlsx?period=custom&date=2026-01-01&to=2027-06-01', lead)).json().error.code, 'PERIOD_TOO_LONG');
  t.equal((await get('/api/reports/kpis.csv', handler)).statusCode, 403);
});
