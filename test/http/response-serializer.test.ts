/**
 * Replies written by a serializer compiled from their schema (src/http/response-serializer.ts,
 * issue 18 part 3) come out exactly as fastify-type-provider-zod's zod serializer wrote them:
 * the same bytes for real replies of the hot routes, a field the schema does not name never
 * sent (also deep in a reply), and a reply the schema refuses refused the same way (500).
 */
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { z } from 'zod';
import { isResponseSerializationError, serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { compilableJsonSchema, compileReply, responseSerializerCompiler } from '../../src/http/response-serializer.js';
import { OrderActionResult, OrderDetail, OrderList, OrderView } from '../../src/contract/http-workorders.js';
import { SignedIn } from '../../src/contract/http-accounts.js';
import { Assessment, DailyTrend, KpiReport } from '../../src/contract/http-reports.js';
import { DeskOrderDetail, QueuePage, SearchPage } from '../../src/contract/http-desk.js';
import { buildReportFixture } from '../helpers/report-fixture.js';
import { loginCookies, testApp } from '../helpers/app.js';

type Serialize = (data: unknown) => string;
const route = (schema: unknown) => ({ schema, method: 'GET', url: '/test', httpStatus: '200' });
const compiled = (schema: z.ZodType): Serialize => responseSerializerCompiler(route(schema)) as Serialize;
const viaZod = (schema: z.ZodType): Serialize => zodSerializerCompiler(route(schema) as Parameters<typeof zodSerializerCompiler>[0]) as Serialize;

/**
 * `value` with `extra` added to every object in it (the leak a schema must stop), but for the
 * history's `data`, a record open to any key by its schema (zod sent all of it too).
 */
function withExtra(value: unknown, extra: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => withExtra(v, extra));
  if (value === null || typeof value !== 'object') return value;
  return { ...Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'data' ? v : withExtra(v, extra)])), ...extra };
}

/** What each serializer does with `data`: its JSON, or the error's kind. */
function outcome(serialize: Serialize, data: unknown): string {
  try {
    return serialize(data);
  } catch (err) {
    return isResponseSerializationError(err) ? 'ResponseSerializationError' : `other error: ${String(err)}`;
  }
}

t.test('the hot routes’ reply schemas are compiled; unions and refinements keep zod', async (t) => {
  for (const [name, schema] of Object.entries({
    OrderDetail,
    OrderList,
    OrderView,
    OrderActionResult,
    SignedIn,
    KpiReport,
    DailyTrend,
    Assessment,
    SearchPage,
    QueuePage,
    DeskOrderDetail,
  }))
    t.ok(compilableJsonSchema(schema), `${name} compiled`);
  t.equal(compilableJsonSchema(z.object({ a: z.union([z.string(), z.number()]) })), null, 'a union');
  t.equal(compilableJsonSchema(z.object({ a: z.string().refine((s) => s.length > 2) })), null, 'a refinement');
  t.equal(compilableJsonSchema(z.object({ a: z.string().default('x') })), null, 'a default');
  t.equal(compilableJsonSchema(z.object({ a: z.string().transform((s) => s.length) })), null, 'a transform');
  t.equal(compilableJsonSchema(z.object({ a: z.date() })), null, 'a date');
  t.equal(compilableJsonSchema(z.strictObject({ a: z.string() })), null, 'a strict object (zod refuses unknown keys)');
  t.equal(compilableJsonSchema(z.object({ a: z.email() })), null, 'a string format');
  // A schema kept on zod is still serialised, by zod.
  const union = z.object({ a: z.union([z.string(), z.number()]) });
  t.equal(compiled(union)({ a: 1, b: 2 }), viaZod(union)({ a: 1, b: 2 }));
});

t.test('every reply schema of src/contract that is compiled compiles with both compilers', async (t) => {
  const dir = path.join(import.meta.dirname, '../../src/contract');
  let compiledSchemas = 0;
  for (const file of fs.readdirSync(dir).filter((f) => f.startsWith('http-'))) {
    const mod = (await import(path.join(dir, file))) as Record<string, unknown>;
    for (const [name, schema] of Object.entries(mod)) {
      const json = schema instanceof z.ZodType ? compilableJsonSchema(schema) : null;
      if (!json) continue;
      compiledSchemas++;
      t.doesNotThrow(() => compileReply(json), `${file} ${name}`);
    }
  }
  t.ok(compiledSchemas > 100, `${compiledSchemas} schemas compiled`);
});

