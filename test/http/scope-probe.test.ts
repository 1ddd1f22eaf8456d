/**
 * A unit handler and a county dispatcher probe every read they may call, as an attacker would:
 * lists, searches (by name, phone, subject), order pages with their history, attachments, the
 * desk's queues, calls, similar orders and suggestions, reports with their drill-downs and their
 * CSV and XLSX exports, recordings. Nothing of another unit's order (its number, subject, reporter)
 * and nothing of a confidential reporter (name, phone, masked or not) may appear in any answer;
 * out-of-scope orders are ORDER_NOT_FOUND, as missing ones are.
 */
import t from 'tap';
import JSZip from 'jszip';
import type { UserRole } from '../../src/db/schema.js';
import { DESK_QUEUES } from '../../src/contract/work-orders.js';
import { testApp } from '../helpers/app.js';

type App = Awaited<ReturnType<typeof testApp>>;
type Cookies = { sunline_session: string };
const DAY = 86_400_000;

let ip = 0;
async function session(app: App, username: string, role: UserRole, unitId: string | null = null): Promise<Cookies> {
  await app.users.create({ username, displayName: username, role, password: 'pw-123456', unitId });
  const res = await app.http.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: `10.3.0.${++ip}`, payload: { username, password: 'pw-123456' } });
  return { sunline_session: res.cookies.find((c) => c.name === 'sunline_session')!.value };
}

/** The answer's text; an XLSX workbook's XML parts, unzipped. */
async function textOf(res: { rawPayload: Buffer; headers: Record<string, unknown> }): Promise<string> {
  if (!String(res.headers['content-type'] ?? '').includes('spreadsheet')) return res.rawPayload.toString('utf8');
  const zip = await JSZip.loadAsync(res.rawPayload);
  const parts = await Promise.all(Object.values(zip.files).map((f) => f.async('string')));
  return parts.join('\n');
}

t.test('units and county dispatchers find nothing of other units’ orders nor of a confidential reporter, wherever they look', async (t) => {
  const app = await testApp(t);
  const agent = await session(app, 'agent', 'agent');
  const unit = await session(app, 'handler', 'unit_handler', 'city-hrss');
  const county = await session(app, 'county', 'dispatcher', 'dq-12345');
  const create = async (body: Record<string, unknown>, leadUnitId: string) => {
    const made = await app.http.inject({ method: 'POST', url: '/api/workorders', cookies: agent, payload: { channel: '12345', ...body } });
    t.equal(made.statusCode, 201, made.body);
    const order = made.json() as { id: number; number: string };
    const sent = await app.http.inject({
      method: 'POST',
      url: `/api/workorders/${order.id}/actions`,
      cookies: agent,
      payload: { type: 'dispatch', leadUnitId, deadlineAt: Date.now() + 5 * DAY },
    });
    t.equal(sent.statusCode, 200, sent.body);
    return order;
  };
  // The unit's own confidential order, another city unit's order, a confidential order in the county.
  const secret = await create(
    { category: 'report', subject: '保密举报', content: '违建甲 工资', callerPhone: '13900000002', callerName: '王保密', confidential: true },
    'city-hrss',
  );
  const other = await create(
    { category: 'complaint', subject: '他单位事项', content: '其他 工资', callerPhone: '13911112222', callerName: '赵其他' },
    'city-transport',
  );
  const inCounty = await create(
    { category: 'report', subject: '县里保密', content: '德清 工资', callerPhone: '13955556666', callerName: '钱县密', confidential: true },
    'dq-amr',
  );

  const terms = ['王保密', '13900000002', '赵其他', '13911112222', '钱县密', '13955556666', '工资', '他单位事项'].map(encodeURIComponent);
  const lists = (base: string) => [
    ...terms.map((q) => `${base}?q=${q}`),
    ...['13900000002', '13911112222', '13955556666'].map((p) => `${base}?callerPhone=${p}`),
  ];
  const orderReads = (id: number) => [`/api/workorders/${id}`, `/api/workorders/${id}/attachments`, `/api/recordings?orderId=${id}`];
  const deskReads = (id: number) => [
    `/api/desk/orders/${id}`,
    `/api/desk/orders/${id}/calls`,
    `/api/desk/orders/${id}/similar`,
    `/api/desk/orders/${id}/suggestion`,
  ];
  const reports = ['/api/reports/assessment', '/api/reports/assessment.csv', '/api/reports/assessment.xlsx'];

  const probe = async (who: string, cookies: Cookies, urls: string[], secrets: string[], outOfScope: number[]) => {
    const found: string[] = [];
    for (const url of urls) {
      const res = await app.http.inject({ method: 'GET', url, cookies });
      t.ok(res.statusCode < 500, `${who} ${url}: ${res.statusCode}`);
      const body = await textOf(res);
      const leaked = secrets.filter((s) => body.includes(s));
      if (leaked.length > 0) found.push(`${url}: ${leaked.join(', ')}`);
    }
    t.same(found, [], `${who}: nothing found`);
    for (const id of outOfScope) {
      for (const url of [`/api/workorders/${id}`, `/api/workorders/${id}/attachments`]) {
        const res = await app.http.inject({ method: 'GET', url, cookies });
        t.equal(res.json().error?.code, 'ORDER_NOT_FOUND', `${who} ${url}`);
      }
    }
  };

  await probe(
    'unit handler',
    unit,
    [...lists('/api/workorders'), ...orderReads(secret.id), ...orderReads(other.id), '/api/workorders/due', ...reports],
    ['13900000002', '王保密', '****0002', '13911112222', '赵其他', '他单位事项', other.number, '13955556666', inCounty.number],
    [other.id, inCounty.id],
  );
  await probe(
    'county dispatcher',
    county,
    [
      ...lists('/api/workorders'),
      ...lists('/api/desk/orders'),
      ...[secret, other, inCounty].flatMap((o) => [...orderReads(o.id), ...deskReads(o.id)]),
      '/api/workorders/due',
      '/api/desk/queues',
      ...DESK_QUEUES.map((q) => `/api/desk/queues/${q}`),
      '/api/desk/units/returns',
      '/api/desk/consultation',
      '/api/desk/consultation.xlsx',
      ...['', '.csv', '.xlsx'].map((x) => `/api/reports/kpis${x}`),
      '/api/reports/kpis?by=unit',
      '/api/reports/daily',
      '/api/reports/orders?figure=accepted',
      '/api/reports/orders?figure=dispatched',
      ...['', '.csv', '.xlsx'].map((x) => `/api/reports/hot-topics${x}`),
      `/api/reports/hot-topics/orders?word=${encodeURIComponent('工资')}`,
      ...reports,
    ],
    ['13955556666', '钱县密', '****6666', '13900000002', '王保密', secret.number, '13911112222', '赵其他', '他单位事项', other.number],
    [secret.id, other.id],
  );
});
