/**
 * The call centre's view of the softphone media (implemented by src/media): the agent's browser
 * audio joins the call when the agent answers and leaves when the call ends. Optional: without
 * it (no mediasoup worker, or an agent on a SIP desk phone) calls still connect in Asterisk.
 */
export interface CallMedia {
  /**
   * The agent answered: connect the agent's browser audio (both ways) to `bridgeId`, the agent
   * leg's bridge. Resolves once audio can flow; rejects if it cannot (the call stays up).
   */
  attach(call: { callId: string; agentId: number; bridgeId: string }): Promise<void>;
  /** The call is over for the agent: tear its media down. Idempotent, never rejects. */
  detach(callId: string): Promise<void>;
  /** Mute or unmute the agent's voice towards the caller (the caller hears silence). */
  setMuted(callId: string, muted: boolean): Promise<void>;
}
