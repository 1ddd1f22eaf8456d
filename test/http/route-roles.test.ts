/**
 * Who may call which HTTP route, as an attacker would probe it: every route the app registers
 * (Fastify's own route list, not the OpenAPI document, so a hidden route counts too) is in the
 * table below, and is called as anonymous and as every role (a city and a county dispatcher,
 * a unit handler with a unit). A caller outside a route's roles gets 401 UNAUTHENTICATED
 * (anonymous) or 403 FORBIDDEN, before its input is looked at; a caller inside them gets
 * anything else (the route's own answer to an empty input). A route added without a line here
 * fails the test, so its roles are decided, not inherited.
 *
 * Routes not decided by role: /metrics (loopback or SUNLINE_METRICS_TOKEN: called here from a
 * remote address, refused to all), the WeChat bridge's intake (signed requests, bridge-auth),
 * the public intake and the citizen lookup (anyone). The session routes (login, logout, password)
 * are checked anonymously only: calling them would end the sessions the probe uses.
 */
import t from 'tap';
import type { UserRole } from '../../src/db/schema.js';
import { testApp } from '../helpers/app.js';

type Caller = 'anonymous' | 'citizen' | 'agent' | 'unit_handler' | 'city_dispatcher' | 'county_dispatcher' | 'shift_lead' | 'admin' | 'qa' | 'wallboard';

const STAFF_READERS = ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin', 'qa'] as const;
/** Every caller, signed in or not: public routes. */
const EVERYONE = ['anonymous', 'citizen', ...STAFF_READERS, 'wallboard'] as const;

