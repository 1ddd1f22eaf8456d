/** What buildApp (app.ts) is given besides the environment, and the app it returns. */
import type { FastifyInstance } from 'fastify';
import type { Env } from './config/env.js';
import type { DbHandle } from './db/connection.js';
import type { ServerDatabase } from './wiring/database.js';
import type { Logger } from './logging/logger.js';
import type { UsersService } from './users/index.js';
import type { ConfigStore } from './config/files/index.js';
import type { DomainEvents } from './events/domain-events.js';
import type { CallPath } from './calls/index.js';
import type { WorkOrdersService } from './workorders/index.js';
import type { Media } from './media/index.js';
import type { Recordings } from './recordings/index.js';
import type { Supervision } from './supervision/index.js';
import type { CallControlRoleOf } from './cluster/call-control-health.js';

export interface AppOverrides {
  logger?: Logger;
  /** false: do not attach socket.io (tests that attach their own with fake commands). */
  realtime?: boolean;
  /** How often open sockets re-check their session (realtime/session-watch.ts; default 30 s): tests shorten it. */
  sessionRecheckMs?: number;
  /** A node of several that competes for call control (src/cluster/call-control-node.ts): its role, shown in readiness. */
  callControl?: CallControlRoleOf;
  /** Told, just before ARI and AMI connect, how to cut them (calls/fencing.ts): a node fenced while this app is built cuts it then. */
  onTelephonyStart?: (cut: () => void) => void;
}

export interface Sunline {
  readonly env: Env;
  readonly http: FastifyInstance;
  readonly log: Logger;
  /** The server's database: its dialect, its stores, health (wiring/database.ts). */
  readonly database: ServerDatabase;
  /** The SQLite handle (tests, tools); throws when the server runs on PostgreSQL (SUNLINE_DATABASE_URL). */
  readonly db: DbHandle;
  readonly users: UsersService;
  readonly config: ConfigStore;
  readonly events: DomainEvents;
  /** The one owner of work_orders: every change through it is published (`workorder.applied`) after its commit. */
  readonly orders: WorkOrdersService;
  /** The call path; its gateways are null when SUNLINE_TELEPHONY=false (tests without Asterisk). */
  readonly calls: CallPath;
  /** Browser softphone audio; null without a mediasoup worker (or with SUNLINE_MEDIA=false). */
  readonly media: Media | null;
  /** Call recording and playback (issue 13, src/recordings). */
  readonly recordings: Recordings;
  /** Listen / whisper / barge by shift leads (issue 13 item 3); null without browser audio or telephony. */
  readonly supervision: Supervision | null;
  /** Stop accepting work, close connections; safe to call twice. */
  close(): Promise<void>;
}
