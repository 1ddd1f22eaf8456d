import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { UserRole } from '../../src/db/schema.js';
import { DOCX_BYTES, multipartBody, pdfBytes, PNG_BYTES, XLSX_BYTES, zipOf, type FilePart } from '../helpers/attachment-files.js';
import { testApp } from '../helpers/app.js';
import { appQuery } from '../helpers/app-database.js';

type App = Awaited<ReturnType<typeof testApp>>;
type Cookies = { sunline_session: string };

let loginIp = 0;
async function session(app: App, username: string, role: UserRole, unitId: string | null = null): Promise<Cookies> {
  await app.users.create({ username, displayName: username, role, password: 'pw-123456', unitId });
  // Logins are rate limited per client address (the socket peer): give each its own.
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: `10.7.0.${++loginIp}`,
    payload: { username, password: 'pw-123456' },
  });
  return { sunline_session: res.cookies.find((c) => c.name === 'sunline_session')!.value };
}

const DAY = 86_400_000;

async function action(app: App, cookies: Cookies, id: number, payload: Record<string, unknown>) {
  const res = await app.http.inject({ method: 'POST', url: `/api/workorders/${id}/actions`, cookies, payload });
  if (res.statusCode !== 200) throw new Error(`${String(payload.type)} failed: ${res.body}`);
  return res.json() as { order: { version: number; status: string } };
}

/** An order dispatched to `unit`, optionally signed and started by `handler`. */
async function dispatched(app: App, agent: Cookies, unit: string, extra: Record<string, unknown> = {}) {
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/workorders',
    cookies: agent,
    payload: { channel: '12345', category: 'complaint', subject: '噪音扰民', content: '夜间施工', callerPhone: '13800000077', callerName: '张三', ...extra },
  });
  const order = res.json() as { id: number; number: string };
  await action(app, agent, order.id, { type: 'dispatch', leadUnitId: unit, deadlineAt: Date.now() + 5 * DAY });
  return order;
}

async function upload(app: App, cookies: Cookies, id: number, files: FilePart[], fields: Record<string, string> = {}) {
  const { payload, headers } = await multipartBody(files, fields);
  return app.http.inject({ method: 'POST', url: `/api/workorders/${id}/attachments`, cookies, payload, headers });
}

const storedFiles = (app: App) => (fs.existsSync(app.env.attachments.dir) ? fs.readdirSync(app.env.attachments.dir) : []);
const rows = (app: App) => appQuery(app, 'select * from work_order_attachments order by id');
const orderRow = async (app: App, id: number) =>
  (await appQuery<{ status: string; version: number }>(app, 'select status, version from work_orders where id = ?', [id]))[0]!;
const eventCount = async (app: App, id: number) =>
  Number((await appQuery<{ n: number | string }>(app, 'select count(*) as n from work_order_events where order_id = ?', [id]))[0]!.n);

t.test('the lead unit replies with a file: one event, rows linked to it, the file on disk is the upload', async (t) => {
  const app = await testApp(t);
  const agent = await session(app, 'agent', 'agent');
  const unit = await session(app, 'city-hrss', 'unit_handler', 'city-hrss');
  const order = await dispatched(app, agent, 'city-hrss');
  await action(app, unit, order.id, { type: 'sign' });
  const started = await action(app, unit, order.id, { type: 'start' });

  const pdf = pdfBytes('处理结果');
  const res = await upload(
    app,
    unit,
    order.id,
    [
      { name: '处理结果.pdf', bytes: pdf, type: 'application/pdf' },
      { name: 'photo.PNG', bytes: PNG_BYTES },
    ],
    {
      action: JSON.stringify({ type: 'reply', text: '已协调施工方夜间停工' }),
      expectedVersion: String(started.order.version),
    },
  );
  t.equal(res.statusCode, 201, res.body);
  const body = res.json();
  t.match(body.order, { status: 'replied' });
  t.match(body.event, { action: 'reply', toStatus: 'replied', actorRole: 'unit_handler' });
  t.match(body.attachments, [
    { fileName: '处理结果.pdf', kind: 'pdf', mediaType: 'application/pdf', size: pdf.length, eventId: body.event.id, unitId: 'city-hrss' },
    { fileName: 'photo.PNG', kind: 'png', mediaType: 'image/png', size: PNG_BYTES.length, eventId: body.event.id },
  ]);

  const stored = await rows(app);
  t.equal(stored.length, 2);
  t.not(stored[0]!.stored_name, '处理结果.pdf', 'the stored name is the server’s own');
  t.match(String(stored[0]!.stored_name), /^[0-9a-f]{32}$/);
  const onDisk = fs.readFileSync(path.join(app.env.attachments.dir, String(stored[0]!.stored_name)));
  t.ok(onDisk.equals(pdf), 'the file on disk is byte for byte the upload');
  t.equal(stored[0]!.sha256, createHash('sha256').update(pdf).digest('hex'));
  t.equal((await orderRow(app, order.id)).status, 'replied');

  const listed = await app.http.inject({ method: 'GET', url: `/api/workorders/${order.id}/attachments`, cookies: agent });
  t.equal(listed.statusCode, 200);
  t.same(
    listed.json().items.map((a: { fileName: string }) => a.fileName),
    ['处理结果.pdf', 'photo.PNG'],
    'platform staff see them too',
  );

  const dl = await app.http.inject({ method: 'GET', url: `/api/workorders/${order.id}/attachments/${body.attachments[0].id}`, cookies: unit });
  t.equal(dl.statusCode, 200);
  t.ok(dl.rawPayload.equals(pdf), 'download returns the bytes');
  t.equal(dl.headers['content-type'], 'application/pdf');
  t.equal(dl.headers['x-content-type-options'], 'nosniff');
  t.match(String(dl.headers['content-disposition']), /^attachment; filename="____\.pdf"; filename\*=UTF-8''%E5%A4%84%E7%90%86%E7%BB%93%E6%9E%9C\.pdf$/);

  const history = (await app.http.inject({ method: 'GET', url: `/api/workorders/${order.id}`, cookies: agent })).json().history;
  t.same(
    history.map((e: { action: string }) => e.action),
    ['create', 'accept', 'dispatch', 'sign', 'start', 'reply'],
    'no extra event beside the reply',
  );
});

