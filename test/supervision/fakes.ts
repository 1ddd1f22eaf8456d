/**
 * The supervision service with fakes for Asterisk (snoops, bridges) and the lead's browser audio,
 * shared by the supervisor and notice tests: every operation is recorded in `ops`.
 */
import { createLogger, type Logger } from '../../src/logging/logger.js';
import { Supervisor, type LeadAudio, type LeadAudioLeg, type SnoopTelephony, type SupervisionAuditEntry } from '../../src/supervision/supervisor.js';
import type { SupervisionState } from '../../src/contract/supervision.js';
import type { WhisperDirection } from '../../src/supervision/modes.js';

const log = createLogger({ level: 'silent' });

export function rig(opts: { notifyAgent?: boolean; auditWrite?: (row: SupervisionAuditEntry) => Promise<void>; log?: Logger } = {}) {
  const ops: string[] = [];
  const calls = new Map([
    ['call-1', { agentId: 7, channelId: 'em-agent-1' }],
    ['call-2', { agentId: 8, channelId: 'em-agent-2' }],
  ]);
  /** Calls waiting for their agent's audio to come back (CallAudio.pending). */
  const waiting = new Set<string>();
  let seq = 0;
  let gone: (id: string) => void = () => undefined;
  let snoopFails: Error | null = null;
  const legs: Array<{ socketId: string; gone: () => void; closed: boolean }> = [];
  const telephony: SnoopTelephony = {
    createBridge: (name) => (ops.push(`bridge ${name}`), Promise.resolve(`bridge-${++seq}`)),
    snoopInto: (bridgeId: string, channelId: string, whisper: WhisperDirection) => {
      if (snoopFails) return Promise.reject(snoopFails);
      const id = `snoop-${++seq}`;
      ops.push(`snoop ${id} on ${channelId} whisper=${whisper} into ${bridgeId}`);
      return Promise.resolve(id);
    },
    hangup: (id) => (ops.push(`hangup ${id}`), Promise.resolve()),
    destroyBridge: (id) => (ops.push(`destroy ${id}`), Promise.resolve()),
    onChannelGone: (l) => {
      gone = l;
      return () => (gone = () => undefined);
    },
  };
  const leadAudio: LeadAudio = {
    open(socketId, bridgeId, callId, onGone) {
      const leg = { socketId, gone: onGone, closed: false };
      legs.push(leg);
      ops.push(`lead audio ${socketId} into ${bridgeId} for ${callId}`);
      const l: LeadAudioLeg = {
        channelId: `em-lead-${legs.length}`,
        setTalking: (on) => (ops.push(`talking ${on}`), Promise.resolve()),
        close: () => ((leg.closed = true), ops.push(`lead audio closed ${socketId}`), Promise.resolve()),
      };
      return Promise.resolve(l);
    },
  };
  const audit: SupervisionAuditEntry[] = [];
  const leadSignals: Array<[string, SupervisionState]> = [];
  const agentSignals: Array<[number, { callId: string; monitored: boolean }]> = [];
  const audioListeners = new Set<() => void>();
  const supervisableSignals: string[][] = [];
  const s = new Supervisor({
    calls: {
      audioOf: (id) => calls.get(id) ?? null,
      pending: () => [...waiting],
      withAudio: () => [...calls.keys()],
      onAudioChanged: (fn) => (audioListeners.add(fn), () => audioListeners.delete(fn)),
    },
    telephony,
    leadAudio,
    audit: (row) => (audit.push(row), opts.auditWrite?.(row)),
    notifyAgent: () => opts.notifyAgent ?? false,
    log: opts.log ?? log,
    now: () => 1000,
  });
  s.setSignals({
    lead: (id, st) => leadSignals.push([id, st]),
    agent: (id, m) => agentSignals.push([id, m]),
    supervisable: (ids) => supervisableSignals.push(ids),
  });
  return {
    s,
    ops,
    audit,
    leadSignals,
    agentSignals,
    legs,
    calls,
    waiting,
    supervisableSignals,
    /** The fake CallAudio's change notice (after changing `calls`). */
    audioChanged: () => audioListeners.forEach((fn) => fn()),
    channelGone: (id: string) => gone(id),
    failSnoop: (e: Error | null) => (snoopFails = e),
  };
}
