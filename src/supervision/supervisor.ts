/**
 * The one owner of supervisions' transitions (decision 0009 #15; decision 0014): a shift lead's
 * console tab listens to, whispers to or barges into one answered call at a time.
 *
 * Per supervision: a mixing bridge holding the lead tab's browser audio (LeadAudio) and a snoop
 * channel on the agent's browser-audio channel (SnoopTelephony) whose whisper direction is the
 * mode's (modes.ts). A mode switch adds a new snoop to the bridge and then hangs the old one up,
 * so the lead's audio never drops (Wazo's calld does the same). It ends on the lead's stop, when
 * the call ends, when the snooped channel goes (the agent's audio left), when the lead's tab
 * media goes, or when the lead's own channel goes; each end is audited and the lead's tab told.
 */
import type { Logger } from '../logging/logger.js';
import type {
  SupervisionAuditAction,
  SupervisionCommands,
  SupervisionEndReason,
  SupervisionMode,
  SupervisionState,
  SupervisionView,
} from '../contract/supervision.js';
import { SupervisionError } from './errors.js';
import { leadTalks, whisperFor, type WhisperDirection } from './modes.js';

/** Asterisk's side: bridges and snoop channels (src/supervision/snoop-telephony.ts). */
export interface SnoopTelephony {
  createBridge(name: string): Promise<string>;
  /** A snoop channel on `channelId` (spy both, `whisper`), in `bridgeId` once this resolves; returns its id. */
  snoopInto(bridgeId: string, channelId: string, whisper: WhisperDirection): Promise<string>;
  /** Hangs a channel up; one already gone is fine. */
  hangup(channelId: string): Promise<void>;
  /** Destroys a bridge; one already gone is fine. */
  destroyBridge(bridgeId: string): Promise<void>;
  /** `listener` hears every channel of our app that leaves (hang-up); returns the unsubscribe. */
  onChannelGone(listener: (channelId: string) => void): () => void;
}

/** The lead tab's browser audio joined to a bridge (src/supervision/lead-audio.ts). */
export interface LeadAudioLeg {
  /** The lead's channel in Asterisk. */
  readonly channelId: string;
  /** Sends (or stops sending) the lead's microphone to Asterisk. */
  setTalking(on: boolean): Promise<void>;
  close(): Promise<void>;
}

export interface LeadAudio {
  /** Joins the tab's audio to `bridgeId`, silent until setTalking(true); `gone` when the tab's media ends. */
  open(socketId: string, bridgeId: string, callId: string, gone: () => void): Promise<LeadAudioLeg>;
}

/** The answered calls with browser audio (CallAudio): the agent and the agent's channel in Asterisk. */
export interface SupervisedCalls {
  audioOf(callId: string): { agentId: number; channelId: string } | null;
  /** Calls answered but waiting for their agent's browser audio to come back (tab reconnecting, media restart). */
  pending(): string[];
  /** The calls with browser audio now: the ones a lead can supervise. */
  withAudio(): string[];
  /** `fn` runs after a call gains or loses its browser audio; returns the unsubscribe function. */
  onAudioChanged(fn: () => void): () => void;
}

export interface SupervisionSignals {
  lead(socketId: string, s: SupervisionState): void;
  agent(agentId: number, m: { callId: string; monitored: boolean }): void;
  /** Every lead: the calls that can be supervised now changed. */
  supervisable(callIds: string[]): void;
}

export interface SupervisionAuditEntry {
  at: number;
  leadId: number;
  action: SupervisionAuditAction;
  callId: string;
  agentId: number;
  mode: SupervisionMode;
  reason: SupervisionEndReason | null;
}

export interface SupervisorOptions {
  calls: SupervisedCalls;
  telephony: SnoopTelephony;
  leadAudio: LeadAudio;
  /** Writes one row; not waited for (a failure is logged), in call order (SupervisionAuditLog). */
  audit(row: SupervisionAuditEntry): Promise<void> | void;
  /** config/recording.yaml `supervision.notifyAgent`, read at each start. */
  notifyAgent(): boolean;
  log: Logger;
  now?: () => number;
}

interface Session {
  leadId: number;
  socketId: string;
  callId: string;
  agentId: number;
  agentChannelId: string;
  mode: SupervisionMode;
  since: number;
  bridgeId?: string;
  snoopId?: string;
  leg?: LeadAudioLeg;
  /** Audited and announced (start finished). */
  started: boolean;
  ended: boolean;
}

export class Supervisor implements SupervisionCommands {
  private readonly sessions = new Map<string, Session>();
  /** Commands of one tab run one after another. */
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Calls whose agent was told they are being listened to (until the last supervision of the call ends). */
  private readonly told = new Set<string>();
  private signals: SupervisionSignals = { lead: () => undefined, agent: () => undefined, supervisable: () => undefined };
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly unsubscribe: () => void;
  private readonly unwatchAudio: () => void;

