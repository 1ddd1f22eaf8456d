/**
 * What readiness shows of a node that competes for call control (call-control-node.ts): the role
 * of the app that runs and the node's id. A standby is ready (it serves everything but calls);
 * GET /health/call-control answers 200 on the leader only, for the load balancer's calls address.
 */
import type { ComponentHealth } from '../contract/http-health.js';

export interface CallControlRoleOf {
  role(): 'leader' | 'standby';
  readonly nodeId: string;
}

export const callControlHealth = (c: CallControlRoleOf) => (): ComponentHealth => ({ ok: true, state: c.role(), nodeId: c.nodeId });
