/**
 * Fuzz and abuse test over every route of the OpenAPI document (issue 9): for each route and each
 * role (anonymous and every staff role: agent, shift_lead, admin, unit_handler, …), malformed and oversized bodies, odd
 * unicode (NUL, lone surrogates, RTL marks, 10,000-character strings), huge numbers, wrong types,
 * path parameters over length. Every answer must be
 * - never a 5xx, and no stack trace or source path in the body;
 * - a 4xx in our error shape with a fixed code whenever it is an error — and always a 4xx for
 *   input that is invalid by the route's own schema (the generators only make such input there);
 * - and a refusal changes nothing: the row count of every table is the same before and after.
 *
 * The routes and their schemas come from the app's own document (@fastify/swagger), so a new
 * route is fuzzed without touching this file. Inputs come from fast-check with a fixed seed
 * (printed; FUZZ_SEED=n replays another) and a bounded number of runs: every route × role ×
 * kind of abuse once, plus FUZZ_RUNS random inputs per route.
 */
import t from 'tap';
import fc from 'fast-check';
import type { Sunline } from '../../src/app.js';
import { USER_ROLES, type UserRole } from '../../src/db/schema.js';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../src/contract/csrf.js';
import { injectAsIs, testApp } from '../helpers/app.js';
import { appReader, appTables } from '../helpers/app-database.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261205);
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 12);

type Role = 'anonymous' | Exclude<UserRole, 'citizen'>;
/** Anonymous and every staff role there is (citizens have no route of their own). */
const ROLES: readonly Role[] = ['anonymous', ...USER_ROLES.filter((r): r is Exclude<UserRole, 'citizen'> => r !== 'citizen')];

/**
 * Cases that fail today in files other helpers of issue 9 are changing; each entry is one route
 * and one kind of abuse (optionally some roles), never a whole route. Empty this list as they land.
 */
const KNOWN_ISSUES: ReadonlyArray<{ route: string; kind: string; roles?: readonly Role[]; why: string }> = [];

// ---- the OpenAPI document -------------------------------------------------------------------

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  exclusiveMaximum?: boolean | number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
}

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  schema: JsonSchema;
}

interface Route {
  method: string;
  path: string;
  params: Parameter[];
  /** The JSON body's schema; undefined: the route declares no JSON body. */
  body: JsonSchema | undefined;
}

function routesOf(doc: {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema: JsonSchema }> } }>>;
}): Route[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      params: op.parameters ?? [],
      body: op.requestBody?.content?.['application/json']?.schema,
    })),
  );
}

// ---- values ---------------------------------------------------------------------------------

/** Strings that have broken servers: NUL, lone surrogates, RTL and invisible marks, long text, injections. */
const NASTY_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202eevil\u202c',
  '\u200f\u200e\u200b',
  '\ufeff',
  '🙂🙂🙂',
  'x'.repeat(10_000),
  '中'.repeat(10_000),
  '../../../etc/passwd',
  "' OR 1=1 --",
  '%00',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '\r\nSet-Cookie: a=b',
  ' ',
  '',
];
const HUGE_NUMBERS = [1e308, -1e308, 2 ** 53 + 2, -(2 ** 53) - 2, 2 ** 31, -1, 0, 1.5, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE];

const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
);
const nastyNumber = fc.oneof(fc.constantFrom(...HUGE_NUMBERS), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());
/** Any JSON value an attacker might send where something else is expected. */
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  nastyNumber,
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.array(nastyString, { maxLength: 3 }),
);

const typeOf = (s: JsonSchema): string | undefined => s.type ?? (s.enum ? 'string' : undefined);