  constructor(private readonly o: SupervisorOptions) {
    this.now = o.now ?? Date.now;
    this.log = o.log.child({ component: 'supervision' });
    this.unsubscribe = o.telephony.onChannelGone((id) => this.channelGone(id));
    this.unwatchAudio = o.calls.onAudioChanged(() => this.signals.supervisable(this.supervisable()));
  }

  /** The answered calls a lead can supervise now (their agent on browser audio). */
  supervisable(): string[] {
    return this.o.calls.withAudio();
  }

  /** Where state changes go; set once realtime is attached. */
  setSignals(signals: SupervisionSignals): void {
    this.signals = signals;
  }

  start(lead: { userId: number; socketId: string }, p: { callId: string; mode: SupervisionMode }): Promise<SupervisionView> {
    return this.serial(lead.socketId, async () => {
      const current = this.sessions.get(lead.socketId);
      if (current?.callId === p.callId) return this.switchMode(current, p.mode);
      if (current) await this.end(current, 'lead_stopped');
      return this.open(lead, p);
    });
  }

  setMode(socketId: string, mode: SupervisionMode): Promise<SupervisionView> {
    return this.serial(socketId, () => {
      const s = this.sessions.get(socketId);
      if (!s) throw new SupervisionError('SUPERVISION_NOT_ACTIVE');
      return this.switchMode(s, mode);
    });
  }

  stop(socketId: string): Promise<void> {
    return this.serial(socketId, async () => {
      const s = this.sessions.get(socketId);
      if (s) await this.end(s, 'lead_stopped');
    });
  }

  /** The call ended (domain event): every supervision of it ends. */
  callEnded(callId: string): void {
    for (const s of [...this.sessions.values()]) if (s.callId === callId) void this.end(s, 'call_ended');
  }

  /** The calls of `agentId` whose agent is told a lead is listening now (a console connecting mid-supervision is told again). */
  monitoredCalls(agentId: number): string[] {
    return [...this.told].filter((callId) => [...this.sessions.values()].some((s) => s.callId === callId && s.agentId === agentId && s.started));
  }

  /** Current supervisions (tests, health). */
  active(): Array<SupervisionView & { socketId: string; leadId: number; snoopId: string | null; bridgeId: string | null }> {
    return [...this.sessions.values()]
      .filter((s) => s.started)
      .map((s) => ({ ...view(s), socketId: s.socketId, leadId: s.leadId, snoopId: s.snoopId ?? null, bridgeId: s.bridgeId ?? null }));
  }

  async close(): Promise<void> {
    this.unsubscribe();
    this.unwatchAudio();
    await Promise.allSettled([...this.sessions.values()].map((s) => this.end(s, 'failed')));
  }

  private async open(lead: { userId: number; socketId: string }, p: { callId: string; mode: SupervisionMode }): Promise<SupervisionView> {
    const audio = this.o.calls.audioOf(p.callId);
    if (!audio) throw new SupervisionError('SUPERVISION_CALL_NOT_FOUND');
    const s: Session = {
      leadId: lead.userId,
      socketId: lead.socketId,
      callId: p.callId,
      agentId: audio.agentId,
      agentChannelId: audio.channelId,
      mode: p.mode,
      since: this.now(),
      started: false,
      ended: false,
    };
    this.sessions.set(lead.socketId, s);
    try {
      s.bridgeId = await this.o.telephony.createBridge(`supervision-${p.callId}`);
      this.alive(s);
      s.leg = await this.o.leadAudio.open(lead.socketId, s.bridgeId, p.callId, () => void this.end(s, 'lead_gone'));
      this.alive(s);
      await s.leg.setTalking(leadTalks(p.mode));
      s.snoopId = await this.o.telephony.snoopInto(s.bridgeId, s.agentChannelId, whisperFor(p.mode));
      this.alive(s);
    } catch (err) {
      await this.end(s, 'failed');
      // The agent's channel went while we were setting up: the call is not there to supervise.
      if (isGone(err)) throw new SupervisionError('SUPERVISION_CALL_NOT_FOUND');
      throw err;
    }
    s.started = true;
    this.audit(s, 'start', null);
    this.log.info({ callId: s.callId, agentId: s.agentId, leadId: s.leadId, mode: s.mode }, 'supervision started');
    if (this.o.notifyAgent() && !this.told.has(s.callId)) {
      this.told.add(s.callId);
      this.signals.agent(s.agentId, { callId: s.callId, monitored: true });
    }
    this.signals.lead(s.socketId, { active: view(s) });
    return view(s);
  }