t.test('files alone get an attach event; Word and Excel are recognised from the ZIP directory; names are sanitised', async (t) => {
  const app = await testApp(t);
  const agent = await session(app, 'agent', 'agent');
  const unit = await session(app, 'city-hrss', 'unit_handler', 'city-hrss');
  const order = await dispatched(app, agent, 'city-hrss');
  const before = await orderRow(app, order.id);
  const res = await upload(app, unit, order.id, [
    { name: 'C:\\Users\\x\\..\\情况说明.docx', bytes: DOCX_BYTES },
    { name: '../../etc/\u0000evil.png', bytes: PNG_BYTES },
  ]);
  t.equal(res.statusCode, 201, res.body);
  t.match(res.json().event, { action: 'attach', fromStatus: 'dispatched', toStatus: 'dispatched', data: { files: ['情况说明.docx', 'evil.png'] } });
  t.same(
    res.json().attachments.map((a: { fileName: string; kind: string }) => [a.fileName, a.kind]),
    [
      ['情况说明.docx', 'docx'],
      ['evil.png', 'png'],
    ],
  );
  t.same(await orderRow(app, order.id), before, 'attaching alone does not move the order');
  t.equal(storedFiles(app).length, 2);

  await action(app, unit, order.id, { type: 'sign' });
  const ext = await upload(app, unit, order.id, [{ name: '联合执法计划.xlsx', bytes: XLSX_BYTES }], {
    action: JSON.stringify({ type: 'request_extension', days: 5, reason: '需联合执法' }),
  });
  t.equal(ext.statusCode, 201, ext.body);
  t.match(ext.json(), {
    event: { action: 'request_extension' },
    order: { pendingExtension: { days: 5, reason: '需联合执法' } },
    attachments: [{ kind: 'xlsx', fileName: '联合执法计划.xlsx' }],
  });
  t.equal(ext.json().attachments[0].eventId, ext.json().event.id, 'linked to the extension request');
});