/** Values that `s` refuses for certain, or null when this test cannot tell. */
function invalidFor(s: JsonSchema): fc.Arbitrary<unknown> | null {
  const type = typeOf(s);
  const wrong = (values: unknown[]) => fc.constantFrom(...values.filter((v) => !(v === null && s.nullable)));
  const options: Array<fc.Arbitrary<unknown>> = [];
  switch (type) {
    case 'string':
      options.push(wrong([123, 1e308, true, {}, [], null, ['a']]));
      if (s.maxLength !== undefined) {
        const max = s.maxLength;
        options.push(fc.tuple(fc.constantFrom('x', '中', '\u0000', '\u202e'), fc.nat({ max: 12_000 })).map(([c, n]) => c.repeat(max + 1 + n)));
      }
      if (s.enum) options.push(nastyString.filter((v) => !s.enum!.includes(v)));
      if ((s.minLength ?? 0) > 0) options.push(fc.constant(''));
      break;
    case 'integer':
    case 'number': {
      options.push(wrong(['1', '', true, [], {}, null, '1e308']));
      if (type === 'integer') options.push(fc.constantFrom(1.5, 0.1, -2.5));
      if (s.maximum !== undefined) options.push(fc.constantFrom(1e308, s.maximum + 1 <= Number.MAX_SAFE_INTEGER ? s.maximum + 1 : 1e300));
      if (s.minimum !== undefined) options.push(fc.constantFrom(-1e308, s.exclusiveMinimum === true ? s.minimum : s.minimum - 1));
      break;
    }
    case 'boolean':
      options.push(wrong(['true', 'false', 1, 0, [], {}, null]));
      break;
    case 'array':
      options.push(wrong(['x', 1, {}, null, true]));
      if (s.maxItems !== undefined) options.push(fc.constant(Array.from({ length: s.maxItems + 1 }, () => 'x'.repeat(300))));
      break;
    case 'object': {
      options.push(wrong(['x', 1, [], null, true]));
      const inner = invalidObject(s);
      if (inner) options.push(inner);
      break;
    }
    default:
      return null;
  }
  return fc.oneof(...options);
}

/** An object with one property `s` refuses for certain and the others filled with nasty (maybe valid) values. */
function invalidObject(s: JsonSchema): fc.Arbitrary<Record<string, unknown>> | null {
  if (s.oneOf) {
    // A union of tagged objects: keep one variant's tag so that only that variant can match, break another field.
    const variants = s.oneOf.map((v) => variantWithTag(v)).filter((v): v is fc.Arbitrary<Record<string, unknown>> => v !== null);
    return variants.length ? fc.oneof(...variants) : null;
  }
  const props = Object.entries(s.properties ?? {});
  const breakable = props.map(([k, p]) => [k, invalidFor(p)] as const).filter((e): e is readonly [string, fc.Arbitrary<unknown>] => e[1] !== null);
  const unknownKey = s.additionalProperties === false ? [fc.constant(['zz_unknown_field', 1] as const)] : [];
  const breakers = [...breakable.map(([k, arb]) => arb.map((v) => [k, v] as const)), ...unknownKey];
  if (!breakers.length) return null;
  return fc
    .tuple(fc.oneof(...breakers), fc.subarray(props.map(([k]) => k)), fc.array(nastyValue, { minLength: props.length, maxLength: props.length }))
    .map(([[key, bad], keys, values]) => {
      const obj: Record<string, unknown> = Object.fromEntries(keys.map((k, i) => [k, values[i]]));
      obj[key] = bad;
      return obj;
    });
}

function variantWithTag(v: JsonSchema): fc.Arbitrary<Record<string, unknown>> | null {
  const tag = Object.entries(v.properties ?? {}).find(([, p]) => p.enum?.length === 1);
  if (!tag) return invalidObject(v);
  const rest: JsonSchema = { ...v, properties: Object.fromEntries(Object.entries(v.properties ?? {}).filter(([k]) => k !== tag[0])) };
  const broken = invalidObject(rest);
  return broken ? broken.map((o) => ({ ...o, [tag[0]]: tag[1].enum![0] })) : null;
}

// ---- cases ----------------------------------------------------------------------------------

