/**
 * Bad input is a 4xx with a fixed code and changes nothing (issue 9, low items): control
 * characters in the search text, malformed multipart uploads, and a dispatch (lead unit,
 * co-handling units, redispatch) to a unit that is not in config/org.yaml.
 */
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';
import { appQuery } from '../helpers/app-database.js';

type App = Awaited<ReturnType<typeof testApp>>;
type Cookies = { sunline_session: string };

const DAY = 86_400_000;

async function newOrder(app: App, agent: Cookies): Promise<{ id: number }> {
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/workorders',
    cookies: agent,
    payload: { channel: '12345', category: 'complaint', subject: '噪音扰民', content: '夜间施工噪音', callerPhone: '13800000088', callerName: '李四' },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json();
}

const snapshot = async (app: App, id: number) => ({
  order: (await appQuery(app, 'select status, lead_unit_id, co_unit_ids, version from work_orders where id = ?', [id]))[0],
  events: Number((await appQuery<{ n: number | string }>(app, 'select count(*) as n from work_order_events where order_id = ?', [id]))[0]!.n),
  units: Number((await appQuery<{ n: number | string }>(app, 'select count(*) as n from work_order_units where order_id = ?', [id]))[0]!.n),
});

t.test('a control character in the search text is 400 VALIDATION_FAILED, for every role', async (t) => {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'agent-q', 'agent');
  const unit = await loginCookies(app, 'unit-q', 'unit_handler', { unitId: 'city-hrss' });
  await newOrder(app, agent);
  for (const cookies of [agent, unit]) {
    for (const q of ['噪音\u0000扰民', '\u0000', 'abc\u0000', '夜间\u0007施工', 'x\u001b[31m', 'abc\u007fdef']) {
      const res = await app.http.inject({ method: 'GET', url: `/api/workorders?q=${encodeURIComponent(q)}`, cookies });
      t.equal(res.statusCode, 400, `${JSON.stringify(q)}: ${res.body}`);
      t.equal(res.json().error.code, 'VALIDATION_FAILED');
      t.notMatch(res.body, /stack|sqlite|fts5/i, 'no internals');
    }
  }
  const fine = await app.http.inject({ method: 'GET', url: `/api/workorders?q=${encodeURIComponent('夜间施工')}`, cookies: agent });
  t.equal(fine.statusCode, 200);
  t.equal(fine.json().total, 1, 'ordinary text still searches');
});

t.test('a malformed multipart upload is 400 ATTACHMENT_BAD_UPLOAD and stores nothing', async (t) => {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'agent-m', 'agent');
  const order = await newOrder(app, agent);
  const before = await snapshot(app, order.id);
  const boundary = '----sunline-bad';
  const bodies: Array<[string, string, string]> = [
    [
      'no closing boundary',
      `multipart/form-data; boundary=${boundary}`,
      `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.pdf"\r\n\r\n%PDF-1.4 abc`,
    ],
    ['garbage after the boundary', `multipart/form-data; boundary=${boundary}`, `--${boundary}\r\nthis is not a header block`],
    ['part without headers end', `multipart/form-data; boundary=${boundary}`, `--${boundary}\r\nContent-Disposition: form-data; name="action"`],
    ['no boundary parameter', 'multipart/form-data', `--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--${boundary}--\r\n`],
  ];
  for (const [what, contentType, payload] of bodies) {
    const res = await app.http.inject({
      method: 'POST',
      url: `/api/workorders/${order.id}/attachments`,
      cookies: agent,
      headers: { 'content-type': contentType },
      payload,
    });
    t.equal(res.statusCode, 400, `${what}: ${res.body}`);
    t.equal(res.json().error?.code, 'ATTACHMENT_BAD_UPLOAD', what);
  }
  const empty = await app.http.inject({
    method: 'POST',
    url: `/api/workorders/${order.id}/attachments`,
    cookies: agent,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: '',
  });
  t.equal(empty.statusCode, 400);
  t.equal(empty.json().error.code, 'ATTACHMENT_MISSING', 'an empty body has no file');
  t.same(await snapshot(app, order.id), before, 'the order is unchanged');
  t.equal(Number((await appQuery<{ n: number | string }>(app, 'select count(*) as n from work_order_attachments'))[0]!.n), 0, 'no attachment rows');
});

t.test('dispatch to a unit not in org.yaml is 400 UNKNOWN_UNIT and changes nothing', async (t) => {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'agent-d', 'agent');
  const order = await newOrder(app, agent);
  const act = (payload: Record<string, unknown>) => app.http.inject({ method: 'POST', url: `/api/workorders/${order.id}/actions`, cookies: agent, payload });
  const deadlineAt = Date.now() + 5 * DAY;
  const before = await snapshot(app, order.id);
  for (const [what, payload] of [
    ['unknown lead unit', { type: 'dispatch', leadUnitId: 'no-such-unit', deadlineAt }],
    ['an area id, not a unit', { type: 'dispatch', leadUnitId: 'hz-wuxing', deadlineAt }],
    ['unknown co-handling unit', { type: 'dispatch', leadUnitId: 'wx-gov', coUnitIds: ['city-amr', 'ghost-unit'], deadlineAt }],
  ] as const) {
    const res = await act(payload);
    t.equal(res.statusCode, 400, `${what}: ${res.body}`);
    t.equal(res.json().error.code, 'UNKNOWN_UNIT', what);
    t.same(await snapshot(app, order.id), before, `${what}: nothing changed`);
  }
  const ok = await act({ type: 'dispatch', leadUnitId: 'wx-gov', coUnitIds: ['city-amr'], deadlineAt });
  t.equal(ok.statusCode, 200, ok.body);

  // Transfer (return, then redispatch) to an unknown unit: refused the same way.
  const handler = await loginCookies(app, 'wx-handler', 'unit_handler', { unitId: 'wx-gov' });
  const returned = await app.http.inject({
    method: 'POST',
    url: `/api/workorders/${order.id}/actions`,
    cookies: handler,
    payload: { type: 'return', reason: '不属于本单位职责' },
  });
  t.equal(returned.statusCode, 200, returned.body);
  const afterReturn = await snapshot(app, order.id);
  const redispatch = await act({ type: 'redispatch', leadUnitId: 'city-nowhere', deadlineAt });
  t.equal(redispatch.statusCode, 400, redispatch.body);
  t.equal(redispatch.json().error.code, 'UNKNOWN_UNIT');
  t.same(await snapshot(app, order.id), afterReturn, 'redispatch refused: nothing changed');
  const coOnly = await act({ type: 'redispatch', leadUnitId: 'city-amr', coUnitIds: ['nobody'], deadlineAt });
  t.equal(coOnly.json().error?.code, 'UNKNOWN_UNIT');
  t.same(await snapshot(app, order.id), afterReturn);
});
