/**
 * One socket event's route: who may send it, its payload schema and the one command it runs
 * (decision 0009 #4). The route tables live in handlers.ts and routes-*.ts.
 */
import type { z } from 'zod';
import type { SessionUser } from '../users/index.js';
import type { ConsoleCommands } from '../contract/console-commands.js';
import type { MediaCommands } from '../contract/media-commands.js';
import type { SupervisionCommands } from '../contract/supervision.js';
import type { Audience } from './session.js';

export interface HandlerContext {
  user: SessionUser;
  commands: ConsoleCommands;
  /** Null when the server runs without media (no mediasoup worker). */
  media: MediaCommands | null;
  /** Null when the server runs without browser audio or telephony (listen / whisper / barge). */
  supervision?: SupervisionCommands | null;
  /** The socket's id: media sessions are per browser tab. */
  socketId: string;
  /** Re-send every snapshot this socket is entitled to. */
  sync(): Promise<void>;
}

export interface Route {
  audience: Audience;
  /** Absent for events without a payload (the only argument is the ack). */
  schema?: z.ZodType;
  run(ctx: HandlerContext, payload: unknown): unknown;
  /** Writes nothing to the database: acked without waiting for durability (db/durability.ts). */
  readOnly?: true;
}

export function withPayload<S extends z.ZodType>(audience: Audience, schema: S, run: (ctx: HandlerContext, p: z.output<S>) => unknown): Route {
  return { audience, schema, run: (ctx, p) => run(ctx, p as z.output<S>) };
}

export const bare = (audience: Audience, run: (ctx: HandlerContext) => unknown): Route => ({ audience, run: (ctx) => run(ctx) });

/** Marks routes that write nothing to the database (their acks need not wait for an fsync). */
export function readOnly<R extends Record<string, Route>>(routes: R): R {
  return Object.fromEntries(Object.entries(routes).map(([k, r]) => [k, { ...r, readOnly: true }])) as R;
}
