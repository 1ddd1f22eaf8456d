/**
 * Security headers on every reply (@fastify/helmet), with a Content-Security-Policy the console
 * works under: scripts, styles and fonts only from our own origin (the Vite build has no inline
 * script or style), fetch and socket.io (WebSocket) to our own origin, images from our origin,
 * data: and blob: (attachment previews). WebRTC media (mediasoup-client) is not a fetch and needs
 * no directive. Nobody may frame the console (frame-ancestors 'none', X-Frame-Options DENY):
 * clickjacking a console that answers calls. No upgrade-insecure-requests: the tests, the demo
 * and a LAN install are reached over plain http. /docs (Swagger UI) sets its own policy, made as
 * strict about framing (app.ts).
 */
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

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

export async function installSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: { ...CONSOLE_CSP_DIRECTIVES } },
    frameguard: { action: 'deny' },
  });
}

/** Swagger UI's own policy (it needs its inline bootstrap hashes), without framing or http upgrades. */
export const docsCsp = (header: string): string =>
  header.replace(/frame-ancestors [^;]*;/, "frame-ancestors 'none';").replace(/\s*upgrade-insecure-requests;?/, '');
