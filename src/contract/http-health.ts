/**
 * Liveness and readiness (src/http/routes/health-routes.ts), for load balancers, orchestrators and
 * the operators' probes. A component reports `ok` and whatever else it knows (state, error, pid,
 * restarts, the configuration's version …): those fields pass through as they are. Each schema's
 * type has the schema's name.
 */
import { z } from 'zod';

/** One component's health: database, config, ARI, AMI, reconcile, media (the last four only with telephony/media). */
export const ComponentHealth = z.looseObject({ ok: z.boolean(), state: z.string().optional(), error: z.string().optional() });
export type ComponentHealth = z.output<typeof ComponentHealth>;

/** GET /health/live: the process answers. */
export const Liveness = z.object({ status: z.literal('ok') });
export type Liveness = z.output<typeof Liveness>;

/** GET /health/ready: 200 when every component is ok and the server is not shutting down, 503 (same body) otherwise. */
export const Readiness = z.object({
  status: z.enum(['ready', 'not_ready', 'shutting_down']),
  components: z.record(z.string(), ComponentHealth),
});
export type Readiness = z.output<typeof Readiness>;

/** GET /health/call-control (nodes that compete for the call-control lease only): 200 on the leader, 503 (same body) on a standby. */
export const CallControlHealth = z.object({ role: z.enum(['leader', 'standby']), nodeId: z.string() });
export type CallControlHealth = z.output<typeof CallControlHealth>;
