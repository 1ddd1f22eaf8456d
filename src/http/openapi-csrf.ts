/**
 * The CSRF header rule (http/csrf.ts, decision 0010) written into the OpenAPI document: every
 * POST, PUT, PATCH and DELETE operation lists the `X-Sunline-Request: 1` header parameter, so a
 * client generated from the document sends it. Required where the route is reached with the
 * session cookie; the cookie-less routes (channel bridges, the citizen lookup) list it as
 * optional — it is refused there only when a browser sends the cookie along.
 */
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../contract/csrf.js';

const WRITING = ['post', 'put', 'patch', 'delete'];
/** Paths that take no session: without the cookie they need no header. */
const COOKIELESS = [/^\/api\/intake\//, /^\/api\/public\//];

interface Operation {
  parameters?: Array<{ in: string; name: string }>;
}

export function withCsrfHeader<T extends { paths?: unknown }>(doc: T): T {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, unknown> | undefined>;
  for (const [path, ops] of Object.entries(paths)) {
    if (!ops) continue;
    for (const method of WRITING) {
      const op = ops[method] as Operation | undefined;
      if (!op) continue;
      const params = (op.parameters ??= []);
      if (params.some((p) => p.in === 'header' && p.name.toLowerCase() === CSRF_HEADER)) continue;
      const optional = COOKIELESS.some((re) => re.test(path)) && path !== '/api/auth/login';
      params.push({
        in: 'header',
        name: 'X-Sunline-Request',
        required: !optional,
        description: optional
          ? `Needed only when the request carries the session cookie (403 CSRF_HEADER_REQUIRED then).`
          : `Must be "${CSRF_HEADER_VALUE}" (403 CSRF_HEADER_REQUIRED without it): the defence against cross-site requests.`,
        schema: { type: 'string', enum: [CSRF_HEADER_VALUE] },
      } as Operation['parameters'] extends Array<infer P> | undefined ? P : never);
    }
  }
  return doc;
}
