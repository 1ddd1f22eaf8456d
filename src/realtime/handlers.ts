/**
 * Incoming socket events (decision 0009 #4): each one checks the role, validates the payload (payload.ts),
 * calls one ConsoleCommands method and acks `{ ok, data | error }`. Agents act only for
 * themselves: the agent id is the session user's, never taken from the payload.
 */
import { asUnavailable } from '../db/unavailable.js';
import { AppError, errorBody, isCodedError, type ErrorBody } from '../errors/index.js';
import type { Logger } from '../logging/logger.js';
import type { UsersService } from '../users/index.js';
import type { ConsoleCommands } from '../contract/console-commands.js';
import {
  AgentIdPayload,
  CallIdPayload,
  LeadPausePayload,
  LoginPayload,
  PausePayload,
  SetPriorityPayload,
  WithdrawPayload,
  type ClientToServerEvents,
} from '../contract/index.js';
import type { MediaCommands } from '../contract/media-commands.js';
import type { SupervisionCommands } from '../contract/supervision.js';
import { readPayload } from './payload.js';
import { bare, withPayload, type HandlerContext, type Route } from './route.js';
import { CONTROLS_ROUTES } from './routes-controls.js';
import { LEAD_ROUTES } from './routes-lead.js';
import { MEDIA_ROUTES } from './routes-media.js';
import { OUTBOUND_ROUTES } from './routes-outbound.js';
import { SUPERVISION_ROUTES } from './routes-supervision.js';
import { mayUse, sessionToken, type RealtimeSocket } from './session.js';

export type { HandlerContext } from './route.js';

type AckResult = { ok: true; data?: unknown } | ({ ok: false } & ErrorBody);

export const ROUTES: Record<keyof ClientToServerEvents, Route> = {
  ...CONTROLS_ROUTES,
  ...MEDIA_ROUTES,
  ...LEAD_ROUTES,
  ...OUTBOUND_ROUTES,
  ...SUPERVISION_ROUTES,
  sync: { ...bare('any', (c) => c.sync()), readOnly: true },
  'agent:login': withPayload('agent', LoginPayload, (c, p) => c.commands.agentLogin(c.user.id, c.user.displayName, p)),
  'agent:logout': bare('agent', (c) => c.commands.agentLogout(c.user.id)),
  'agent:pause': withPayload('agent', PausePayload, (c, p) => c.commands.agentPause(c.user.id, p.reason)),
  'agent:unpause': bare('agent', (c) => c.commands.agentUnpause(c.user.id)),
  'agent:wrapup_done': bare('agent', (c) => c.commands.wrapUpDone(c.user.id)),
  'call:answer': withPayload('agent', CallIdPayload, (c, p) => c.commands.answer(c.user.id, p.callId)),
  'call:reject': withPayload('agent', CallIdPayload, (c, p) => c.commands.reject(c.user.id, p.callId)),
  'lead:pause_agent': withPayload('lead', LeadPausePayload, (c, p) => c.commands.agentPause(p.agentId, p.reason)),
  'lead:unpause_agent': withPayload('lead', AgentIdPayload, (c, p) => c.commands.agentUnpause(p.agentId)),
  'lead:logout_agent': withPayload('lead', AgentIdPayload, (c, p) => c.commands.agentLogout(p.agentId)),
  'lead:set_priority': withPayload('lead', SetPriorityPayload, (c, p) => c.commands.setPriority(p.callId, p.priority)),
  'lead:withdraw': withPayload('lead', WithdrawPayload, (c, p) => c.commands.withdraw(p.callId, p.agentId)),
};

/** A refusal ack: the same body as an HTTP error reply (src/errors/error-body.ts). */
const refuse = (err: unknown): AckResult => ({ ok: false, ...errorBody(err) });

export interface HandlerDeps {
  users: UsersService;
  commands: ConsoleCommands;
  media: MediaCommands | null;
  supervision?: SupervisionCommands | null;
  log: Logger;
  sync(socket: RealtimeSocket): Promise<void>;
  /** Resolves once earlier commits are on disk: a successful command is acked after it. */
  durable?: () => Promise<void>;
}

/** Register every ROUTES event on a freshly connected socket. */
export function registerHandlers(socket: RealtimeSocket, deps: HandlerDeps): void {
  for (const [event, route] of Object.entries(ROUTES)) {
    // The contract types each listener; here one generic dispatcher serves them all.
    (socket as unknown as { on(ev: string, fn: (...args: unknown[]) => void): void }).on(event, (...args) => {
      void dispatch(socket, event, route, args, deps);
    });
  }
}

async function dispatch(socket: RealtimeSocket, event: string, route: Route, args: unknown[], deps: HandlerDeps): Promise<void> {
  const last = args[args.length - 1];
  const ack = typeof last === 'function' ? (last as (res: AckResult) => void) : undefined;
  const reply = (res: AckResult) => ack?.(res);
  const user = socket.data.user;
  const log = deps.log.child({ event, userId: user.id });

  // The session may have ended (logout, disabled user) since the handshake.
  const token = sessionToken(socket.request);
  const current = token ? await deps.users.userForToken(token) : null;
  if (!current || current.id !== user.id || current.role !== user.role) {
    log.info('socket session ended; disconnecting');
    reply(refuse(new AppError('UNAUTHENTICATED')));
    socket.disconnect(true);
    return;
  }
  if (!mayUse(user, route.audience)) return reply(refuse(new AppError('FORBIDDEN')));

  // Every event's payload, also one its command does not read: control characters refused, then the schema (payload.ts).
  const read = readPayload(route, args.length > 0 && typeof args[0] !== 'function' ? args[0] : undefined);
  if (!read.ok) return reply(refuse(read.error));
  const payload = read.payload;

  try {
    const ctx: HandlerContext = {
      user,
      commands: deps.commands,
      media: deps.media,
      supervision: deps.supervision ?? null,
      socketId: socket.id,
      sync: () => deps.sync(socket),
    };
    const data = await route.run(ctx, payload);
    if (!route.readOnly) await deps.durable?.();
    reply(data === undefined ? { ok: true } : { ok: true, data });
  } catch (thrown) {
    const err = asUnavailable(thrown);
    if (!isCodedError(err)) log.error({ err }, 'socket command crashed');
    else if (err.statusCode >= 500) log.error({ err }, 'socket command failed');
    else log.info({ code: err.code }, 'socket command refused');
    reply(refuse(err));
  }
}
