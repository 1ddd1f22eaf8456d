/**
 * The OpenAPI document tells clients about the CSRF header: a client generated from it, or an
 * acceptance suite reading it, sends `X-Sunline-Request: 1` on every writing request.
 */
import t from 'tap';
import { testApp } from '../helpers/app.js';

interface Param {
  in: string;
  name: string;
  required?: boolean;
  schema?: { enum?: string[] };
}

t.test('every POST, PUT, PATCH and DELETE lists the X-Sunline-Request header; required where the session cookie is used', async (t) => {
  const app = await testApp(t);
  const doc = (await app.http.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, { parameters?: Param[] }>> };
  let writing = 0;
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
      writing++;
      const header = (op.parameters ?? []).filter((p) => p.in === 'header' && p.name.toLowerCase() === 'x-sunline-request');
      t.equal(header.length, 1, `${method.toUpperCase()} ${path} lists the header once`);
      t.same(header[0]?.schema?.enum, ['1'], `${method.toUpperCase()} ${path}: its value`);
      const cookieless = /^\/api\/(intake|public)\//.test(path);
      t.equal(header[0]?.required, !cookieless, `${method.toUpperCase()} ${path}: ${cookieless ? 'optional (no session)' : 'required'}`);
    }
    for (const [method, op] of Object.entries(ops)) {
      if (method === 'get')
        t.notOk(
          (op.parameters ?? []).some((p) => p.name.toLowerCase() === 'x-sunline-request'),
          `GET ${path} needs no header`,
        );
    }
  }
  t.ok(writing > 20, `${writing} writing operations checked`);
  t.same(doc.paths['/api/auth/login']?.['post']?.parameters?.find((p) => p.in === 'header')?.required, true, 'login too');
});