  private async switchMode(s: Session, mode: SupervisionMode): Promise<SupervisionView> {
    if (s.mode === mode) return view(s);
    const leg = s.leg!;
    // Silence the lead before the new snoop when the new mode keeps them quiet, after it otherwise.
    if (!leadTalks(mode)) await leg.setTalking(false);
    let snoopId: string;
    try {
      snoopId = await this.o.telephony.snoopInto(s.bridgeId!, s.agentChannelId, whisperFor(mode));
    } catch (err) {
      await leg.setTalking(leadTalks(s.mode)).catch(() => undefined);
      if (isGone(err)) {
        await this.end(s, 'agent_gone');
        throw new SupervisionError('SUPERVISION_CALL_NOT_FOUND');
      }
      throw err;
    }
    if (s.ended) {
      await this.o.telephony.hangup(snoopId).catch(() => undefined);
      throw new SupervisionError('SUPERVISION_NOT_ACTIVE');
    }
    const old = s.snoopId;
    s.snoopId = snoopId;
    s.mode = mode;
    if (leadTalks(mode)) await leg.setTalking(true);
    if (old) await this.o.telephony.hangup(old).catch((err: unknown) => this.log.warn({ err, callId: s.callId }, 'old snoop hang-up failed'));
    this.audit(s, 'mode', null);
    this.log.info({ callId: s.callId, leadId: s.leadId, mode }, 'supervision mode changed');
    this.signals.lead(s.socketId, { active: view(s) });
    return view(s);
  }

  /** Idempotent: tears down what exists, audits and tells the lead (and the agent) once. */
  private async end(s: Session, reason: SupervisionEndReason): Promise<void> {
    if (s.ended) return;
    s.ended = true;
    if (this.sessions.get(s.socketId) === s) this.sessions.delete(s.socketId);
    const t = this.o.telephony;
    const steps = await Promise.allSettled([s.leg?.close(), s.snoopId ? t.hangup(s.snoopId) : undefined]);
    if (s.bridgeId) steps.push(...(await Promise.allSettled([t.destroyBridge(s.bridgeId)])));
    for (const r of steps) if (r.status === 'rejected') this.log.warn({ err: r.reason as unknown, callId: s.callId }, 'supervision teardown step failed');
    if (!s.started) return;
    this.audit(s, 'stop', reason);
    this.log.info({ callId: s.callId, leadId: s.leadId, reason }, 'supervision ended');
    if (this.told.has(s.callId) && !this.othersOn(s)) {
      this.told.delete(s.callId);
      this.signals.agent(s.agentId, { callId: s.callId, monitored: false });
    }
    this.signals.lead(s.socketId, { active: null, reason });
  }

  private channelGone(channelId: string): void {
    for (const s of [...this.sessions.values()]) {
      // The agent's audio channel went: with the call (hung up, its audio detached) or without it (the tab left).
      if (channelId === s.snoopId) void this.end(s, this.o.calls.audioOf(s.callId) || this.o.calls.pending().includes(s.callId) ? 'agent_gone' : 'call_ended');
      else if (channelId === s.leg?.channelId) void this.end(s, 'failed');
    }
  }

  /** Another started supervision of the same call. */
  private othersOn(s: Session): boolean {
    return [...this.sessions.values()].some((x) => x !== s && x.callId === s.callId && x.started);
  }

  private alive(s: Session): void {
    if (s.ended) throw new SupervisionError('SUPERVISION_CALL_NOT_FOUND');
  }

  private audit(s: Session, action: SupervisionAuditAction, reason: SupervisionEndReason | null): void {
    const failed = (err: unknown) => this.log.error({ err, callId: s.callId, action }, 'supervision audit write failed');
    try {
      void Promise.resolve(this.o.audit({ at: this.now(), leadId: s.leadId, action, callId: s.callId, agentId: s.agentId, mode: s.mode, reason })).catch(
        failed,
      );
    } catch (err) {
      failed(err);
    }
  }

  private serial<T>(socketId: string, fn: () => Promise<T> | T): Promise<T> {
    const prev = this.chains.get(socketId) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(socketId, settled);
    void settled.then(() => {
      if (this.chains.get(socketId) === settled) this.chains.delete(socketId);
    });
    return next;
  }
}

function view(s: Session): SupervisionView {
  return { callId: s.callId, agentId: s.agentId, mode: s.mode, since: s.since };
}

/** The snooped channel is gone (ARI 404 on snoop: CHANNEL_GONE / ARI_NOT_FOUND). */
function isGone(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'CHANNEL_GONE' || code === 'ARI_NOT_FOUND' || code === 'SUPERVISION_CALL_NOT_FOUND';
}
