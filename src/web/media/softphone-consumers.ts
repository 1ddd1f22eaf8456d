/**
 * The consumers of one softphone session (the caller's audio, a shift lead's supervision mix):
 * the <audio> plays the newest open one, and an offer that fails is dropped alone — most often the
 * server closed that consumer while the tab was resuming it (MEDIA_CONSUMER_NOT_FOUND). The
 * transports are fine then: the session stays as it was and the next offer plays (a failure that
 * marked the softphone `failed` kept a shift lead's every later 监听 refused until a reload).
 * Free of the DOM, so that it is tested in Node (test/unit/softphone-consume.test.ts).
 */
export interface AudioConsumer {
  readonly id: string;
  close(): void;
}

export interface ConsumerOutput<C extends AudioConsumer> {
  /** Play this consumer's track (null: nothing); resolves when playing starts (or is refused). */
  play(consumer: C | null): Promise<void>;
  inCall(on: boolean): void;
  /** An offer was dropped: why, for the status' detail. */
  dropped(consumerId: string | null, err: unknown): void;
}

export class SoftphoneConsumers<C extends AudioConsumer> {
  private readonly open = new Map<string, C>();
  private shown: C | null = null;

  constructor(private readonly out: ConsumerOutput<C>) {}

  /** The consumer playing now (the newest open one). */
  newest(): C | null {
    return [...this.open.values()].at(-1) ?? null;
  }

  ids(): string[] {
    return [...this.open.keys()];
  }

  /** Makes the consumer (`create`), plays it, then asks the server to `resume` it. Never rejects. */
  async consume(create: () => Promise<C>, resume: (consumerId: string) => Promise<unknown>): Promise<void> {
    let consumer: C | null = null;
    try {
      consumer = await create();
      this.open.set(consumer.id, consumer);
      await this.show();
      await resume(consumer.id);
      // Closed by the server meanwhile (its media:consumer_closed came first): nothing to play.
      if (this.open.has(consumer.id)) this.out.inCall(true);
    } catch (err) {
      if (consumer) this.closed(consumer.id);
      this.out.dropped(consumer?.id ?? null, err);
    }
  }

  /** The server closed it (or its offer failed): the one still open, if any, plays again. */
  closed(consumerId: string): void {
    const c = this.open.get(consumerId);
    if (!c) return;
    c.close();
    this.open.delete(consumerId);
    void this.show();
    if (this.open.size === 0) this.out.inCall(false);
  }

  /** Local teardown: closes every consumer without playing anything else. */
  closeAll(): void {
    for (const c of this.open.values()) c.close();
    this.open.clear();
    this.shown = null;
  }

  private show(): Promise<void> {
    const next = this.newest();
    if (next === this.shown) return Promise.resolve();
    this.shown = next;
    return this.out.play(next);
  }
}