interface Case {
  kind: string;
  role: Role;
  /** Path parameter values, already URL-encoded. */
  path: Record<string, string>;
  query: string;
  contentType?: string;
  body?: string | Buffer;
  csrf: boolean;
  /** 'refuse': invalid by the route's schema, must be a 4xx. 'any': may be served. */
  expect: 'refuse' | 'any';
}

const OVERSIZED = Buffer.from(JSON.stringify({ blob: 'x'.repeat(1_100_000) }));
const DEEP = '['.repeat(5_000) + ']'.repeat(5_000);

/** A path parameter's ordinary value (an order that exists: id 1). */
function plainParam(p: Parameter): string {
  const s = p.schema;
  if (s.enum) return encodeURIComponent(String(s.enum[0]));
  if (s.type === 'integer' || s.type === 'number') return '1';
  return 'c1';
}

/** URL-encodes `v`; a lone surrogate (which encodeURIComponent refuses) goes on the wire as its invalid UTF-8 bytes. */
function encode(v: string): string {
  let out = '';
  for (const ch of v) {
    const unit = ch.charCodeAt(0);
    out += ch.length === 1 && unit >= 0xd800 && unit <= 0xdfff ? (unit < 0xdc00 ? '%ED%A0%80' : '%ED%B0%80') : encodeURIComponent(ch);
  }
  return out;
}

function pathArbs(route: Route): Record<string, { arb: fc.Arbitrary<Record<string, string>>; table?: Array<Record<string, string>>; expect: Case['expect'] }> {
  const params = route.params.filter((p) => p.in === 'path');
  if (!params.length) return {};
  const plain = Object.fromEntries(params.map((p) => [p.name, plainParam(p)]));
  const one = (make: (p: Parameter) => fc.Arbitrary<string> | null) => {
    const arbs = params.map((p) => make(p)?.map((v) => ({ ...plain, [p.name]: v }))).filter((a): a is fc.Arbitrary<Record<string, string>> => !!a);
    return arbs.length ? fc.oneof(...arbs) : null;
  };
  const out: Record<string, { arb: fc.Arbitrary<Record<string, string>>; table?: Array<Record<string, string>>; expect: Case['expect'] }> = {};
  const overLength = one(() => fc.tuple(fc.constantFrom('x', '1', '%00', '%E2%80%AE'), fc.integer({ min: 101, max: 400 })).map(([c, n]) => c.repeat(n)));
  if (overLength) out['path:over-length'] = { arb: overLength, expect: 'refuse' };
  const badNumber = one((p) =>
    p.schema.type === 'integer'
      ? fc.constantFrom('abc', '-1', '0', '1.5', '1e308', '99999999999999999999999', '%00', '%ED%A0%80', '%E2%80%AE1', 'NaN', 'Infinity')
      : null,
  );
  if (badNumber) out['path:not-an-id'] = { arb: badNumber, expect: 'refuse' };
  const badEnum = one((p) => (p.schema.enum ? nastyString.filter((v) => v.length <= 90 && !p.schema.enum!.includes(v)).map((v) => encode(v) || 'zz') : null));
  if (badEnum) out['path:not-in-enum'] = { arb: badEnum, expect: 'refuse' };
  const oddParams = params.filter((p) => p.schema.type === 'string' && !p.schema.enum);
  const odd = one((p) => (oddParams.includes(p) ? nastyString.filter((v) => v.length > 0 && v.length <= 90).map(encode) : null));
  if (odd) {
    const table = oddParams.flatMap((p) => NASTY_STRINGS.filter((v) => v.length > 0 && v.length <= 90).map((v) => ({ ...plain, [p.name]: encode(v) })));
    out['path:odd-string'] = { arb: odd, table, expect: 'any' };
  }
  return out;
}

