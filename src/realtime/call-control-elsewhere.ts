/**
 * A node without call control (issue 16 item 2): with several nodes (SUNLINE_REDIS_URL) only one
 * holds the ARI/AMI connections and the browser audio (SUNLINE_TELEPHONY=true); the others run
 * with SUNLINE_TELEPHONY=false. Their sockets refuse every command that acts on calls or agents
 * with CALL_CONTROL_ELSEWHERE, so a console sent to the wrong node learns why at once instead of
 * being told that Asterisk is down. The load balancer sends agents', shift leads' and wall
 * screens' consoles to the call-control node (docs/deployment.md says why they are not forwarded).
 */
import type { ClientToServerEvents } from '../contract/index.js';
import { errorBody } from '../errors/index.js';
import type { Logger } from '../logging/logger.js';
import { RealtimeError } from './errors.js';
import { ROUTES } from './handlers.js';
import { mayUse, type RealtimeSocket } from './session.js';

/**
 * Every event of the socket contract, and whether it needs the call-control node: a new event
 * must be put here (the compiler says so). Media and supervision need it too: the mediasoup
 * worker and the Asterisk bridges they join belong to that node.
 */
export const NEEDS_CALL_CONTROL: Readonly<Record<keyof ClientToServerEvents, boolean>> = {
  sync: false,
  'agent:login': true,
  'agent:logout': true,
  'agent:pause': true,
  'agent:unpause': true,
  'agent:wrapup_done': true,
  'call:answer': true,
  'call:reject': true,
  'call:hangup': true,
  'call:hold': true,
  'call:mute': true,
  'call:dtmf': true,
  'call:transfer': true,
  'call:conference': true,
  'call:conference_drop': true,
  'call:dial': true,
  'lead:pause_agent': true,
  'lead:unpause_agent': true,
  'lead:logout_agent': true,
  'lead:set_priority': true,
  'lead:withdraw': true,
  'media:open': true,
  'media:connect': true,
  'media:produce': true,
  'media:warmup': true,
  'media:resume': true,
  'media:close': true,
  'supervision:start': true,
  'supervision:mode': true,
  'supervision:stop': true,
};

const needsCallControl = (event: string): boolean => Object.hasOwn(NEEDS_CALL_CONTROL, event) && NEEDS_CALL_CONTROL[event as keyof ClientToServerEvents];

/**
 * Socket middleware: a call-control command from a user allowed to send it is acked with
 * CALL_CONTROL_ELSEWHERE and goes no further; anything else (a role that may not send it: FORBIDDEN
 * from the handler, as on any node) passes on.
 */
export function refuseCallControl(socket: RealtimeSocket, log: Logger): void {
  socket.use((packet, next) => {
    const event = String(packet[0]);
    const route = needsCallControl(event) ? ROUTES[event as keyof typeof ROUTES] : undefined;
    if (!route || !mayUse(socket.data.user, route.audience)) return next();
    log.info({ userId: socket.data.user.id, event }, 'call-control command refused on a node without call control');
    const ack: unknown = packet[packet.length - 1];
    if (typeof ack === 'function') (ack as (res: unknown) => void)({ ok: false, ...errorBody(new RealtimeError('CALL_CONTROL_ELSEWHERE')) });
  });
}
