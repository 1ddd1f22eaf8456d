import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CallControlHealth, Liveness, Readiness, type ComponentHealth } from '../../contract/http-health.js';

export type { ComponentHealth } from '../../contract/http-health.js';

/** Named readiness checks: database, ARI, AMI (absent when telephony is disabled). */
export type HealthChecks = Record<string, () => ComponentHealth>;

export const healthRoutes: FastifyPluginAsyncZod<{
  checks: HealthChecks;
  isShuttingDown: () => boolean;
  /** A node of several that competes for call control (src/cluster/call-control-node.ts). */
  callControl?: { role(): 'leader' | 'standby'; readonly nodeId: string };
}> = async (app, opts) => {
  app.get('/health/live', { schema: { tags: ['health'], response: { 200: Liveness } }, logLevel: 'warn' }, async () => ({ status: 'ok' as const }));

  app.get('/health/ready', { schema: { tags: ['health'], response: { 200: Readiness, 503: Readiness } }, logLevel: 'warn' }, async (_req, reply) => {
    const components: Record<string, ComponentHealth> = {};
    for (const [name, check] of Object.entries(opts.checks)) {
      try {
        components[name] = check();
      } catch (err) {
        components[name] = { ok: false, error: (err as Error).message };
      }
    }
    const shuttingDown = opts.isShuttingDown();
    const ready = !shuttingDown && Object.values(components).every((c) => c.ok);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : shuttingDown ? 'shutting_down' : 'not_ready', components });
  });

  // For the load balancer's calls address: only the node that holds the call-control lease answers 200.
  const callControl = opts.callControl;
  if (callControl) {
    app.get(
      '/health/call-control',
      { schema: { tags: ['health'], response: { 200: CallControlHealth, 503: CallControlHealth } }, logLevel: 'warn' },
      async (_req, reply) => {
        const role = opts.isShuttingDown() ? 'standby' : callControl.role();
        return reply.status(role === 'leader' ? 200 : 503).send({ role, nodeId: callControl.nodeId });
      },
    );
  }
};
