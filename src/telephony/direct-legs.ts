/**
 * The direct legs in Stasis. A shift lead's "send to agent" rings the agent over a Local channel
 * we originate (switchboard.ts ringAgentDirectly): its ;2 half is the agent leg, its ;1 half (the
 * direct leg) enters Stasis 'direct' only once the agent's answer has passed through the Local
 * channel. That happens after ARI's answer of the agent leg returns, on Asterisk's originate
 * thread, so bridging the caller with the direct leg at once can find it not yet in Stasis (ARI
 * 422, the agent's answer refused). The switchboard records the direct legs' StasisStart and
 * StasisEnd here, and waits for the arrival before bridging.
 */
export class DirectLegs {
  private readonly inStasis = new Set<string>();
  private readonly waiting = new Map<string, Array<(arrived: boolean) => void>>();

  /** StasisStart 'direct'. */
  entered(channelId: string): void {
    this.inStasis.add(channelId);
    this.settle(channelId, true);
  }

  /** StasisEnd (or a hang-up) of any channel: a direct leg no longer in Stasis. */
  left(channelId: string): void {
    this.inStasis.delete(channelId);
    this.settle(channelId, false);
  }

  has(channelId: string): boolean {
    return this.inStasis.has(channelId);
  }

  /** Resolves true once the leg is in Stasis, false if it left or `timeoutMs` passed first. */
  arrival(channelId: string, timeoutMs: number): Promise<boolean> {
    if (this.inStasis.has(channelId)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), timeoutMs);
      const done = (arrived: boolean) => {
        clearTimeout(timer);
        const list = this.waiting.get(channelId)?.filter((w) => w !== done);
        if (list?.length) this.waiting.set(channelId, list);
        else this.waiting.delete(channelId);
        resolve(arrived);
      };
      this.waiting.set(channelId, [...(this.waiting.get(channelId) ?? []), done]);
    });
  }

  private settle(channelId: string, arrived: boolean): void {
    for (const w of this.waiting.get(channelId) ?? []) w(arrived);
  }
}