function queryArbs(route: Route): Record<string, { arb: fc.Arbitrary<string>; table?: string[]; expect: Case['expect'] }> {
  const params = route.params.filter((p) => p.in === 'query');
  const out: Record<string, { arb: fc.Arbitrary<string>; table?: string[]; expect: Case['expect'] }> = {
    'query:junk-keys': {
      arb: fc.constantFrom('__proto__[x]=1', 'constructor[prototype][x]=1', 'a=%00', '%ED%A0%80=1', 'x=' + 'y'.repeat(5000), '&&&=&', 'a[]=1&a[]=2'),
      expect: 'any',
    },
  };
  const invalid = params
    .map((p) => {
      const s = p.schema;
      const bad: string[] = [];
      if (s.type === 'integer' || s.type === 'number') bad.push('abc', '1e400', '1.5x', '');
      if ((s.type === 'integer' || s.type === 'number') && s.maximum !== undefined) bad.push('99999999999999999999999', String(s.maximum + 1));
      if ((s.type === 'integer' || s.type === 'number') && s.minimum !== undefined) bad.push('-99999999999', String(s.minimum - 1));
      if (s.enum) bad.push('%00', '%E2%80%AEx', 'zz');
      if (s.maxLength !== undefined) bad.push('x'.repeat(s.maxLength + 1), '%E4%B8%AD'.repeat(s.maxLength + 1));
      if (s.type === 'array' && s.maxItems !== undefined) bad.push(Array.from({ length: s.maxItems + 1 }, () => '1').join(`&${p.name}=`));
      if (s.type === 'array' && s.items?.enum) bad.push('zz');
      if (s.pattern?.includes('\\x00')) bad.push('a%00b', '%07');
      return bad.length ? fc.constantFrom(...bad).map((v) => `${p.name}=${v}`) : null;
    })
    .filter((a): a is fc.Arbitrary<string> => a !== null);
  if (invalid.length) out['query:invalid'] = { arb: fc.oneof(...invalid), expect: 'refuse' };
  const strings = params.filter((p) => p.schema.type === 'string' || p.schema.anyOf);
  if (strings.length) {
    const odd = NASTY_STRINGS.filter((v) => v.length <= 200);
    out['query:odd-string'] = {
      arb: fc
        .tuple(
          fc.constantFrom(...strings.map((p) => p.name)),
          nastyString.filter((v) => v.length <= 200),
        )
        .map(([n, v]) => `${n}=${encode(v)}`),
      // Each nasty string in each string parameter once, besides the random ones.
      table: strings.flatMap((p) => odd.map((v) => `${p.name}=${encode(v)}`)),
      expect: 'any',
    };
  }
  return out;
}

