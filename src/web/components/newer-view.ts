/**
 * Which of two views a console keeps. A command's reply carries a view as it was when the command
 * finished, but replies wait for the commit's fsync, so a later change's push can arrive before
 * it (the unit answering a three-way call; a call offered right after 示闲): the newer view wins,
 * by the call controls' `version` or the agent state's `since`; a view of another call or agent
 * replaces the old one.
 */
import type { AgentView, CallControlsView } from '../../contract/index.js';

export function newerControls(prev: CallControlsView | null, next: CallControlsView): CallControlsView {
  return prev !== null && prev.callId === next.callId && prev.version > next.version ? prev : next;
}

export function newerAgentView(prev: AgentView | null, next: AgentView): AgentView {
  return prev !== null && prev.agentId === next.agentId && prev.since > next.since ? prev : next;
}
