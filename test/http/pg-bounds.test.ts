/**
 * Input that PostgreSQL refuses where SQLite is lax, refused by the API alike on both databases
 * (400 VALIDATION_FAILED, or the route's own 4xx) and nothing written. On PostgreSQL each of these
 * reached a query and failed it, a 500 INTERNAL:
 * - epoch-millisecond filters past bigint (`createdFrom` / `createdTo` of the order list and the desk's search);
 * - a desk queue cursor whose id is past PostgreSQL's integer;
 * - `leadId` of the supervision audit past PostgreSQL's integer (and, bounded alike though they were
 *   compared in memory, an article's `draftVersionId` and a QA score's `basedOn`);
 * - an unpaired surrogate ("\ud800" alone) in a JSON body, stored in jsonb (an order's history,
 *   an article's keywords, a saved search);
 * - NUL in the `action` field of an order's file upload (multipart: not a JSON body);
 * - NUL in a cell of a knowledge-base .xlsx import (Excel spells it _x0000_).
 */
import ExcelJS from 'exceljs';
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';
import { appQuery } from '../helpers/app-database.js';
import { multipartBody, pdfBytes } from '../helpers/attachment-files.js';

const order = { channel: '12345', category: 'complaint', subject: '夜间施工噪音', content: '每晚十点后施工', callerPhone: '13800000088', callerName: '李四' };
const cursor = (key: number, id: number) => Buffer.from(JSON.stringify([key, id])).toString('base64url');
const count = async (app: Awaited<ReturnType<typeof testApp>>, table: string) =>
  Number((await appQuery<{ n: number | string }>(app, `select count(*) as n from ${table}`))[0]!.n);

t.test('numbers past what PostgreSQL holds: 400 VALIDATION_FAILED; the largest accepted is served', async (t) => {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'agent-pgb', 'agent');
  const dispatcher = await loginCookies(app, 'dispatcher-pgb', 'dispatcher');
  const admin = await loginCookies(app, 'admin-pgb', 'admin');
  t.equal((await app.http.inject({ method: 'POST', url: '/api/workorders', cookies: agent, payload: order })).statusCode, 201);

  for (const base of ['/api/workorders', '/api/desk/orders']) {
    const cookies = base === '/api/workorders' ? agent : dispatcher;
    for (const field of ['createdFrom', 'createdTo']) {
      for (const ms of ['9223372036854775808', '9'.repeat(16), '9'.repeat(400)]) {
        const res = await app.http.inject({ method: 'GET', url: `${base}?${field}=${ms}`, cookies });
        t.equal(res.statusCode, 400, `${base} ${field}=${ms.slice(0, 20)}: ${res.body.slice(0, 200)}`);
        t.equal(res.json().error?.code, 'VALIDATION_FAILED');
        t.equal(res.json().error?.details?.[0]?.path, `querystring.${field}`);
      }
      const res = await app.http.inject({ method: 'GET', url: `${base}?${field}=${'9'.repeat(15)}`, cookies });
      t.equal(res.statusCode, 200, `${base} ${field} of 15 digits: ${res.body.slice(0, 200)}`);
    }
  }

  for (const id of [2 ** 31, 2 ** 40, -(2 ** 40), 0, 1.5]) {
    const res = await app.http.inject({ method: 'GET', url: `/api/desk/queues/to_dispatch?cursor=${cursor(1, id)}`, cookies: dispatcher });
    t.equal(res.statusCode, 400, `queue cursor with id ${id}: ${res.body.slice(0, 200)}`);
    t.equal(res.json().error?.code, 'VALIDATION_FAILED');
  }
  for (const key of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
    const res = await app.http.inject({ method: 'GET', url: `/api/desk/queues/to_dispatch?cursor=${cursor(key, 2 ** 31 - 1)}`, cookies: dispatcher });
    t.equal(res.statusCode, 200, `queue cursor (${key}, 2^31 - 1): ${res.body.slice(0, 200)}`);
  }

  const over = await app.http.inject({ method: 'GET', url: `/api/supervision/audit?leadId=${2 ** 31}`, cookies: admin });
  t.equal(over.statusCode, 400, over.body);
  t.equal(over.json().error?.details?.[0]?.path, 'querystring.leadId');
  const max = await app.http.inject({ method: 'GET', url: `/api/supervision/audit?leadId=${2 ** 31 - 1}`, cookies: admin });
  t.equal(max.statusCode, 200, max.body);
  t.same(max.json().items, []);

  // Versions compared in memory (no 500 before), bounded as every row id: 2^31 is bad input.
  const hrss = await loginCookies(app, 'hrss-pgb', 'unit_handler', { unitId: 'city-hrss' });
  const qa = await loginCookies(app, 'qa-pgb', 'qa');
  const fields = { title: '社保卡挂失', body: '拨打12333', type: 'faq', unitId: 'city-hrss' };
  const versions: Array<[string, (v: number) => Record<string, unknown>, string, typeof agent]> = [
    ['an article’s draft version', (v) => ({ method: 'PUT', url: '/api/kb/articles/1', payload: { fields, draftVersionId: v } }), 'body.draftVersionId', hrss],
    [
      'a score’s revision',
      (v) => ({ method: 'PUT', url: '/api/qa/calls/c-1/score', payload: { points: {}, formVersion: 'v1', basedOn: v } }),
      'body.basedOn',
      qa,
    ],
  ];
  for (const [what, request, path, cookies] of versions) {
    const res = await app.http.inject({ ...request(2 ** 31), cookies });
    t.equal(res.statusCode, 400, `${what}, 2^31: ${res.body.slice(0, 200)}`);
    t.equal(res.json().error?.details?.[0]?.path, path, what);
    const largest = await app.http.inject({ ...request(2 ** 31 - 1), cookies });
    t.ok(largest.statusCode < 500 && largest.json().error?.code !== 'VALIDATION_FAILED', `${what}, 2^31 - 1 reaches the route: ${largest.body.slice(0, 200)}`);
  }
});

