/**
 * Security headers on every reply (helmet, through @fastify/helmet), with a Content-Security-Policy
 * the console works under: scripts, styles and fonts only from our own origin (the Vite build has
 * no inline script or style), fetch and socket.io (WebSocket) to our own origin, images from our
 * origin, data: and blob: (attachment previews). WebRTC media (mediasoup-client) is not a fetch and
 * needs no directive. Nobody may frame the console (frame-ancestors 'none', X-Frame-Options DENY):
 * clickjacking a console that answers calls. No upgrade-insecure-requests: the tests, the demo
 * and a LAN install are reached over plain http. /docs (Swagger UI) sets its own policy, made as
 * strict about framing (app.ts).
 *
 * The headers are the same on every reply, so helmet is asked for them once, at start, and one
 * hook sets them on each request exactly as @fastify/helmet's hooks did (on the raw response,
 * before the route runs, in helmet's order and spelling): registered on the app, @fastify/helmet
 * builds helmet's middleware — the CSP directives parsed again — on every request (issue 18:
 * ~4 % of a request's CPU). Per-route helmet options (`helmet:` on a route) and
 * `reply.helmet()` / `reply.cspNonce` are therefore not available; no route uses them.
 * test/http/security-headers-once.test.ts compares the headers with @fastify/helmet's.
 */
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';

export const CONSOLE_CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  imgSrc: ["'self'", 'data:', 'blob:'],
  mediaSrc: ["'self'", 'blob:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
} as const;

/** The console's helmet configuration. */
export const HELMET_OPTIONS: FastifyHelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { ...CONSOLE_CSP_DIRECTIVES } },
  frameguard: { action: 'deny' },
};

/** What helmet does to a response, in order: a header set (its name as spelled, its value) or removed. */
export type HeaderStep = { readonly set: string; readonly value: string | number | readonly string[] } | { readonly remove: string };

/**
 * What @fastify/helmet does with `options` to the raw response of a request, before the route
 * runs: recorded on one request to a bare Fastify instance.
 */
export async function helmetHeaderSteps(options: FastifyHelmetOptions): Promise<readonly HeaderStep[]> {
  const probe = Fastify({ logger: false });
  const steps: HeaderStep[] = [];
  try {
    // Around helmet's hooks (and only them: Node's writeHead sets the reply's own headers
    // through setHeader too): watch what they do to the response.
    let restore = () => {};
    probe.addHook('onRequest', (_req, reply, done) => {
      const raw = reply.raw;
      const setHeader = raw.setHeader.bind(raw);
      const removeHeader = raw.removeHeader.bind(raw);
      raw.setHeader = (name, value) => {
        steps.push({ set: name, value });
        return setHeader(name, value);
      };
      raw.removeHeader = (name) => {
        steps.push({ remove: name });
        removeHeader(name);
      };
      // The wrappers are own properties: deleted, the response's own methods show again.
      restore = () => void (Reflect.deleteProperty(raw, 'setHeader') && Reflect.deleteProperty(raw, 'removeHeader'));
      done();
    });
    await probe.register(helmet, options);
    probe.addHook('onRequest', (_req, _reply, done) => {
      restore();
      done();
    });
    probe.get('/', () => '');
    const res = await probe.inject({ url: '/' });
    if (res.statusCode !== 200 || !steps.some((s) => 'set' in s)) throw new Error(`helmet's headers could not be read: ${res.statusCode} ${res.body}`);
  } finally {
    await probe.close();
  }
  return steps;
}

let consoleSteps: Promise<readonly HeaderStep[]> | undefined;

export async function installSecurityHeaders(app: FastifyInstance): Promise<void> {
  const steps = await (consoleSteps ??= helmetHeaderSteps(HELMET_OPTIONS));
  app.addHook('onRequest', (_req, reply, done) => {
    const raw = reply.raw;
    for (const step of steps) {
      if ('set' in step) raw.setHeader(step.set, step.value);
      else raw.removeHeader(step.remove);
    }
    done();
  });
}

/** Swagger UI's own policy (it needs its inline bootstrap hashes), without framing or http upgrades. */
export const docsCsp = (header: string): string =>
  header.replace(/frame-ancestors [^;]*;/, "frame-ancestors 'none';").replace(/\s*upgrade-insecure-requests;?/, '');