/** "METHOD path" → the callers the role guard lets through. */
const ALLOWED: Record<string, readonly Caller[]> = {
  'GET /health/live': EVERYONE,
  'GET /health/ready': EVERYONE,
  // Not for sessions: 403 FORBIDDEN to every remote caller without the token.
  'GET /metrics': [],
  'GET /api/auth/me': ['citizen', 'agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin', 'qa', 'wallboard'],
  'GET /api/admin/config': ['admin'],
  'POST /api/admin/config/reload': ['admin'],
  'GET /api/admin/config/files/:file': ['admin'],
  'PUT /api/admin/config/files/:file': ['admin'],
  'POST /api/admin/config/files/:file/check': ['admin'],
  'GET /api/admin/config/versions': ['admin'],
  'GET /api/admin/config/versions/:id': ['admin'],
  'POST /api/admin/config/versions/:id/rollback': ['admin'],
  'GET /api/admin/config/diff': ['admin'],
  'POST /api/admin/config/simulate': ['admin'],
  'GET /api/admin/config/prompts': ['admin'],
  'PUT /api/admin/config/prompts': ['admin'],
  'GET /api/admin/config/prompts/audio': ['admin'],
  'GET /api/admin/users': ['admin'],
  'POST /api/admin/users': ['admin'],
  'POST /api/admin/users/import': ['admin'],
  'PATCH /api/admin/users/:id': ['admin'],
  'POST /api/admin/users/:id/unlock': ['shift_lead', 'admin'],
  'POST /api/admin/users/:id/password': ['admin'],
  'POST /api/admin/users/:id/disable': ['admin'],
  'POST /api/admin/users/:id/enable': ['admin'],
  'GET /api/admin/audit': ['admin'],
  'GET /api/agents/skills': ['shift_lead', 'admin'],
  'GET /api/agents/me': ['agent'],
  'GET /api/agents/pause-reasons': ['agent', 'shift_lead', 'admin'],
  'PUT /api/agents/:id/skills': ['shift_lead', 'admin'],
  'PUT /api/agents/:id/penalty': ['shift_lead', 'admin'],
  'GET /api/lead/locked-accounts': ['shift_lead', 'admin'],
  'POST /api/calls/:callId/answer': ['agent'],
  'POST /api/calls/:callId/reject': ['agent'],
  'POST /api/calls/:callId/hangup': ['agent'],
  'POST /api/calls/:callId/hold': ['agent'],
  'POST /api/calls/:callId/mute': ['agent'],
  'POST /api/calls/:callId/dtmf': ['agent'],
  'POST /api/calls/:callId/transfer': ['agent'],
  'POST /api/calls/:callId/conference': ['agent'],
  'DELETE /api/calls/:callId/conference': ['agent'],
  'GET /api/callers/:callerId/history': ['agent', 'shift_lead', 'admin'],
  'GET /api/callbacks': ['agent', 'shift_lead'],
  'PUT /api/callbacks/:orderId/assignee': ['agent', 'shift_lead'],
  'GET /api/queue': ['shift_lead', 'admin'],
  'GET /api/queue/stats': ['shift_lead', 'admin'],
  'GET /api/qa/form': ['agent', 'shift_lead', 'admin', 'qa'],
  'GET /api/qa/worklist': ['shift_lead', 'admin', 'qa'],
  'GET /api/qa/calls/:callId': ['shift_lead', 'admin', 'qa'],
  'POST /api/qa/calls/:callId/score': ['shift_lead', 'qa'],
  'PUT /api/qa/calls/:callId/score': ['shift_lead', 'qa'],
  'GET /api/qa/scores': ['shift_lead', 'admin', 'qa'],
  'GET /api/qa/my-scores': ['agent'],
  'POST /api/dispatch/suggestion': ['agent', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/deadline-warnings/today': ['shift_lead', 'admin'],
  'GET /api/desk/queues': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/desk/queues/:queue': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/desk/orders': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/desk/orders/:id': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/desk/orders/:id/calls': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/desk/orders/:id/similar': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/desk/orders/:id/suggestion': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/desk/units': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/desk/units/returns': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/desk/consultation': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/desk/consultation.xlsx': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/desk/filters': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'POST /api/desk/filters': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'DELETE /api/desk/filters/:id': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/units': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/workorders': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'POST /api/workorders': ['agent', 'shift_lead', 'admin'],
  'GET /api/workorders/due': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/workorders/:id': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'POST /api/workorders/:id/actions': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'POST /api/workorders/:id/attachments': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/workorders/:id/attachments': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/workorders/:id/attachments/:attachmentId': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/recordings': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin', 'qa'],
  'GET /api/recordings/mine': ['agent'],
  'GET /api/recordings/:id': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin', 'qa'],
  'GET /api/recordings/:id/audit': ['admin'],
  'GET /api/reports/qa': ['shift_lead', 'admin', 'qa'],
  'GET /api/reports/kpis': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/reports/kpis.csv': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/reports/kpis.xlsx': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/reports/daily': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/reports/orders': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/reports/calls': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/reports/callbacks': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/reports/assessment': ['unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/reports/assessment.csv': ['unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/reports/assessment.xlsx': ['unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/reports/hot-topics': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/reports/hot-topics.csv': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/reports/hot-topics.xlsx': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/reports/hot-topics/orders': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/supervision/audit': ['admin'],
  'GET /api/kb/search': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin', 'qa'],
  // kb.yaml's reviewers may hold any staff role: the KB service refuses who is neither editor nor reviewer (KB_NOT_YOUR_UNIT).
  'GET /api/kb/stale': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin', 'qa'],
  'GET /api/kb/articles': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin', 'qa'],
  'POST /api/kb/articles': ['unit_handler', 'admin'],
  'GET /api/kb/articles/:id': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin', 'qa'],
  'PUT /api/kb/articles/:id': ['unit_handler', 'admin'],
  'POST /api/kb/articles/:id/submit': ['unit_handler', 'admin'],
  'POST /api/kb/articles/:id/approve': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin', 'qa'],
  'POST /api/kb/articles/:id/attachments': ['unit_handler', 'admin'],
  'DELETE /api/kb/articles/:id/attachments/:attachmentId': ['unit_handler', 'admin'],
  'POST /api/kb/articles/:id/reject': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin', 'qa'],
  'POST /api/kb/articles/:id/withdraw': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin', 'qa'],
  'GET /api/kb/articles/:id/history': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin', 'qa'],
  'POST /api/kb/answers': ['agent', 'shift_lead', 'admin'],
  'GET /api/kb/answers': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin', 'qa'],
  'GET /api/kb/facets': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin', 'qa'],
  'GET /api/kb/figures': ['city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin'],
  'GET /api/kb/versions/:id': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin', 'qa'],
  'GET /api/kb/versions/:id/attachments': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin', 'qa'],
  'GET /api/kb/versions/:id/attachments/:attachmentId': ['agent', 'unit_handler', 'city_dispatcher', 'county_dispatcher', 'shift_lead', 'admin', 'qa'],
  'POST /api/kb/import': ['unit_handler', 'admin'],
  'POST /api/intake/web': EVERYONE,
  // Anyone reaches it; the bridge's signature decides (401 BRIDGE_AUTH_MISSING unsigned).
  'POST /api/intake/wechat': EVERYONE,
  'POST /api/intake/mailbox': EVERYONE,
  'GET /api/public/orders/:number': EVERYONE,
};

/** Checked anonymously only (see above). */
const SESSION_ROUTES: Record<string, 'served' | 'refused'> = {
  'POST /api/auth/login': 'served',
  'POST /api/auth/logout': 'served',
  'POST /api/auth/password': 'refused',
};

/** Paths of the browser app and the API docs: static files for anyone, no data. */
const isStatic = (path: string) => path === '/' || path === '/*' || path === '/index.html' || path.startsWith('/assets/') || path.startsWith('/docs');

/** "METHOD path" of every route, read off Fastify's route tree (printRoutes without the common prefix). */
function routesOf(tree: string): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ├└─]*)(\S.*?) \(([^)]*)\)$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack[depth] = m[2]!;
    let path = '';
    for (let i = 1; i <= depth; i++) {
      const seg = stack[i]!;
      path += path === '' || path.endsWith('/') || seg.startsWith('/') || seg.startsWith('.') ? seg : `/${seg}`;
    }
    for (const method of m[3]!.split(', ')) if (method !== 'HEAD') routes.push(`${method} ${path}`);
  }
  return routes;
}

