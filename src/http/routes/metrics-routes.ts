/**
 * GET /metrics: operations metrics in the Prometheus text format (src/reports/metrics.ts). Not for
 * staff sessions: with SUNLINE_METRICS_TOKEN set, a scraper sends `Authorization: Bearer <token>`;
 * without it, only loopback clients (127.0.0.1, ::1; behind SUNLINE_TRUST_PROXY the real client)
 * may read it. Refusals: 401 UNAUTHENTICATED (no or wrong token), 403 FORBIDDEN (not loopback).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../../reports/metrics.js';
import { appError } from '../errors.js';

export interface MetricsRoutesOptions {
  readonly metrics: Metrics;
  /** SUNLINE_METRICS_TOKEN, or null for loopback only. */
  readonly token: string | null;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (app, opts) => {
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    if (opts.token !== null) {
      const auth = req.headers.authorization ?? '';
      const given = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      if (!sameToken(given, opts.token)) throw appError('UNAUTHENTICATED', 'GET /metrics needs Authorization: Bearer <SUNLINE_METRICS_TOKEN>');
    } else if (!LOOPBACK.test(req.ip)) {
      throw appError('FORBIDDEN', 'GET /metrics answers loopback clients only; set SUNLINE_METRICS_TOKEN to scrape from elsewhere');
    }
    const text = await opts.metrics.scrape();
    return reply.type(opts.metrics.contentType).send(text);
  });
};
