/**
 * The daily consultation list (每日会商, issue 10 item 5) through the real app: a return disputed
 * by a unit, an order still being handled past its deadline at the end of the day, an order the
 * citizen was unsatisfied with twice — each on the list under its unit, as JSON and as an Excel
 * workbook; a county desk sees only its subtree; a first unsatisfied evaluation is not listed.
 */
import t from 'tap';
import ExcelJS from 'exceljs';
import type { Sunline } from '../../src/app.js';
import { SHANGHAI_OFFSET_MS } from '../../src/lib/shanghai-time.js';
import { loginCookies, testApp } from '../helpers/app.js';

type Cookies = { sunline_session: string };
const HOUR = 3_600_000;

async function call(app: Sunline, cookies: Cookies, method: 'GET' | 'POST', url: string, payload?: object) {
  const res = await app.http.inject({ method, url, cookies, ...(payload ? { payload } : {}) });
  return {
    status: res.statusCode,
    body: String(res.headers['content-type']).includes('json') ? (JSON.parse(res.body) as Record<string, any>) : {},
    raw: res.rawPayload,
    headers: res.headers,
  };
}

async function act(app: Sunline, cookies: Cookies, id: number, action: object) {
  const r = await call(app, cookies, 'POST', `/api/workorders/${id}/actions`, action);
  if (r.status !== 200) throw new Error(`${JSON.stringify(action)}: ${r.status} ${JSON.stringify(r.body)}`);
}

const today = () => new Date(Date.now() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

t.test('the day’s disputed returns, overdue orders and repeated dissatisfaction, by unit and scope', async (t) => {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'agent', 'agent');
  const city = await loginCookies(app, 'disp', 'dispatcher');
  const county = await loginCookies(app, 'dq', 'dispatcher', { unitId: 'dq-12345' });
  const amr = await loginCookies(app, 'amr', 'unit_handler', { unitId: 'city-amr' });
  const order = async (subject: string) => {
    const r = await call(app, agent, 'POST', '/api/workorders', {
      channel: '12345',
      callerPhone: '13800001111',
      category: 'complaint',
      subject,
      content: subject,
    });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    return r.body['id'] as number;
  };
  const farDeadline = Date.now() + 10 * 24 * HOUR;

  // A return: 不属于本单位职责.
  const returned = await order('占道经营');
  await act(app, city, returned, { type: 'dispatch', leadUnitId: 'city-amr', deadlineAt: farDeadline });
  await act(app, amr, returned, { type: 'return', reason: '属城管职责' });
  // Overdue by the end of today: its deadline is in a minute, and it is still being handled.
  const overdue = await order('商家拒绝退款');
  await act(app, city, overdue, { type: 'dispatch', leadUnitId: 'city-amr', deadlineAt: Date.now() + 60_000 });
  await act(app, amr, overdue, { type: 'sign' });
  // Unsatisfied twice: reply, review, unsatisfied (supervised at once), second handling, unsatisfied again.
  const twice = await order('噪音扰民');
  const once = await order('路灯不亮');
  for (const id of [twice, once]) {
    await act(app, city, id, { type: 'dispatch', leadUnitId: 'city-amr', deadlineAt: farDeadline });
    await act(app, amr, id, { type: 'sign' });
    await act(app, amr, id, { type: 'start' });
    await act(app, amr, id, { type: 'reply', text: '已处理' });
    await act(app, city, id, { type: 'review_accept' });
    await act(app, city, id, { type: 'evaluate', result: 'unsatisfied', channel: 'callback', comment: '没解决' });
  }
  await act(app, amr, twice, { type: 'start' });
  await act(app, amr, twice, { type: 'reply', text: '再次处理' });
  await act(app, city, twice, { type: 'review_accept' });
  await act(app, city, twice, { type: 'evaluate', result: 'unsatisfied', channel: 'callback', comment: '还是没解决' });

  const day = today();
  const list = await call(app, city, 'GET', `/api/desk/consultation?day=${day}`);
  t.equal(list.status, 200, JSON.stringify(list.body));
  t.equal(list.body['day'], day);
  t.same(list.body['totals'], { disputed_return: 1, overdue: 1, unsatisfied_again: 1 });
  const amrItems = (list.body['units'] as Array<{ unitId: string; items: Array<Record<string, any>> }>).find((u) => u.unitId === 'city-amr')!.items;
  t.match(
    amrItems.find((i) => i.kind === 'disputed_return'),
    { orderId: returned, note: '属城管职责' },
  );
  t.match(
    amrItems.find((i) => i.kind === 'overdue'),
    { orderId: overdue, status: 'signed' },
  );
  t.match(
    amrItems.find((i) => i.kind === 'unsatisfied_again'),
    { orderId: twice, count: 2, note: '还是没解决' },
  );
  t.notOk(
    amrItems.some((i) => i.orderId === once),
    'a first unsatisfied evaluation is handled by supervision, not the meeting',
  );

  const yesterdayList = await call(app, city, 'GET', '/api/desk/consultation');
  t.equal(yesterdayList.status, 200);
  t.not(yesterdayList.body['day'], day, 'without a day: yesterday');
  t.same(yesterdayList.body['totals'], { disputed_return: 0, overdue: 0, unsatisfied_again: 0 }, 'nothing happened yesterday');

  const countyList = await call(app, county, 'GET', `/api/desk/consultation?day=${day}`);
  t.equal(countyList.status, 200);
  t.same(countyList.body['units'], [], '德清’s desk sees none of the city units’ items');

  const xlsx = await call(app, city, 'GET', `/api/desk/consultation.xlsx?day=${day}`);
  t.equal(xlsx.status, 200);
  t.match(xlsx.headers['content-type'], /spreadsheetml/);
  t.match(xlsx.headers['content-disposition'], `consultation-${day}.xlsx`);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(xlsx.raw as unknown as ArrayBuffer);
  t.same(
    book.worksheets.map((s) => s.name),
    ['退回争议', '超期未办结', '多次不满意'],
  );
  const returnsSheet = book.getWorksheet('退回争议')!;
  t.same(returnsSheet.getRow(1).values, [undefined, '单位', '工单编号', '标题', '类别', '状态', '退回时间', '退回理由']);
  t.equal(returnsSheet.getRow(2).getCell(1).value, '市市场监管局', 'the unit by its name in org.yaml');
  t.equal(returnsSheet.getRow(2).getCell(7).value, '属城管职责');
  const english = await call(app, city, 'GET', `/api/desk/consultation.xlsx?day=${day}&lang=en`);
  const en = new ExcelJS.Workbook();
  await en.xlsx.load(english.raw as unknown as ArrayBuffer);
  t.equal(en.worksheets[0]!.name, 'Disputed returns');
});

t.test('who may read it, and days that do not exist', async (t) => {
  const app = await testApp(t);
  const city = await loginCookies(app, 'disp', 'dispatcher');
  const agent = await loginCookies(app, 'agent', 'agent');
  const unit = await loginCookies(app, 'amr', 'unit_handler', { unitId: 'city-amr' });
  t.equal((await call(app, agent, 'GET', '/api/desk/consultation')).status, 403);
  t.equal((await call(app, unit, 'GET', '/api/desk/consultation.xlsx')).status, 403);
  t.equal((await app.http.inject({ method: 'GET', url: '/api/desk/consultation' })).statusCode, 401);
  for (const day of ['2026-02-30', '2026-13-01', 'yesterday', '2026-1-1']) {
    const r = await call(app, city, 'GET', `/api/desk/consultation?day=${day}`);
    t.equal(r.status, 400, day);
    t.equal(r.body['error']?.code, 'VALIDATION_FAILED', day);
  }
});