function bodyArbs(route: Route): Record<string, { arb: fc.Arbitrary<Pick<Case, 'body' | 'contentType' | 'csrf'>>; expect: Case['expect'] }> {
  if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method)) return {};
  const json = (body: string | Buffer) => ({ body, contentType: 'application/json', csrf: true });
  const out: Record<string, { arb: fc.Arbitrary<Pick<Case, 'body' | 'contentType' | 'csrf'>>; expect: Case['expect'] }> = {
    'body:syntax': { arb: fc.constantFrom('{"a":', '{"a":1}}', '\u0000', '[', 'nul', "{'a':1}", '{"a":1,}', '\ud800').map(json), expect: 'refuse' },
    'body:oversized': { arb: fc.constant(json(OVERSIZED)), expect: 'refuse' },
    'body:proto': { arb: fc.constantFrom('{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}').map(json), expect: 'refuse' },
    // Malformed multipart: refused by the one route that takes multipart (attachments) and by every other.
    'body:multipart': {
      arb: fc
        .constantFrom(
          ['multipart/form-data; boundary=b0', '--b0\r\nContent-Disposition: form-data; name="f"; filename="a.pdf"\r\n\r\n%PDF-1.4 no end'],
          ['multipart/form-data; boundary=b0', '--b0\r\nthis is not a header block'],
          ['multipart/form-data; boundary=b0', '--b0\r\nContent-Disposition: form-data; name="action"'],
          ['multipart/form-data', '--b0\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--b0--\r\n'],
          ['multipart/form-data; boundary=b0', ''],
          ['multipart/form-data; boundary=b0', '--b0\r\nContent-Disposition: form-data; name="action"\r\n\r\n{"type":\r\n--b0--\r\n'],
        )
        .map(([contentType, body]) => ({ body, contentType, csrf: true })),
      expect: 'refuse',
    },
    'body:content-type': {
      arb: fc.constantFrom(
        { body: 'held=true', contentType: 'application/x-www-form-urlencoded', csrf: true },
        { body: '{"held":true}', contentType: 'text/plain', csrf: true },
        { body: '<a/>', contentType: 'application/xml', csrf: true },
      ),
      expect: 'refuse',
    },
  };
  if (!route.body) return out;
  out['body:not-object'] = {
    arb: fc.constantFrom('[]', '"x"', '1e308', 'null', 'true', '[{}]', JSON.stringify('中'.repeat(10_000))).map(json),
    expect: 'refuse',
  };
  out['body:deep'] = { arb: fc.constant(json(DEEP)), expect: 'refuse' };
  const broken = invalidObject(route.body);
  if (broken) {
    out['body:invalid-field'] = { arb: broken.map((o) => json(JSON.stringify(o))), expect: 'refuse' };
    // A number literal JSON.parse turns into Infinity, where the schema wants a bounded value.
    out['body:huge-literal'] = {
      arb: broken.map((o) => json(JSON.stringify(o).replace(/:(-?\d+(\.\d+)?(e[+-]?\d+)?)([,}])/i, ':1e400$4'))),
      expect: 'refuse',
    };
    // The same broken body without the anti-CSRF header: refused either way.
    out['csrf:missing'] = { arb: broken.map((o) => ({ ...json(JSON.stringify(o)), csrf: false })), expect: 'refuse' };
  }
  return out;
}

// ---- the run --------------------------------------------------------------------------------