t.test('an unpaired surrogate in a JSON body: 400 VALIDATION_FAILED, nothing written; a pair (an emoji) is text', async (t) => {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'agent-sur', 'agent');
  const dispatcher = await loginCookies(app, 'dispatcher-sur', 'dispatcher');
  const hrss = await loginCookies(app, 'hrss-sur', 'unit_handler', { unitId: 'city-hrss' });
  const created = await app.http.inject({ method: 'POST', url: '/api/workorders', cookies: agent, payload: order });
  t.equal(created.statusCode, 201, created.body.slice(0, 200));
  const id = created.json().id as number;
  const article = { title: '社保卡遗失如何补办', body: '先挂失，再补办。', type: 'faq', unitId: 'city-hrss', keywords: ['挂失'] };
  const before = { orders: await count(app, 'work_orders'), events: await count(app, 'work_order_events'), articles: await count(app, 'kb_articles') };

  const refused: Array<[string, { method: 'POST' | 'PUT'; url: string; payload: Record<string, unknown> }, string, typeof agent]> = [
    ['a new order’s subject', { method: 'POST', url: '/api/workorders', payload: { ...order, subject: '施工\ud800' } }, 'body.subject', agent],
    [
      'a changed location',
      { method: 'POST', url: `/api/workorders/${id}/actions`, payload: { type: 'update_fields', fields: { location: '\udc00西湖' } } },
      'body.fields.location',
      agent,
    ],
    ['an article’s keyword', { method: 'POST', url: '/api/kb/articles', payload: { ...article, keywords: ['挂\ud83d'] } }, 'body.keywords.0', hrss],
    ['a saved search', { method: 'POST', url: '/api/desk/filters', payload: { name: '噪音', filter: { q: '\ud800' } } }, 'body.filter.q', dispatcher],
  ];
  for (const [what, request, path, cookies] of refused) {
    const res = await app.http.inject({ ...request, cookies });
    t.equal(res.statusCode, 400, `${what}: ${res.body.slice(0, 200)}`);
    t.equal(res.json().error?.code, 'VALIDATION_FAILED', what);
    t.same(res.json().error?.details, [{ path, message: 'must not contain unpaired surrogates' }], what);
  }
  t.same(
    { orders: await count(app, 'work_orders'), events: await count(app, 'work_order_events'), articles: await count(app, 'kb_articles') },
    before,
    'nothing written',
  );
  const filters = await app.http.inject({ method: 'GET', url: '/api/desk/filters', cookies: dispatcher });
  t.same(filters.json().items, [], 'no search saved');

  const paired = await app.http.inject({ method: 'POST', url: '/api/workorders', cookies: agent, payload: { ...order, subject: '施工🙂' } });
  t.equal(paired.statusCode, 201, paired.body.slice(0, 200));
  t.equal(paired.json().subject, '施工🙂');
  const kept = await app.http.inject({ method: 'POST', url: '/api/kb/articles', cookies: hrss, payload: { ...article, keywords: ['挂失🙂'] } });
  t.equal(kept.statusCode, 201, kept.body.slice(0, 200));
});

