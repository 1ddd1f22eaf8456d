/**
 * Bulk import from an Excel workbook (issue 15 item 6, .xlsx beside CSV and Markdown): each
 * non-empty sheet a table with the CSV import's header; numbers and dates as Excel stores them;
 * every problem names the file, the sheet, the row and the column (and the cell, e.g. C3); all or
 * nothing; bounded in bytes and rows. The workbooks are generated here with exceljs.
 */
import ExcelJS from 'exceljs';
import t from 'tap';
import { formatProblem } from '../../src/config/files/problem.js';
import { declaredUnpackedBytes, MAX_XLSX_BYTES, MAX_XLSX_ROWS, MAX_XLSX_UNPACKED_BYTES, readXlsx } from '../../src/kb/xlsx-import.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { appQuery } from '../helpers/app-database.js';

const HEADER = ['标题', '内容', '类型', '热线', '关键词', '复核日期'];

/** A workbook: sheet name → rows (the header first). */
async function workbook(sheets: Record<string, unknown[][]>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet = book.addWorksheet(name);
    for (const row of rows) sheet.addRow(row);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

const lines = (r: { problems: Parameters<typeof formatProblem>[0][] }) => r.problems.map(formatProblem);

const faq = (type: string, reviewBy: unknown) => ({
  常见问题: [
    HEADER,
    ['社保卡怎么挂失', '拨打12333挂失，或到银行网点办理。', '常见问答', 12333, '挂失、补卡', new Date(Date.UTC(2027, 5, 30))],
    ['失业金标准', '每月按最低工资标准的90%发放', type, 12333, '', reviewBy],
  ],
  说明: [],
  办事指南: [
    ['标题', '内容', '类型'],
    ['养老金领取', '到社保经办机构办理', '办事指南'],
  ],
});

t.test('readXlsx: cells as Excel keeps them; problems name sheet, row and column', async (t) => {
  const bad = await readXlsx({ name: 'hrss.xlsx', data: await workbook(faq('问答', '2027-13-01')) }, 'city-hrss');
  t.same(lines(bad), [
    'hrss.xlsx[常见问题]:3:3 C3 type: must be one of 政策法规/职能职责/办事指南/常见问答/临时通知',
    'hrss.xlsx[常见问题]:3:6 F3 reviewBy: must be a date that exists',
  ]);
  const ok = await readXlsx({ name: 'hrss.xlsx', data: await workbook(faq('常见问答', '2027-01-31')) }, 'city-hrss');
  t.same(lines(ok), []);
  t.same(
    ok.candidates.map((c) => [c.fields.title, c.fields.type, c.fields.hotlines, c.fields.keywords, c.fields.reviewBy ?? null, c.fields.unitId]),
    [
      ['社保卡怎么挂失', 'faq', ['12333'], ['挂失', '补卡'], '2027-06-30', 'city-hrss'],
      ['失业金标准', 'faq', ['12333'], [], '2027-01-31', 'city-hrss'],
      ['养老金领取', 'guide', undefined, undefined, null, 'city-hrss'],
    ],
    'a number is the hotline as written, a date cell its day, a short row empty at its end',
  );
  t.same(ok.candidates[2]!.at, { file: 'hrss.xlsx[办事指南]', line: 2, col: 1 });

  const extra = await readXlsx(
    {
      name: 'x.xlsx',
      data: await workbook({
        表: [
          ['标题', '内容', '类型'],
          ['a', 'b', '常见问答', '多余'],
        ],
      }),
    },
    null,
  );
  t.same(lines(extra), ['x.xlsx[表]:2:1 A2 the row has 4 cells; the header has 3']);
  const unknown = await readXlsx({ name: 'x.xlsx', data: await workbook({ 表: [['标题', '内容', '类别']] }) }, null);
  t.match(lines(unknown), ['x.xlsx[表]:1:3 C1 unknown column "类别"; columns: 标题, 问题', 'x.xlsx[表]:1:1 A1 the header has no type column']);
  t.same(lines(await readXlsx({ name: 'empty.xlsx', data: await workbook({ 空: [] }) }, null)), [
    'empty.xlsx:1:1 the workbook has no rows: a header row (标题,内容,类型,…) is needed',
  ]);
  t.same(lines(await readXlsx({ name: 'zip.xlsx', data: Buffer.from('PK\u0003\u0004 not really a workbook') }, null)), [
    'zip.xlsx:1:1 not an Excel workbook (.xlsx)',
  ]);
  t.same(lines(await readXlsx({ name: 'big.xlsx', data: Buffer.alloc(MAX_XLSX_BYTES + 1) }, null)), [
    `big.xlsx:1:1 the workbook has ${MAX_XLSX_BYTES + 1} bytes; at most ${MAX_XLSX_BYTES} are taken`,
  ]);
  // A zip that declares gigabytes unpacked (a zip bomb's shape) is refused before it is opened.
  const small = await workbook(faq('常见问答', null));
  t.ok(declaredUnpackedBytes(small)! > small.length, 'a real workbook declares its unpacked size');
  const bomb = Buffer.from(small);
  for (let i = bomb.length - 22; i >= 0; i--)
    if (bomb.readUInt32LE(i) === 0x06054b50) {
      bomb.writeUInt32LE(MAX_XLSX_UNPACKED_BYTES + 1, bomb.readUInt32LE(i + 16) + 24); // the first entry's uncompressed size
      break;
    }
  t.match(lines(await readXlsx({ name: 'bomb.xlsx', data: bomb }, null)), [/^bomb\.xlsx:1:1 the workbook unpacks to \d+ bytes; at most 33554432 are taken$/]);
  const many = Array.from({ length: MAX_XLSX_ROWS }, (_, i) => [`问题${i}`, '答案', '常见问答']);
  t.same(lines(await readXlsx({ name: 'long.xlsx', data: await workbook({ 表: [['标题', '内容', '类型'], ...many] }) }, null)), [
    `long.xlsx[表]:1:1 more than ${MAX_XLSX_ROWS} rows in the workbook`,
  ]);
});

t.test('POST /api/kb/import with an .xlsx: all or nothing, drafts of the unit, bounded', async (t) => {
  const app = await testApp(t);
  const hrss = await loginCookies(app, 'hrss1', 'unit_handler', { unitId: 'city-hrss' });
  const qa = await loginCookies(app, 'qa1', 'qa');
  const articles = async () => Number((await appQuery<{ n: number | string }>(app, 'select count(*) as n from kb_articles'))[0]!.n);
  const post = async (cookies: typeof hrss, payload: object) => {
    const res = await app.http.inject({ method: 'POST', url: '/api/kb/import', cookies, payload });
    return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, any> };
  };
  const xlsx = async (type: string) => ({ format: 'xlsx', files: [{ name: 'hrss.xlsx', data: (await workbook(faq(type, null))).toString('base64') }] });

  const refused = await post(hrss, await xlsx('问答'));
  t.equal(refused.status, 400);
  t.equal(refused.body['error']?.code, 'KB_IMPORT_INVALID');
  t.same(refused.body['error']?.details?.problems, ['hrss.xlsx[常见问题]:3:3 C3 type: must be one of 政策法规/职能职责/办事指南/常见问答/临时通知']);
  t.equal(await articles(), 0, 'nothing imported while there is a problem');

  const done = await post(hrss, await xlsx('常见问答'));
  t.equal(done.status, 200);
  t.equal(done.body['imported']?.length, 3, 'both sheets');
  const rows = await appQuery<{ unit: string; state: string; title: string; hotlines: string | string[] }>(
    app,
    'select a.unit_id as unit, v.state, v.title, v.hotlines from kb_articles a join kb_article_versions v on v.id = a.draft_version_id order by a.id',
  );
  t.same(
    // SQLite keeps the hotlines as JSON text, PostgreSQL as jsonb (parsed by the driver).
    rows.map((r) => [r.unit, r.state, r.title, typeof r.hotlines === 'string' ? JSON.parse(r.hotlines) : r.hotlines]),
    [
      ['city-hrss', 'draft', '社保卡怎么挂失', ['12333']],
      ['city-hrss', 'draft', '失业金标准', ['12333']],
      ['city-hrss', 'draft', '养老金领取', []],
    ],
  );
  const [audit] = await appQuery<{ n: number | string }>(app, `select count(*) as n from kb_audit where action = 'import'`);
  t.equal(Number(audit!.n), 3, 'each import audited');

  // Bounds and shapes: fixed codes, nothing changes.
  const before = await articles();
  const bad: Array<[object, number, string]> = [
    [{ format: 'xlsx', files: [{ name: 'a.xlsx', data: '不是base64!' }] }, 400, 'VALIDATION_FAILED'],
    [{ format: 'xlsx', files: [{ name: 'a.xlsx', text: '标题,内容,类型' }] }, 400, 'VALIDATION_FAILED'],
    [{ format: 'xlsx', files: [{ name: 'a.xlsx', data: Buffer.alloc(MAX_XLSX_BYTES + 3).toString('base64') }] }, 400, 'VALIDATION_FAILED'],
    [{ format: 'xlsx', files: [{ name: 'a.xlsx', data: Buffer.from('hello').toString('base64') }] }, 400, 'KB_IMPORT_INVALID'],
    [{ format: 'csv', files: [{ name: 'a.csv', data: 'AAAA' }] }, 400, 'VALIDATION_FAILED'],
  ];
  for (const [payload, status, code] of bad) {
    const res = await post(hrss, payload);
    t.equal(res.status, status, JSON.stringify(payload).slice(0, 80));
    t.equal(res.body['error']?.code, code);
  }
  t.equal((await post(qa, await xlsx('常见问答'))).status, 403, 'a QA inspector imports nothing');
  t.equal(await articles(), before, 'nothing changed');
});
