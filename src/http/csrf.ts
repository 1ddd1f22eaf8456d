/**
 * Cross-site request forgery defence (docs/decisions/0010-csrf-defence.md):
 * - a state-changing request (POST, PUT, PATCH, DELETE) that carries the session cookie must
 *   carry `X-Sunline-Request: 1`; so must one to a route marked `config: { csrf: 'always' }`
 *   (login: a forged login would sign the victim in as the attacker). A request without our
 *   cookie carries no ambient authority (the intake bridges, the citizen lookup): it is judged
 *   by the route's own authentication, and a forged one can do nothing its sender could not.
 * - bodies are JSON (or multipart where a route registers it): Fastify's default text/plain
 *   parser is removed, so a "simple" cross-site body (text/plain, a form) is refused with 415
 *   UNSUPPORTED_MEDIA_TYPE before any handler runs.
 * Runs at onRequest, after the session cookie is read and before the body is parsed.
 */
import type { FastifyInstance } from 'fastify';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../contract/csrf.js';
import { SESSION_COOKIE } from '../users/index.js';
import { appError } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'always': the header is required even without the session cookie (login). */
    csrf?: 'always';
  }
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function installCsrfDefence(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
  app.addHook('onRequest', (req, _reply, done) => {
    if (!STATE_CHANGING.has(req.method)) return done();
    const needed = req.cookies[SESSION_COOKIE] !== undefined || req.routeOptions.config.csrf === 'always';
    if (needed && req.headers[CSRF_HEADER] !== CSRF_HEADER_VALUE) return done(appError('CSRF_HEADER_REQUIRED'));
    done();
  });
}
