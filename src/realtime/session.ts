/**
 * Socket session: the same `sunline_session` cookie as HTTP (http/auth.ts), checked in the
 * handshake. Who may connect and what each role may do on the socket:
 * - `agent`: joins `agent:<id>`, may use `agent:*` and `call:*` for itself only.
 * - `shift_lead`, `admin`: join `leads`, may use `lead:*`. They do not take calls, so they may
 *   not use `agent:*`/`call:*` (a lead who wants to take calls logs in with an agent account).
 * - `unit_handler` (with a unit): joins `unit:<unitId>` and only receives its unit's deadline
 *   warnings (the unit portal); county sub-platform staff (分平台) also join the rooms of every
 *   unit in their county's subtree. It may `sync` and nothing else.
 * - `dispatcher`, `shift_lead`, `admin`: the order desk; they join `desk` (every order) or, for a
 *   county dispatcher (with a sub-platform unit), the desk rooms of every unit in the county's
 *   subtree, and receive `desk:changed` for the orders of their scope only. A dispatcher may
 *   `sync` and nothing else.
 * - `wallboard` (a wall screen's read-only account): joins `wallboard` only and receives the
 *   centre's summary once per second at most (wallboard-room.ts); it may `sync` and nothing else.
 *   A shift lead or admin whose page asks for it in the handshake (`auth: { view: 'wallboard' }`)
 *   joins `wallboard` too (the /wallboard page); other roles asking are not let in.
 * - everyone connected may `sync`; citizens cannot connect.
 */
import type { IncomingMessage } from 'node:http';
import type { Server, Socket } from 'socket.io';
import type { UserRole } from '../db/schema.js';
import { SESSION_COOKIE, type SessionUser, type UsersService } from '../users/index.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../contract/index.js';

export interface SocketData {
  user: SessionUser;
}

export type InterServerEvents = Record<string, never>;
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Which sessions may send an event; `softphone`: agents and leads (a lead's browser audio is for supervision). */
export type Audience = 'agent' | 'lead' | 'any' | 'softphone';

const CONNECT_ROLES: readonly UserRole[] = ['agent', 'shift_lead', 'admin', 'unit_handler', 'dispatcher', 'wallboard'];
const LEAD_ROLES: readonly UserRole[] = ['shift_lead', 'admin'];

export const isLead = (user: SessionUser): boolean => LEAD_ROLES.includes(user.role);
export const isAgent = (user: SessionUser): boolean => user.role === 'agent';

export function mayUse(user: SessionUser, audience: Audience): boolean {
  if (audience === 'any') return true;
  if (audience === 'softphone') return isAgent(user) || isLead(user);
  return audience === 'agent' ? isAgent(user) : isLead(user);
}

export const agentRoom = (agentId: number): string => `agent:${agentId}`;
/** Wall screens (大屏): the summary once per second at most (wallboard-room.ts). */
export const WALLBOARD_ROOM = 'wallboard';

/** Whether this socket watches the wallboard: a wallboard account always, a lead or admin whose page asked for it. */
export function watchesWallboard(socket: Pick<RealtimeSocket, 'data' | 'handshake'>): boolean {
  const user = socket.data.user;
  if (user.role === 'wallboard') return true;
  const auth = socket.handshake.auth as { view?: unknown } | undefined;
  return isLead(user) && auth?.view === 'wallboard';
}
export const LEADS_ROOM = 'leads';
export const unitRoom = (unitId: string) => `unit:${unitId}`;
/** The order desk of the whole city (city dispatchers, shift leads, admins). */
export const DESK_ROOM = 'desk';
/** The order desk's changes of one unit's orders (a county dispatcher joins its subtree's). */
export const deskUnitRoom = (unitId: string) => `desk:unit:${unitId}`;
const DESK_ROLES: readonly UserRole[] = ['dispatcher', 'shift_lead', 'admin'];

/**
 * The desk rooms a session joins: none for roles without the desk; `desk` for the city; a county
 * dispatcher the rooms of its subtree's units (the REST scope's rule, read at connect time).
 */
export function deskRoomsFor(user: SessionUser, unitsInScope?: (unitId: string) => readonly string[]): string[] {
  if (!DESK_ROLES.includes(user.role)) return [];
  if (user.role !== 'dispatcher' || !user.unitId) return [DESK_ROOM];
  return [...new Set([user.unitId, ...(unitsInScope?.(user.unitId) ?? [])])].map(deskUnitRoom);
}

/**
 * The unit rooms a unit handler joins: their own unit's and, through `unitsInScope` (the same
 * rule as the REST scope: org.yaml's subtree of a county sub-platform), every unit they oversee.
 * Read at connect time: after an org.yaml change the handler's next connection picks it up.
 */
export const unitRoomsFor = (unitId: string, unitsInScope?: (unitId: string) => readonly string[]): string[] =>
  [...new Set([unitId, ...(unitsInScope?.(unitId) ?? [])])].map(unitRoom);

/** The value of one cookie from a Cookie header (RFC 6265 pairs, percent-decoded). */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return value; // not percent-encoded after all: use it as sent
    }
  }
  return null;
}

export const sessionToken = (req: IncomingMessage): string | null => readCookie(req.headers.cookie, SESSION_COOKIE);

/** A connect error the client sees as `err.message` and `err.data.code`. */
export function connectError(code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_READY' | 'PASSWORD_CHANGE_REQUIRED'): Error {
  return Object.assign(new Error(code), { data: { code } });
}

/** Handshake middleware: attach the session user or refuse the connection. */
export function authenticate(users: UsersService, isClosing: () => boolean) {
  return (socket: RealtimeSocket, next: (err?: Error) => void): void => {
    if (isClosing()) return next(connectError('NOT_READY'));
    const token = sessionToken(socket.request);
    if (!token) return next(connectError('UNAUTHENTICATED'));
    users.userForToken(token).then((user) => {
      if (!user) return next(connectError('UNAUTHENTICATED'));
      // Until a password someone else set is changed, the session has no console (http/auth.ts for HTTP).
      if (user.mustChangePassword === true) return next(connectError('PASSWORD_CHANGE_REQUIRED'));
      if (!CONNECT_ROLES.includes(user.role)) return next(connectError('FORBIDDEN'));
      if (user.role === 'unit_handler' && !user.unitId) return next(connectError('FORBIDDEN'));
      socket.data.user = user;
      next();
    }, next);
  };
}

/**
 * Cross-site WebSocket hijacking guard: browsers send the session cookie with a WebSocket
 * handshake from any site (no CORS preflight), so a browser `Origin` must be our own host or the
 * configured console origin. Requests without `Origin` (non-browser clients) pass; they still
 * need the cookie.
 */
export function originAllowed(req: IncomingMessage, corsOrigin: string | undefined): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (corsOrigin && origin === corsOrigin) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const forwarded = req.headers['x-forwarded-host'];
  const hosts = [req.headers.host, ...(typeof forwarded === 'string' ? forwarded.split(',') : [])];
  return hosts.some((h) => h !== undefined && h.trim().toLowerCase() === host.toLowerCase());
}
