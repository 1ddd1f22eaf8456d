/**
 * What the consoles may ask of the call centre. Implemented by the call-centre service; realtime/
 * only calls it (one method per incoming socket event, decision 0009 #4). Methods reject with
 * fixed-code errors (`code` + `statusCode`, see http/errors.ts) which are sent back in the ack.
 */
import type { AgentView, CallControlsView, OutboundCallView, QueueSnapshot, ScreenPop } from './index.js';

export interface ConsoleCommands {
  /** Current state of an agent (`logged_out` if unknown). */
  agentView(agentId: number): AgentView;
  /** A call ringing for this agent right now; re-sent on (re)connect and `sync` (its pop reads the caller's history). */
  pendingOffer(agentId: number): Promise<ScreenPop | null>;
  /** The pop of the call the agent is talking on (sent on connect as offered, then answered). */
  callInProgress(agentId: number): Promise<ScreenPop | null>;
  queueSnapshot(): QueueSnapshot;
  telephonyUp(): boolean;
  agentLogin(agentId: number, displayName: string, opts: { penalty?: number }): Promise<AgentView>;
  agentLogout(agentId: number): Promise<AgentView>;
  agentPause(agentId: number, reason: string): Promise<AgentView>;
  agentUnpause(agentId: number): Promise<AgentView>;
  /** An agent's console connected / one of its sockets closed (an agent left without one is paused). */
  consoleConnected(agentId: number): void;
  consoleClosed(agentId: number): void;
  wrapUpDone(agentId: number): Promise<AgentView>;
  answer(agentId: number, callId: string): Promise<void>;
  reject(agentId: number, callId: string): Promise<void>;
  setPriority(callId: string, priority: number): Promise<void>;
  withdraw(callId: string, agentId: number): Promise<void>;
  // ---- in-call controls (contract-controls.ts): the agent's own answered call ----
  /** The controls state of the agent's answered call, re-sent on (re)connect and `sync`. */
  callControls(agentId: number): CallControlsView | null;
  hangup(agentId: number, callId: string): Promise<void>;
  hold(agentId: number, callId: string, held: boolean): Promise<CallControlsView>;
  mute(agentId: number, callId: string, muted: boolean): Promise<CallControlsView>;
  sendDtmf(agentId: number, callId: string, digits: string): Promise<void>;
  transfer(agentId: number, callId: string, unitId: string): Promise<CallControlsView>;
  conference(agentId: number, callId: string, unitId: string): Promise<CallControlsView>;
  dropConference(agentId: number, callId: string): Promise<CallControlsView>;
  // ---- outbound calls (contract/outbound.ts) ----
  /** Dial a citizen for a work order (the agent must be available). */
  dial(agentId: number, p: { orderId: number; number: string }): Promise<OutboundCallView>;
  /** The agent's outbound call in progress, re-sent on (re)connect and `sync`. */
  outboundCall(agentId: number): OutboundCallView | null;
}