t.test('bad uploads are refused with fixed codes and store nothing', async (t) => {
  const app = await testApp(t, { env: { SUNLINE_ATTACHMENT_MAX_MB: '0.01' } }); // 10,485 bytes
  const agent = await session(app, 'agent', 'agent');
  const unit = await session(app, 'city-hrss', 'unit_handler', 'city-hrss');
  const order = await dispatched(app, agent, 'city-hrss');
  const before = { row: await orderRow(app, order.id), events: await eventCount(app, order.id) };
  const refuse = async (name: string, files: FilePart[], status: number, code: string, fields?: Record<string, string>) => {
    const res = await upload(app, unit, order.id, files, fields);
    t.equal(res.statusCode, status, `${name}: status`);
    t.equal(res.json().error?.code, code, `${name}: code`);
  };

  const big = Buffer.concat([pdfBytes(), Buffer.alloc(11_000, 0x20)]);
  await refuse('too big', [{ name: 'big.pdf', bytes: big }], 413, 'ATTACHMENT_TOO_LARGE');
  await refuse(
    'a good file then a too big one',
    [
      { name: 'ok.png', bytes: PNG_BYTES },
      { name: 'big.pdf', bytes: big },
    ],
    413,
    'ATTACHMENT_TOO_LARGE',
  );
  const exe = Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(200)]);
  await refuse('an .exe named .pdf with a PDF Content-Type', [{ name: 'report.pdf', bytes: exe, type: 'application/pdf' }], 415, 'ATTACHMENT_TYPE_NOT_ALLOWED');
  await refuse('a PNG named .pdf', [{ name: 'report.pdf', bytes: PNG_BYTES }], 415, 'ATTACHMENT_TYPE_NOT_ALLOWED');
  await refuse('any ZIP named .docx', [{ name: 'x.docx', bytes: zipOf({ 'payload.js': 'alert(1)' }) }], 415, 'ATTACHMENT_TYPE_NOT_ALLOWED');
  await refuse('a .docx named .xlsx', [{ name: 'x.xlsx', bytes: DOCX_BYTES }], 415, 'ATTACHMENT_TYPE_NOT_ALLOWED');
  await refuse('html', [{ name: 'a.html', bytes: Buffer.from('<script>alert(1)</script>') }], 415, 'ATTACHMENT_TYPE_NOT_ALLOWED');
  await refuse('empty', [{ name: 'a.pdf', bytes: Buffer.alloc(0) }], 400, 'ATTACHMENT_EMPTY');
  await refuse('no file', [], 400, 'ATTACHMENT_MISSING', { action: JSON.stringify({ type: 'return', reason: '不属于本单位职责' }) });
  const six = Array.from({ length: 6 }, (_, i) => ({ name: `p${i}.png`, bytes: PNG_BYTES }));
  await refuse('six files', six, 413, 'ATTACHMENTS_TOO_MANY');
  await refuse('action not JSON', [{ name: 'a.png', bytes: PNG_BYTES }], 400, 'ATTACHMENT_BAD_UPLOAD', { action: '{reply' });
  await refuse('action not allowed with files', [{ name: 'a.png', bytes: PNG_BYTES }], 400, 'ATTACHMENT_BAD_UPLOAD', {
    action: JSON.stringify({ type: 'close' }),
  });
  await refuse('refused transition', [{ name: 'a.png', bytes: PNG_BYTES }], 409, 'ILLEGAL_TRANSITION', {
    action: JSON.stringify({ type: 'reply', text: '已处理' }),
  });
  await refuse('blank reason', [{ name: 'a.png', bytes: PNG_BYTES }], 400, 'MISSING_FIELD', { action: JSON.stringify({ type: 'return', reason: ' ' }) });
  await refuse('stale version', [{ name: 'a.png', bytes: PNG_BYTES }], 409, 'CONFLICT', { expectedVersion: String(before.row.version - 1) });

  const json = await app.http.inject({ method: 'POST', url: `/api/workorders/${order.id}/attachments`, cookies: unit, payload: { file: 'x' } });
  t.equal(json.statusCode, 415);
  t.equal(json.json().error.code, 'UNSUPPORTED_MEDIA_TYPE');

  t.same(storedFiles(app), [], 'no file left on disk');
  t.same(await rows(app), [], 'no attachment row');
  t.same({ row: await orderRow(app, order.id), events: await eventCount(app, order.id) }, before, 'the order and its history are unchanged');

  const ok = await upload(app, unit, order.id, [{ name: 'fits.pdf', bytes: Buffer.concat([pdfBytes(), Buffer.alloc(10_000, 0x20)]) }]);
  t.equal(ok.statusCode, 201, 'a file under the limit still passes');
});

t.test('scope: other units get 404 for the order’s files; a sub-platform may read its subtree’s files but not add to them', async (t) => {
  const app = await testApp(t);
  const agent = await session(app, 'agent', 'agent');
  const lead = await session(app, 'dq-amr-h', 'unit_handler', 'dq-amr');
  const other = await session(app, 'wx-gov-h', 'unit_handler', 'wx-gov');
  const county = await session(app, 'dq-12345-h', 'unit_handler', 'dq-12345');
  const order = await dispatched(app, agent, 'dq-amr');
  const up = await upload(app, lead, order.id, [{ name: 'a.png', bytes: PNG_BYTES }]);
  t.equal(up.statusCode, 201);
  const fileId = up.json().attachments[0].id;

  for (const [what, url] of [
    ['list', `/api/workorders/${order.id}/attachments`],
    ['download', `/api/workorders/${order.id}/attachments/${fileId}`],
  ] as const) {
    const res = await app.http.inject({ method: 'GET', url, cookies: other });
    t.equal(res.statusCode, 404, `${what} out of scope`);
    t.equal(res.json().error.code, 'ORDER_NOT_FOUND', `${what}: the same as a missing order`);
  }
  const foreign = await upload(app, other, order.id, [{ name: 'b.png', bytes: PNG_BYTES }]);
  t.equal(foreign.statusCode, 404);
  t.equal(foreign.json().error.code, 'ORDER_NOT_FOUND');

  const wrongOrder = await dispatched(app, agent, 'wx-gov');
  const mixed = await app.http.inject({ method: 'GET', url: `/api/workorders/${wrongOrder.id}/attachments/${fileId}`, cookies: other });
  t.equal(mixed.statusCode, 404, 'an attachment id of another order');
  t.equal(mixed.json().error.code, 'ATTACHMENT_NOT_FOUND');

  t.equal(
    (await app.http.inject({ method: 'GET', url: `/api/workorders/${order.id}/attachments/${fileId}`, cookies: county })).statusCode,
    200,
    'the county sub-platform reads its subtree',
  );
  const countyUp = await upload(app, county, order.id, [{ name: 'c.png', bytes: PNG_BYTES }]);
  t.equal(countyUp.statusCode, 403);
  t.equal(countyUp.json().error.code, 'NOT_ASSIGNED_UNIT');
  t.equal((await app.http.inject({ method: 'GET', url: `/api/workorders/${order.id}/attachments` })).statusCode, 401, 'no session');
  t.equal((await rows(app)).length, 1);
  t.equal(storedFiles(app).length, 1, 'refused uploads left nothing');
});