t.test('real replies of the hot routes: the same JSON as zod wrote, extra fields never sent', async (t) => {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'rs-agent', 'agent');
  const admin = await loginCookies(app, 'rs-admin', 'admin');
  const get = async (url: string, cookies: Record<string, string>) => {
    const res = await app.http.inject({ url, cookies });
    t.equal(res.statusCode, 200, url);
    return res.json() as unknown;
  };
  const created: unknown[] = [];
  for (const [i, confidential] of [false, true, false].entries()) {
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/workorders',
      cookies: agent,
      payload: {
        channel: 'phone',
        category: 'complaint',
        subject: `路灯不亮 ${i}`,
        content: '吴兴区爱山街道路灯不亮',
        callerPhone: '13800001111',
        callerName: '张三',
        confidential,
      },
    });
    t.equal(res.statusCode, 201);
    created.push(res.json());
  }
  const id = (created[1] as { id: number }).id;
  await buildReportFixture(app);
  const replies: Array<[string, z.ZodType, unknown]> = [
    ['POST /api/workorders', OrderView, created[1]],
    ['GET /api/workorders/:id', OrderDetail, await get(`/api/workorders/${id}`, agent)],
    ['GET /api/workorders', OrderList, await get('/api/workorders?pageSize=50', agent)],
    ['GET /api/workorders?sort=deadlineAt', OrderList, await get('/api/workorders?sort=deadlineAt', admin)],
    ['GET /api/auth/me', SignedIn, await get('/api/auth/me', agent)],
    ['GET /api/reports/kpis?by=agent', KpiReport, await get('/api/reports/kpis?period=day&date=2026-10-09&by=agent', admin)],
    ['GET /api/reports/kpis?by=unit', KpiReport, await get('/api/reports/kpis?period=month&date=2026-10-09&by=unit', admin)],
    ['GET /api/reports/daily', DailyTrend, await get('/api/reports/daily?period=month&date=2026-10-09', admin)],
  ];
  const secrets = { callerIdCard: '330501199001011234', passwordHash: 'x' };
  for (const [name, schema, body] of replies) {
    const ours = compiled(schema);
    const theirs = viaZod(schema);
    t.equal(ours(body), theirs(body), `${name}: the same JSON`);
    t.same(JSON.parse(ours(body)), body, `${name}: the reply read back is the reply`);
    const leaky = withExtra(body, secrets);
    const written = ours(leaky);
    t.equal(written, theirs(leaky), `${name} with extra fields: the same JSON`);
    t.notMatch(written, /callerIdCard|330501199001011234|passwordHash/, `${name}: no field the schema does not name`);
  }
  // The reply carries what a masked confidential order shows, and nothing else.
  const detail = replies[1]![2] as { confidential: boolean; history: unknown[] };
  t.ok(detail.confidential && detail.history.length > 0, 'the confidential order with its history');
  t.ok((replies[5]![2] as { rows: unknown[] }).rows.length > 0, 'the KPI reply has rows');
});

t.test('a reply the schema refuses is refused as zod refused it', async (t) => {
  const order = {
    id: 1,
    number: 'HZ-20261206-00001',
    channel: 'phone',
    status: 'accepted',
    category: 'complaint',
    subject: null,
    content: '路灯不亮',
    location: null,
    callerId: null,
    callerPhone: null,
    callerName: null,
    confidential: false,
    reporterHidden: false,
    lookupCode: null,
    callId: null,
    agentId: 3,
    leadUnitId: null,
    coUnitIds: [],
    coRepliedUnitIds: [],
    deadlineAt: null,
    signDeadlineAt: null,
    callbackDue: false,
    pendingExtension: null,
    satisfaction: null,
    supervisionLevel: 0,
    handlingRound: 1,
    mergedIntoId: null,
    linkedOrderIds: [],
    createdAt: 1,
    updatedAt: 2,
    version: 1,
  };
  const ours = compiled(OrderView);
  const theirs = viaZod(OrderView);
  t.equal(ours(order), theirs(order), 'a valid order');
  const broken: Array<[string, unknown]> = [
    ['a status not in the enum', { ...order, status: 'lost' }],
    ['a category not in the enum', { ...order, category: 'gossip' }],
    ['a string for a number', { ...order, id: '1' }],
    ['a number for a string', { ...order, number: 12 }],
    ['null where not nullable', { ...order, channel: null }],
    ['a string for an object', { ...order, pendingExtension: 'soon' }],
    ['an object missing a field', { ...order, pendingExtension: { days: 3, reason: 'x', requestedAt: 1 } }],
    ['a missing field', Object.fromEntries(Object.entries(order).filter(([k]) => k !== 'version'))],
    ['an infinite number', { ...order, createdAt: Infinity }],
    ['NaN', { ...order, updatedAt: NaN }],
    ['an array of the wrong items', { ...order, linkedOrderIds: ['a'] }],
    ['a boolean for a string', { ...order, satisfaction: true }],
  ];
  for (const [name, data] of broken) {
    t.equal(outcome(ours, data), 'ResponseSerializationError', name);
    t.equal(outcome(ours, data), outcome(theirs, data), `${name}: as zod`);
  }
  const counts = z.object({
    n: z.number().int(),
    code: z
      .string()
      .max(3)
      .regex(/^[a-z]+$/),
    level: z.enum(['a', 'b']).nullable(),
  });
  for (const data of [
    { n: 1.5, code: 'ab', level: null },
    { n: 1, code: 'abcd', level: 'a' },
    { n: 1, code: 'AB', level: 'b' },
    { n: 1, code: 'ab', level: 'c' },
  ])
    t.equal(outcome(compiled(counts), data), 'ResponseSerializationError', JSON.stringify(data));
  t.equal(compiled(counts)({ n: 2, code: 'ab', level: null }), '{"n":2,"code":"ab","level":null}', 'null in a nullable enum');
});