t.test('NUL or an unpaired surrogate in an upload’s action field: 400 ATTACHMENT_BAD_UPLOAD, nothing written', async (t) => {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'agent-up', 'agent');
  const hrss = await loginCookies(app, 'hrss-up', 'unit_handler', { unitId: 'city-hrss' });
  const id = (await app.http.inject({ method: 'POST', url: '/api/workorders', cookies: agent, payload: order })).json().id as number;
  const act = (cookies: typeof agent, payload: Record<string, unknown>) =>
    app.http.inject({ method: 'POST', url: `/api/workorders/${id}/actions`, cookies, payload });
  t.equal((await act(agent, { type: 'dispatch', leadUnitId: 'city-hrss', deadlineAt: Date.now() + 5 * 86_400_000 })).statusCode, 200);
  t.equal((await act(hrss, { type: 'sign' })).statusCode, 200);
  t.equal((await act(hrss, { type: 'start' })).statusCode, 200);
  const events = await count(app, 'work_order_events');

  const upload = async (action: string) => {
    const { payload, headers } = await multipartBody([{ name: 'reply.pdf', bytes: pdfBytes(), type: 'application/pdf' }], { action });
    return app.http.inject({ method: 'POST', url: `/api/workorders/${id}/attachments`, cookies: hrss, payload, headers });
  };
  for (const [what, text, message] of [
    ['NUL', 'a\\u0000b', 'must not contain NUL characters'],
    ['an unpaired surrogate', 'a\\ud800b', 'must not contain unpaired surrogates'],
  ] as const) {
    const res = await upload(`{"type":"reply","text":"${text}"}`);
    t.equal(res.statusCode, 400, `${what}: ${res.body.slice(0, 200)}`);
    t.equal(res.json().error?.code, 'ATTACHMENT_BAD_UPLOAD', what);
    t.same(res.json().error?.details?.issues, [message], what);
  }
  t.equal(await count(app, 'work_order_attachments'), 0, 'no file recorded');
  t.equal(await count(app, 'work_order_events'), events, 'no event');

  const replied = await upload('{"type":"reply","text":"已处理🙂"}');
  t.equal(replied.statusCode, 201, replied.body.slice(0, 200));
});

t.test('NUL or an unpaired surrogate in a cell of an .xlsx import: 400 KB_IMPORT_INVALID naming the cell, nothing imported', async (t) => {
  const app = await testApp(t);
  const hrss = await loginCookies(app, 'hrss-xlsx', 'unit_handler', { unitId: 'city-hrss' });
  const xlsx = async (title: string) => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('问答');
    for (const row of [
      ['标题', '内容', '类型'],
      ['社保卡挂失', '拨打12333', '常见问答'],
      [title, '到银行网点办理', '常见问答'],
    ])
      sheet.addRow(row);
    const data = Buffer.from(await book.xlsx.writeBuffer()).toString('base64');
    return app.http.inject({ method: 'POST', url: '/api/kb/import', cookies: hrss, payload: { format: 'xlsx', files: [{ name: 'hrss.xlsx', data }] } });
  };
  for (const title of ['补卡_x0000_', '补卡_xD800_']) {
    const res = await xlsx(title);
    t.equal(res.statusCode, 400, `${title}: ${res.body.slice(0, 200)}`);
    t.equal(res.json().error?.code, 'KB_IMPORT_INVALID', title);
    t.same(res.json().error?.details?.problems, ['hrss.xlsx[问答]:3:1 A3 title: must not contain NUL characters or unpaired surrogates'], title);
  }
  t.equal(await count(app, 'kb_articles'), 0, 'nothing imported');
  const done = await xlsx('补卡🙂');
  t.equal(done.statusCode, 200, done.body.slice(0, 200));
  t.equal(done.json().imported?.length, 2);
});