t.test('confidential orders: the unit works with files but never sees the reporter', async (t) => {
  const app = await testApp(t);
  const agent = await session(app, 'agent', 'agent');
  const unit = await session(app, 'city-hrss', 'unit_handler', 'city-hrss');
  const order = await dispatched(app, agent, 'city-hrss', { confidential: true });
  await action(app, unit, order.id, { type: 'sign' });
  const res = await upload(app, unit, order.id, [{ name: '退回说明.pdf', bytes: pdfBytes() }], {
    action: JSON.stringify({ type: 'return', reason: '非本单位职责' }),
  });
  t.equal(res.statusCode, 201, res.body);
  t.match(res.json().order, { status: 'returned', confidential: true, reporterHidden: true, callerPhone: null, callerName: null, callerId: null });
  t.notOk(res.body.includes('13800000077'), 'the phone appears nowhere in the reply');
  t.notOk(res.body.includes('张三'), 'nor the name');
  const files = (await app.http.inject({ method: 'GET', url: `/api/workorders/${order.id}/attachments`, cookies: unit })).body;
  t.notOk(files.includes('13800000077'));
  const staff = (await app.http.inject({ method: 'GET', url: `/api/workorders/${order.id}`, cookies: agent })).json();
  t.equal(staff.callerPhone, '13800000077', 'platform staff still see the reporter');
});

t.test('orphan files (no row) are swept once old enough; a row whose file is gone downloads as 404', async (t) => {
  const app = await testApp(t);
  const agent = await session(app, 'agent', 'agent');
  const unit = await session(app, 'city-hrss', 'unit_handler', 'city-hrss');
  const order = await dispatched(app, agent, 'city-hrss');
  const up = await upload(app, unit, order.id, [
    { name: 'a.png', bytes: PNG_BYTES },
    { name: 'b.png', bytes: PNG_BYTES },
  ]);
  t.equal(up.statusCode, 201);
  const [kept, lost] = up.json().attachments as Array<{ id: number }>;
  const dir = app.env.attachments.dir;
  const orphan = path.join(dir, 'f'.repeat(32));
  fs.writeFileSync(orphan, 'left by a crash');
  const fresh = path.join(dir, 'e'.repeat(32));
  fs.writeFileSync(fresh, 'an upload in flight');
  const hourAgo = new Date(Date.now() - 2 * 3_600_000);
  fs.utimesSync(orphan, hourAgo, hourAgo);
  for (const name of fs.readdirSync(dir))
    if (name !== path.basename(orphan) && name !== path.basename(fresh)) fs.utimesSync(path.join(dir, name), hourAgo, hourAgo);

  const { AttachmentsService } = await import('../../src/workorders/attachments.js');
  const svc = new AttachmentsService({ orderReads: app.database.stores.orderReads, orders: undefined as never, dir, maxBytes: 1024 });
  t.same(await svc.sweepOrphans(), ['f'.repeat(32)], 'only the old file without a row');
  t.ok(fs.existsSync(fresh), 'a recent file is left alone');
  t.equal(fs.readdirSync(dir).length, 3, 'both attached files stay');

  const stored = (await appQuery<{ stored_name: string }>(app, 'select stored_name from work_order_attachments where id = ?', [lost!.id]))[0]!.stored_name;
  fs.rmSync(path.join(dir, stored));
  const gone = await app.http.inject({ method: 'GET', url: `/api/workorders/${order.id}/attachments/${lost!.id}`, cookies: unit });
  t.equal(gone.statusCode, 404);
  t.equal(gone.json().error.code, 'ATTACHMENT_NOT_FOUND');
  t.equal((await app.http.inject({ method: 'GET', url: `/api/workorders/${order.id}/attachments/${kept!.id}`, cookies: unit })).statusCode, 200);
});