/** A stack frame or a source file position (not a path: the admin's config page names its files). */
const STACK = /\n\s+at |node_modules|\.[cm]?[jt]sx?:\d+|\bat [\w.<>]+ \(/;

/**
 * The fuzzed app runs without Asterisk: a call command whose input passed validation finds
 * telephony down. That 503 is the service's state, not the input's; only for input that is valid.
 */
const SERVICE_DOWN_CODES = ['ASTERISK_UNAVAILABLE'];

interface Failure {
  key: string;
  detail: string;
}

t.test('every route of the OpenAPI document refuses abuse with a coded 4xx and changes nothing', async (t) => {
  const started = Date.now();
  t.comment(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} to replay), ${RUNS_PER_ROUTE} random runs per route`);
  const app = await testApp(t, { overrides: { realtime: false } });
  await app.http.ready();
  const routes = routesOf(app.http.swagger() as never);
  t.ok(routes.length >= 30, `${routes.length} routes in the OpenAPI document`);

  const cookies = await sessions(app);
  // Tables only timers write, which may run at any moment of the fuzz (a loaded machine stretches
  // it past a minute): the hot topics' index (topic_*, src/reports/hot-topics.ts) and the report
  // rollups (report_*, src/reports/report-rollups.ts) derived from the other tables, and the
  // deadline scheduler's warnings (every 60 s, src/workorders/deadlines/scheduler.ts). No route
  // writes them; a request that wrongly wrote their sources still shows in the sources' counts.
  const timers = (n: string) => n.startsWith('topic_') || n.startsWith('report_') || n === 'deadline_warnings';
  const tables = (await appTables(app)).filter((n) => !n.startsWith('__') && !timers(n));
  t.ok(tables.includes('work_orders') && tables.includes('sessions'), `${tables.length} tables counted`);
  const read = await appReader(t, app);
  const countAll = `select ${tables.map((n) => `(select count(*) from "${n}") as "${n}"`).join(', ')}`;
  const counts = async () => Object.values((await read(countAll))[0]!).join(',');
  const empty = await counts();
  await fixtures(app, cookies);
  t.not(await counts(), empty, 'the counts see a write (the fixture order), on the database the app writes');

  // Each request's counts are the next one's before: only this test writes between them.
  let before = await counts();
  let ip = 0;
  let sent = 0;
  const failures = new Map<string, Failure>();
  const known = new Map<string, Failure>();
  const statuses = new Map<number, number>();

  for (const route of routes) {
    const all = { ...pathArbs(route), ...queryArbs(route), ...bodyArbs(route) };
    // A state-changing request gets only input it must refuse (one served could log out or disable the fuzzing users).
    const changes = route.method !== 'GET' && route.method !== 'HEAD';
    const kinds = Object.fromEntries(Object.entries(all).filter(([k, v]) => !changes || v.expect === 'refuse' || k === 'path:odd-string'));
    const caseOf = (kind: string, role: Role, seed: number, fixed?: unknown): Case => {
      const k = kinds[kind] as { arb: fc.Arbitrary<unknown>; expect: Case['expect'] };
      const v = fixed ?? fc.sample(k.arb, { seed, numRuns: 1 })[0];
      const plainPath = Object.fromEntries(route.params.filter((p) => p.in === 'path').map((p) => [p.name, plainParam(p)]));
      const c: Case = { kind, role, path: plainPath, query: '', csrf: true, expect: k.expect };
      if (kind.startsWith('path:')) c.path = v as Record<string, string>;
      else if (kind.startsWith('query:')) c.query = v as string;
      else Object.assign(c, v);
      return c;
    };
    // Every kind × every role once, then random (kind, role) pairs.
    const plan: Array<[string, Role, number, unknown?]> = [];
    let n = 0;
    for (const kind of Object.keys(kinds)) for (const role of ROLES) plan.push([kind, role, SEED + n++]);
    // The tables: every listed value once, the roles taking turns.
    for (const [kind, k] of Object.entries(kinds) as Array<[string, { table?: unknown[] }]>)
      for (const [i, v] of (k.table ?? []).entries()) plan.push([kind, ROLES[i % ROLES.length]!, 0, v]);
    const extra = fc.sample(fc.tuple(fc.constantFrom(...Object.keys(kinds)), fc.constantFrom(...ROLES), fc.integer()), {
      seed: SEED + 7919,
      numRuns: RUNS_PER_ROUTE,
    });
    plan.push(...extra);

    for (const [kind, role, seed, fixed] of plan) {
      const c = caseOf(kind, role, seed, fixed);
      let url = route.path.replace(/\{(\w+)\}/g, (_, name: string) => c.path[name] ?? '1');
      if (c.query) url += `?${c.query}`;
      const headers: Record<string, string> = {};
      if (c.csrf) headers[CSRF_HEADER] = CSRF_HEADER_VALUE;
      if (c.contentType) headers['content-type'] = c.contentType;
      // As is: the test helper's inject would add the anti-CSRF header to the cases without it.
      const res = await injectAsIs(app, {
        method: route.method as 'GET',
        url,
        headers,
        ...(c.role !== 'anonymous' ? { cookies: { sunline_session: cookies[c.role] } } : {}),
        ...(c.body !== undefined ? { payload: c.body } : {}),
        // A fresh address per request: the per-IP limits must not hide what the validators do.
        remoteAddress: `10.${(++ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`,
      });
      sent++;
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      const after = await counts();
      const problems = judge(c, res.statusCode, res.body, before, after);
      before = after;
      if (!problems.length) continue;
      const routeName = `${route.method} ${route.path}`;
      const key = `${routeName} ${kind} ${problems.join('; ')}`;
      const issue = KNOWN_ISSUES.find((k) => k.route === routeName && k.kind === kind && (!k.roles || k.roles.includes(c.role)));
      const bucket = issue ? known : failures;
      if (!bucket.has(key)) {
        const shown = (x: string | Buffer | undefined) => (x === undefined ? '' : String(x).slice(0, 160));
        bucket.set(key, {
          key,
          detail: `${routeName} [${kind}, ${c.role}] ${url.slice(0, 200)} body=${JSON.stringify(shown(c.body))} → ${res.statusCode} ${res.body.slice(0, 300)}`,
        });
      }
      // A refused request that changed rows: the next one compares with the new state.
    }
  }

  // The sessions lived through it all: every role's requests were judged as that role's.
  for (const role of ROLES.filter((r) => r !== 'anonymous'))
    t.equal(
      (await app.http.inject({ url: '/api/auth/me', cookies: { sunline_session: cookies[role as Exclude<Role, 'anonymous'>] } })).statusCode,
      200,
      `${role} still logged in`,
    );
  for (const f of failures.values()) t.fail(f.key, { diagnostic: true, detail: f.detail });
  for (const f of known.values()) t.fail(f.key, { todo: 'known issue (KNOWN_ISSUES in this file)', detail: f.detail });
  for (const k of KNOWN_ISSUES)
    t.ok(
      [...known.values()].some((f) => f.key.startsWith(`${k.route} ${k.kind} `)),
      `known issue still happens: ${k.route} ${k.kind}`,
      { todo: 'remove it from KNOWN_ISSUES once fixed' },
    );
  t.equal(failures.size, 0, `no unexpected answers in ${sent} requests`);
  t.comment(`${sent} requests in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
});

/** What is wrong with this answer, if anything. */
function judge(c: Case, status: number, body: string, before: string, after: string): string[] {
  const problems: string[] = [];
  if (status >= 500 && !(status === 503 && c.expect === 'any' && SERVICE_DOWN_CODES.includes(errorCode(body) ?? ''))) problems.push(`${status}`);
  if (STACK.test(body)) problems.push('stack trace or source path in the body');
  if (status >= 400) {
    const code = errorCode(body);
    if (!code) problems.push(`${status} not in our error shape`);
    if (before !== after) problems.push('a refused request changed rows');
  } else if (c.expect === 'refuse') problems.push(`invalid input served (${status})`);
  return problems;
}

/** The fixed code of `{ error: { code, message, details? } }`, or null when the body is not that. */
function errorCode(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    const keys = Object.keys(parsed);
    const e = parsed.error;
    if (keys.length !== 1 || !e || typeof e.code !== 'string' || typeof e.message !== 'string') return null;
    if (!/^[A-Z][A-Z0-9_]*$/.test(e.code) || e.code.startsWith('FST_')) return null;
    return e.code;
  } catch {
    return null;
  }
}

/** A logged-in user of each role (through the service: the login route's per-IP limit is not under test here). */
async function sessions(app: Sunline): Promise<Record<Exclude<Role, 'anonymous'>, string>> {
  const out = {} as Record<Exclude<Role, 'anonymous'>, string>;
  for (const role of ROLES) {
    if (role === 'anonymous') continue;
    const username = `fuzz-${role}`;
    await app.users.create({
      username,
      displayName: username,
      role,
      password: 'long enough password',
      ...(role === 'unit_handler' ? { unitId: 'city-hrss' } : {}),
    });
    const login = await app.users.login(username, 'long enough password');
    out[role] = login!.token;
  }
  return out;
}

/** Order 1 exists, dispatched to the unit handler's unit, so routes with an id reach their validators and services. */
async function fixtures(app: Sunline, cookies: Record<Exclude<Role, 'anonymous'>, string>): Promise<void> {
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/workorders',
    headers: { [CSRF_HEADER]: CSRF_HEADER_VALUE },
    cookies: { sunline_session: cookies.agent },
    payload: { channel: '12345', category: 'complaint', subject: '噪音扰民', content: '夜间施工噪音', callerPhone: '13800000088', callerName: '李四' },
  });
  if (res.statusCode !== 201) throw new Error(`fixture order: ${res.statusCode} ${res.body}`);
}
