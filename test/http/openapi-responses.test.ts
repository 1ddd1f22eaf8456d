/**
 * Every JSON route of the app documents its 2xx reply in the OpenAPI document (issue 19 item 4),
 * with a schema from src/contract: a route without a response schema is serialized as it comes
 * (fields leak or vanish unnoticed) and a generated client knows nothing of its reply. A reply
 * without a body declares `204: NoContent` (z.null()).
 *
 * The routes are the app's own (read off Fastify's route tree, not off the OpenAPI document, so a
 * route hidden from the document is caught too); the only routes let through are the ones in
 * NOT_JSON below, which reply with something other than JSON.
 */
import t from 'tap';
import { testApp } from '../helpers/app.js';

/** Routes that reply with something other than JSON (METHOD path, as in the OpenAPI document), and why. */
const NOT_JSON: Record<string, string> = {
  // Files and media: their own media type.
  'GET /api/workorders/{id}/attachments/{attachmentId}': 'an order’s attached file itself',
  'GET /api/kb/versions/{id}/attachments/{attachmentId}': 'a knowledge-base file itself',
  'GET /api/admin/config/prompts/audio': 'the prompt’s audio',
  'GET /api/recordings/{id}': 'the recording’s audio (audio/wav, ranges)',
  // Spreadsheet and CSV exports.
  'GET /api/desk/consultation.xlsx': 'a spreadsheet',
  'GET /api/reports/kpis.csv': 'CSV',
  'GET /api/reports/kpis.xlsx': 'a spreadsheet',
  'GET /api/reports/assessment.csv': 'CSV',
  'GET /api/reports/assessment.xlsx': 'a spreadsheet',
  'GET /api/reports/hot-topics.csv': 'CSV',
  'GET /api/reports/hot-topics.xlsx': 'a spreadsheet',
  // Hidden from the OpenAPI document.
  'GET /metrics': 'Prometheus text format',
  'GET /': 'the web app’s index.html',
  'GET /*': 'the web app’s files, index.html for its client-side routes',
};

/** Whole families of non-JSON routes, by path: files served as they are. */
const NOT_JSON_PATHS: Array<[RegExp, string]> = [
  [/^\/docs(\/|$)/, 'the OpenAPI document itself and Swagger UI (@fastify/swagger-ui)'],
  [/^\/assets\//, 'the built web app’s scripts and styles (present only after `npm run build:web`)'],
  [/^\/index\.html$/, 'the built web app’s page'],
];

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/**
 * "METHOD /path/{param}" for every route, from `printRoutes({ commonPrefix: false })`'s tree:
 * each line is a node, its depth is its indentation, its path is its parent's plus its own text.
 */
function routesOf(tree: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const path = (depth === 0 ? '' : stack[depth - 1]!) + m[2]!;
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of m[3]?.split(', ') ?? []) if (method !== 'HEAD') routes.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
  }
  return routes;
}

t.test('routesOf reads full paths and methods off the route tree', async (t) => {
  const tree = [
    '└── / (HEAD, GET)',
    '    ├── api/a (GET, HEAD)',
    '    │   └── /:id (PUT)',
    '    │       └── /x (POST, DELETE)',
    '    └── health/live (GET)',
  ].join('\n');
  t.same(routesOf(tree), ['GET /', 'GET /api/a', 'PUT /api/a/{id}', 'POST /api/a/{id}/x', 'DELETE /api/a/{id}/x', 'GET /health/live']);
});

t.test('each JSON route of the app has a 2xx response schema in the OpenAPI document', async (t) => {
  const app = await testApp(t);
  const doc = (await app.http.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, Operation>> };
  const routes = routesOf(app.http.printRoutes({ commonPrefix: false }));
  const missing: string[] = [];
  let checked = 0;
  for (const route of routes) {
    const [method, path] = route.split(' ') as [string, string];
    if (route in NOT_JSON || NOT_JSON_PATHS.some(([re]) => re.test(path))) continue;
    checked++;
    const op = doc.paths[path]?.[method.toLowerCase()];
    if (!op) {
      missing.push(`${route} (not in the OpenAPI document)`);
      continue;
    }
    const ok = Object.entries(op.responses ?? {}).some(([status, r]) => /^2\d\d$/.test(status) && r.content?.['application/json']?.schema !== undefined);
    if (!ok) missing.push(route);
  }
  t.same(missing, [], 'routes whose 2xx reply has no schema');
  t.ok(checked > 100, `${checked} routes checked`);
  for (const route of Object.keys(NOT_JSON)) t.ok(routes.includes(route), `${route} (allowed without a JSON schema) still exists`);
});
