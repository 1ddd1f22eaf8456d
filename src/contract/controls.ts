/**
 * Socket events of in-call controls (hang up, hold, mute, DTMF, transfer, three-way call). Part of
 * the one typed contract (contract.ts extends these interfaces); payload schemas here are
 * validated by realtime/ before anything runs. Every control acts on the agent's own answered
 * call: the agent id is the session user's.
 */
import { z } from 'zod';
import type { Ack } from './ack.js';

/** State of the three-way call's unit leg: being dialled, or talking in the agent's bridge. */
export type ConferenceLegState = 'dialing' | 'up';

/** The live in-call controls state of one answered call, pushed after every change and on sync. */
export interface CallControlsView {
  callId: string;
  agentId: number;
  /** The caller's number (a lead who opens the page mid-call never saw the caller waiting). */
  callerNumber: string;
  /** The caller hears music on hold and cannot hear the agent. */
  held: boolean;
  /** The caller cannot hear the agent (enforced in Asterisk on the agent leg). */
  muted: boolean;
  /** The unit in the three-way call (三方通话), if any. */
  conference: { unitId: string; unitName: string; state: ConferenceLegState } | null;
  /** Set once the call has been transferred (转接) to a unit; the call is then over for the agent. */
  transferredTo: { unitId: string; unitName: string } | null;
  at: number;
  /**
   * Grows with every change (across calls and across server restarts: seeded from the clock); of
   * two views of one call the higher is the newer. A command's reply can arrive after a later
   * change's push (replies wait for the commit's fsync), so a console keeps the newer view
   * (`newerControls` in the web app).
   */
  version: number;
}

const CallId = z.string().min(1).max(100);
const UnitId = z.string().min(1).max(64);

export const HoldPayload = z.object({ callId: CallId, held: z.boolean() });
export const MutePayload = z.object({ callId: CallId, muted: z.boolean() });
/** DTMF keys towards the far end: 0-9, * and #, at most 32 per request. */
export const DtmfPayload = z.object({
  callId: CallId,
  digits: z
    .string()
    .max(32)
    .regex(/^[0-9*#]{1,32}$/, 'digits must be 1 to 32 of 0-9, * and #'),
});
export const UnitTargetPayload = z.object({ callId: CallId, unitId: UnitId });
export const ControlsCallPayload = z.object({ callId: CallId });

export interface ControlsServerEvents {
  /** The agent's call controls changed (also to shift leads); null `conference` = none. */
  'call:controls': (v: CallControlsView) => void;
}

export interface ControlsClientEvents {
  /** The agent ends the call; the caller goes on to the satisfaction survey. */
  'call:hangup': (p: z.infer<typeof ControlsCallPayload>, ack?: Ack) => void;
  'call:hold': (p: z.infer<typeof HoldPayload>, ack?: Ack<CallControlsView>) => void;
  'call:mute': (p: z.infer<typeof MutePayload>, ack?: Ack<CallControlsView>) => void;
  'call:dtmf': (p: z.infer<typeof DtmfPayload>, ack?: Ack) => void;
  /** Blind transfer of the caller to the unit's phone; the agent goes to wrap-up. */
  'call:transfer': (p: z.infer<typeof UnitTargetPayload>, ack?: Ack<CallControlsView>) => void;
  /** Dial the unit into the call (three-way). */
  'call:conference': (p: z.infer<typeof UnitTargetPayload>, ack?: Ack<CallControlsView>) => void;
  /** Drop the unit from the three-way call. */
  'call:conference_drop': (p: z.infer<typeof ControlsCallPayload>, ack?: Ack<CallControlsView>) => void;
}