t.test('every route answers only the roles its line names; every other caller is refused before its input is read', async (t) => {
  const app = await testApp(t);
  let ip = 0;
  const login = async (username: string, role: UserRole, unitId?: string) => {
    await app.users.create({ username, displayName: username, role, password: 'pw-123456', ...(unitId ? { unitId } : {}) });
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: `10.7.0.${++ip}`,
      payload: { username, password: 'pw-123456' },
    });
    return { sunline_session: res.cookies.find((c) => c.name === 'sunline_session')!.value };
  };
  const callers: Record<Caller, { sunline_session: string } | undefined> = {
    anonymous: undefined,
    citizen: await login('citizen', 'citizen'),
    agent: await login('agent', 'agent'),
    unit_handler: await login('handler', 'unit_handler', 'city-hrss'),
    city_dispatcher: await login('city-dispatcher', 'dispatcher'),
    county_dispatcher: await login('county-dispatcher', 'dispatcher', 'dq-12345'),
    shift_lead: await login('lead', 'shift_lead'),
    admin: await login('admin', 'admin'),
    qa: await login('qa', 'qa'),
    wallboard: await login('wallboard', 'wallboard'),
  };

  const routes = routesOf(app.http.printRoutes({ commonPrefix: false })).filter((r) => !isStatic(r.split(' ')[1]!));
  const listed = new Set([...Object.keys(ALLOWED), ...Object.keys(SESSION_ROUTES)]);
  t.same(
    routes.filter((r) => !listed.has(r)),
    [],
    'every route has a line in the table',
  );
  t.same(
    [...listed].filter((r) => !routes.includes(r)),
    [],
    'every line of the table is a route',
  );

  const call = (route: string, cookies: { sunline_session: string } | undefined) => {
    const [method, path] = route.split(' ') as [string, string];
    const url = path.replace(/:[A-Za-z]+/g, '1');
    // From a remote address: /metrics answers loopback clients without a token.
    return app.http.inject({
      method: method as 'GET',
      url,
      remoteAddress: '192.0.2.10',
      ...(cookies ? { cookies } : {}),
      ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
    });
  };
  const refusedBy = (res: { statusCode: number; json(): { error?: { code?: string } } }) =>
    (res.statusCode === 401 && res.json().error?.code === 'UNAUTHENTICATED') || (res.statusCode === 403 && res.json().error?.code === 'FORBIDDEN');

  for (const [route, expected] of Object.entries(SESSION_ROUTES))
    t.equal(refusedBy(await call(route, undefined)), expected === 'refused', `${route} anonymous`);
  const wrong: string[] = [];
  for (const [route, allowed] of Object.entries(ALLOWED)) {
    for (const [caller, cookies] of Object.entries(callers) as Array<[Caller, { sunline_session: string } | undefined]>) {
      const res = await call(route, cookies);
      const refused = refusedBy(res);
      if (refused === allowed.includes(caller)) wrong.push(`${route} as ${caller}: ${res.statusCode} ${res.body.slice(0, 120)}`);
      if (caller === 'anonymous' && refused && route !== 'GET /metrics') t.equal(res.statusCode, 401, `${route}: anonymous is 401`);
    }
  }
  t.same(wrong, [], 'each route lets through exactly its callers');
});
