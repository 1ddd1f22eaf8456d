/**
 * Text with a NUL character is refused with 400 VALIDATION_FAILED in a path, a query and a JSON
 * body (src/http/unstorable-text.ts), on both databases: PostgreSQL cannot store NUL in text, and
 * answered every such request with a 500 (a search, a list filter, a new work order's subject).
 */
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';
import { appQuery } from '../helpers/app-database.js';
import { unstorableTextAt } from '../../src/http/unstorable-text.js';
import { NUL_MESSAGE, UNPAIRED_SURROGATE_MESSAGE } from '../../src/lib/storable-text.js';

const order = { channel: '12345', category: 'complaint', subject: '夜间施工噪音', content: '每晚十点后施工', callerPhone: '13800000088', callerName: '李四' };

t.test('NUL in a path, a query or a JSON body: 400 VALIDATION_FAILED, nothing written; the same text without it is served', async (t) => {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'agent-nul', 'agent');
  const lead = await loginCookies(app, 'lead-nul', 'shift_lead');
  const ordersNow = async () => Number((await appQuery<{ n: number | string }>(app, 'select count(*) as n from work_orders'))[0]!.n);

  const refused: Array<[string, { method: 'GET' | 'POST'; url: string; payload?: Record<string, unknown> }, string, typeof agent]> = [
    ['a work order subject', { method: 'POST', url: '/api/workorders', payload: { ...order, subject: '夜间\u0000施工' } }, 'body.subject', agent],
    ['a caller name', { method: 'POST', url: '/api/workorders', payload: { ...order, callerName: '李\u0000四' } }, 'body.callerName', agent],
    ['a key of the body', { method: 'POST', url: '/api/workorders', payload: { ...order, 'x\u0000': 1 } }, 'body.x\\u0000', agent],
    ['a list filter', { method: 'GET', url: '/api/workorders?channel=a%00b' }, 'querystring.channel', agent],
    ['a knowledge-base search', { method: 'GET', url: `/api/kb/search?q=${encodeURIComponent('社保\u0000卡')}` }, 'querystring.q', agent],
    ['a path parameter', { method: 'GET', url: '/api/recordings/a%00b' }, 'params.id', lead],
  ];
  for (const [what, request, path, cookies] of refused) {
    const res = await app.http.inject({ ...request, cookies });
    t.equal(res.statusCode, 400, `${what}: ${res.body}`);
    t.same(res.json().error.code, 'VALIDATION_FAILED', what);
    t.same(res.json().error.details, [{ path, message: 'must not contain NUL characters' }], what);
  }
  t.equal(await ordersNow(), 0, 'no order written');

  const created = await app.http.inject({ method: 'POST', url: '/api/workorders', cookies: agent, payload: order });
  t.equal(created.statusCode, 201, created.body);
  t.equal(await ordersNow(), 1, 'the same order without NUL is written');
  const listed = await app.http.inject({ method: 'GET', url: '/api/workorders?channel=12345', cookies: agent });
  t.equal(listed.statusCode, 200, listed.body);
  t.equal(listed.json().total, 1);
  const searched = await app.http.inject({ method: 'GET', url: `/api/kb/search?q=${encodeURIComponent('社保卡')}`, cookies: agent });
  t.equal(searched.statusCode, 200, searched.body);
});

t.test('the walk finds NUL and unpaired surrogates at any depth, in keys and in values, and names the path', async (t) => {
  let deep: unknown = 'a\u0000b';
  for (let i = 0; i < 100; i++) deep = { n: [deep] };
  const found = unstorableTextAt(deep, 'body');
  t.equal(found?.message, NUL_MESSAGE, 'a NUL 200 levels down (the old walk stopped at 32)');
  t.equal(found?.path, `body${'.n.0'.repeat(100)}`);
  t.same(unstorableTextAt({ ok: '😀 a pair', ['k\ud800']: 1 }, 'body'), { path: 'body.k\\ud800', message: UNPAIRED_SURROGATE_MESSAGE });
  t.same(unstorableTextAt({ a: ['x', { b: '\udc00 alone' }] }, 'querystring'), { path: 'querystring.a.1.b', message: UNPAIRED_SURROGATE_MESSAGE });
  t.equal(unstorableTextAt({ a: ['😀', { b: '正常文本' }], n: 1, z: null }, 'body'), undefined, 'paired surrogates and plain text pass');
});
