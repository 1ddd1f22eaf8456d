/**
 * The shift lead page's live state as pure functions: a snapshot replaces the queue, each
 * numbered `queue:delta` (the server's merged updates, src/realtime/lead-changes.ts) is applied in
 * order, and a gap in the numbers means one was missed, so the page asks for a fresh snapshot.
 */
import type { AgentView, CallControlsView, DeadlineWarning, LeadUpdate, QueueDelta, QueueSnapshot, QueueStats, WaitingCaller } from '../../contract/index.js';

export interface LeadState {
  connected: boolean;
  telephonyUp: boolean;
  waiting: WaitingCaller[];
  agents: AgentView[];
  stats: QueueStats | null;
  warnings: DeadlineWarning[];
  /** Caller numbers of calls seen waiting, so an agent's current call can be named after it leaves the queue. */
  callers: Record<string, string>;
  /** Live in-call controls (hold, mute, three-way) by call id; dropped when the call ends. */
  controls: Record<string, CallControlsView>;
  /** The `seq` of the last update applied (or of the snapshot); null before the first snapshot. */
  seq: number | null;
  /** Answered calls whose agent is on browser audio (`supervision:audio`): only those can be supervised. */
  supervisable: readonly string[];
}

/** Remembered caller numbers (the oldest are forgotten first). */
const MAX_CALLERS = 500;

function remember(known: Record<string, string>, seen: Array<[callId: string, callerNumber: string]>): Record<string, string> {
  if (!seen.length) return known;
  const next = { ...known };
  for (const [callId, number] of seen) next[callId] = number;
  const ids = Object.keys(next);
  for (const id of ids.slice(0, Math.max(0, ids.length - MAX_CALLERS))) delete next[id];
  return next;
}

const numbersOf = (waiting: WaitingCaller[]): Array<[string, string]> => waiting.map((w) => [w.callId, w.callerNumber]);

/** Keeps only the controls of calls some agent is still on (after a snapshot). */
function pruneControls(controls: Record<string, CallControlsView>, agents: AgentView[]): Record<string, CallControlsView> {
  const live = new Set(agents.flatMap((a) => (a.callId ? [a.callId] : [])));
  return Object.fromEntries(Object.entries(controls).filter(([id]) => live.has(id)));
}

export function withoutCall(controls: Record<string, CallControlsView>, callId: string): Record<string, CallControlsView> {
  if (!(callId in controls)) return controls;
  const next = { ...controls };
  delete next[callId];
  return next;
}

const byEntry = (a: WaitingCaller, b: WaitingCaller) => b.priority - a.priority || a.enteredAt - b.enteredAt;
const byName = (a: AgentView, b: AgentView) => a.displayName.localeCompare(b.displayName, 'zh-CN') || a.agentId - b.agentId;

/** Applies a queue delta: callers upserted or removed, agents upserted (logged-out ones leave). */
export function applyDelta(s: Pick<LeadState, 'waiting' | 'agents'>, d: QueueDelta): Pick<LeadState, 'waiting' | 'agents'> {
  let waiting = s.waiting;
  if (d.removeWaiting?.length) {
    const gone = new Set(d.removeWaiting);
    waiting = waiting.filter((w) => !gone.has(w.callId));
  }
  for (const w of d.upsertWaiting ?? []) waiting = [...waiting.filter((x) => x.callId !== w.callId), w];
  let agents = s.agents;
  for (const a of d.agents ?? []) {
    agents = agents.filter((x) => x.agentId !== a.agentId);
    if (a.state !== 'logged_out') agents = [...agents, a];
  }
  return { waiting: [...waiting].sort(byEntry), agents: [...agents].sort(byName) };
}

type Live = Pick<LeadState, 'waiting' | 'agents' | 'callers' | 'controls' | 'seq'>;

/** A snapshot replaces the queue and the agents; controls of calls nobody is on any more go. */
export function applySnapshot(s: Live, snap: QueueSnapshot): Live {
  return {
    ...applyDelta({ waiting: [], agents: [] }, { at: snap.at, upsertWaiting: snap.waiting, agents: snap.agents }),
    callers: remember(s.callers, numbersOf(snap.waiting)),
    controls: pruneControls(s.controls, snap.agents),
    seq: snap.seq ?? null,
  };
}

/**
 * Applies one update; `gap` is true when its `seq` is beyond the one expected (an update was
 * missed: the caller asks for `sync`). Such an update is applied anyway — each entry is the
 * latest value of its key, so nothing goes backwards — and the snapshot fixes what was missed.
 * An update the last snapshot already contains (seq not above the snapshot's) is skipped.
 */
export function applyLeadUpdate(s: Live, d: LeadUpdate): Live & { gap: boolean } {
  if (s.seq !== null && d.seq <= s.seq) return { ...s, gap: false };
  const gap = s.seq !== null && d.seq !== s.seq + 1;
  let controls = s.controls;
  for (const callId of d.endedCalls ?? []) controls = withoutCall(controls, callId);
  return {
    ...applyDelta(s, d),
    callers: remember(s.callers, [...numbersOf(d.upsertWaiting ?? []), ...Object.entries(d.callers ?? {})]),
    controls,
    seq: d.seq,
    gap,
  };
}

/** A `call:controls` view: kept per call, dropped once the call is transferred away. */
export function applyControls(s: Pick<LeadState, 'controls'>, v: CallControlsView): Record<string, CallControlsView> {
  return v.transferredTo ? withoutCall(s.controls, v.callId) : { ...s.controls, [v.callId]: v };
}
