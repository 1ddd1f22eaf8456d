/**
 * Row ids in paths, query strings and bodies are bounded by PostgreSQL's `integer`
 * (src/contract/bounds.ts MAX_ROW_ID): 2^31 - 1 reaches the route and is answered as any unknown
 * id; 2^31 is refused with 400 VALIDATION_FAILED. Before, on PostgreSQL, 2^31 reached the query
 * and failed it: 500 INTERNAL (GET /api/workorders/2147483648 and others).
 */
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';

const MAX = 2 ** 31 - 1;

t.test('ids above PostgreSQL’s integer are refused as bad input; the largest is served as an unknown id', async (t) => {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'agent-ids', 'agent');
  const dispatcher = await loginCookies(app, 'dispatcher-ids', 'dispatcher');
  const lead = await loginCookies(app, 'lead-ids', 'shift_lead');
  const qa = await loginCookies(app, 'qa-ids', 'qa');
  type Who = typeof agent;
  const routes: Array<[string, 'GET' | 'POST', (id: number) => string, Who, ((id: number) => Record<string, unknown>)?]> = [
    ['an order', 'GET', (id) => `/api/workorders/${id}`, agent],
    ['an order’s attachments', 'GET', (id) => `/api/workorders/${id}/attachments`, agent],
    ['one attachment', 'GET', (id) => `/api/workorders/1/attachments/${id}`, agent],
    ['an order at the desk', 'GET', (id) => `/api/desk/orders/${id}`, dispatcher],
    ['an order’s calls at the desk', 'GET', (id) => `/api/desk/orders/${id}/calls`, dispatcher],
    ['similar orders', 'GET', (id) => `/api/desk/orders/${id}/similar`, dispatcher],
    ['a caller’s history', 'GET', (id) => `/api/callers/${id}/history`, agent],
    ['due states', 'GET', (id) => `/api/workorders/due?ids=1,${id}`, agent],
    ['recordings of an order', 'GET', (id) => `/api/recordings?orderId=${id}`, lead],
    ['scores of an agent', 'GET', (id) => `/api/qa/scores?agentId=${id}`, qa],
    ['a knowledge article', 'GET', (id) => `/api/kb/articles/${id}`, agent],
    ['a knowledge version', 'GET', (id) => `/api/kb/versions/${id}`, agent],
    ['an order’s answers', 'GET', (id) => `/api/kb/answers?orderId=${id}`, agent],
    ['an action on an order', 'POST', (id) => `/api/workorders/${id}/actions`, agent, () => ({ type: 'accept' })],
    ['a merge target', 'POST', () => `/api/workorders/1/actions`, dispatcher, (id) => ({ type: 'merge_into', targetOrderId: id })],
  ];
  for (const [what, method, url, cookies, body] of routes) {
    const over = await app.http.inject({ method, url: url(MAX + 1), cookies, ...(body ? { payload: body(MAX + 1) } : {}) });
    t.equal(over.statusCode, 400, `${what}, 2^31: ${over.body}`);
    t.equal(over.json().error?.code, 'VALIDATION_FAILED', `${what}, 2^31`);
    const max = await app.http.inject({ method, url: url(MAX), cookies, ...(body ? { payload: body(MAX) } : {}) });
    t.ok(
      max.statusCode < 500 && !(max.statusCode === 400 && max.json().error?.code === 'VALIDATION_FAILED'),
      `${what}, 2^31 - 1 reaches the route: ${max.statusCode} ${max.body.slice(0, 200)}`,
    );
  }
});

t.test('the order list’s page is bounded: 1,000,000 is served (empty), one more is bad input', async (t) => {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'agent-page', 'agent');
  const last = await app.http.inject({ url: '/api/workorders?page=1000000&pageSize=100', cookies: agent });
  t.equal(last.statusCode, 200, last.body);
  t.same(last.json().items, []);
  const over = await app.http.inject({ url: '/api/workorders?page=1000001', cookies: agent });
  t.equal(over.statusCode, 400, over.body);
  t.equal(over.json().error.code, 'VALIDATION_FAILED');
});
