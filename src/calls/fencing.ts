/**
 * What a node that lost call control does to its call path (cluster/call-control-node.ts): ARI
 * and AMI closed at once — REST calls refused, sockets closed, no reconnection, as a crash would —
 * and the agents' session changes and call writes not yet written dropped (`CallPath.fence`), not
 * flushed by the app's close: the new leader may have loaded the sessions by then.
 */
import type { Logger } from 'pino';
import type { CallPath } from './index.js';

export function cutTelephony(calls: Pick<CallPath, 'fence' | 'ari' | 'ami'>, log: Logger): void {
  calls.fence();
  const lease = log.child({ component: 'lease' });
  for (const client of [calls.ari, calls.ami]) client?.close().catch((err: unknown) => lease.warn({ err }, 'closing telephony after fencing failed'));
}
