/**
 * Authenticate before validating, one error shape (issue 9, low items): every route that needs a
 * session answers an anonymous caller 401 whatever its body or parameters, before any 400; a path
 * parameter over the router's limit gets 414 in our error shape, not Fastify's.
 */
import t from 'tap';
import { testApp } from '../helpers/app.js';

/** Routes anyone may call (their own checks apply). */
const PUBLIC = [/^\/health\//, /^\/api\/auth\/(login|logout|me)$/, /^\/api\/intake\//, /^\/api\/public\//, /^\/docs/];

t.test('an anonymous caller gets 401 from every protected route, bad body or not, never a 400', async (t) => {
  const app = await testApp(t);
  const doc = (await app.http.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
  let checked = 0;
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (PUBLIC.some((p) => p.test(path))) continue;
    for (const method of Object.keys(methods)) {
      // Parameters that fail their schema, a body that fails any schema, a query string that too.
      const url = `${path.replace(/\{[^}]+\}/g, '%00bad')}?page=-1&pageSize=x`;
      const res = await app.http.inject({ method: method.toUpperCase() as 'GET', url, ...(method === 'get' ? {} : { payload: { nonsense: [1] } }) });
      t.equal(res.statusCode, 401, `${method.toUpperCase()} ${path}: ${res.body}`);
      t.equal(res.json().error.code, 'UNAUTHENTICATED');
      checked++;
    }
  }
  t.ok(checked >= 15, `${checked} protected routes checked`);
});

t.test('a path parameter over 100 characters: 414 URI_TOO_LONG in our error shape', async (t) => {
  const app = await testApp(t);
  for (const url of [`/api/calls/${'x'.repeat(101)}/answer`, `/api/workorders/${'1'.repeat(150)}/attachments`]) {
    const res = await app.http.inject({ method: 'POST', url, payload: {} });
    t.equal(res.statusCode, 414, `${url}: ${res.body}`);
    t.same(Object.keys(res.json()), ['error']);
    t.equal(res.json().error.code, 'URI_TOO_LONG');
    t.notMatch(res.body, /FST_ERR|statusCode/);
  }
  const bad = await app.http.inject({ url: '/api/workorders/%E0%A4%A' });
  t.equal(bad.statusCode, 400, bad.body);
  t.equal(bad.json().error.code, 'BAD_REQUEST');
  t.notMatch(bad.body, /FST_ERR|statusCode/);
});
