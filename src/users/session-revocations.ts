/**
 * Sessions ended by this node, told to whoever listens once the change is committed, and the
 * shape they travel in. With several nodes (SUNLINE_REDIS_URL) the app sends them to the others
 * (src/realtime/cluster-sessions.ts), whose caches would otherwise serve the ended session for up
 * to the cache's recheck time: on PostgreSQL nothing else tells them (on SQLite data_version does,
 * by dropping their whole cache). A session is named by its token's hash, never the token.
 */
export type SessionRevocation = { readonly kind: 'session'; readonly tokenHash: string } | { readonly kind: 'user'; readonly userId: number };

export class SessionRevocations {
  private readonly listeners = new Set<(r: SessionRevocation) => void>();

  /** Returns the unsubscribe. */
  on(listener: (r: SessionRevocation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every listener; one that throws (Redis away) does not fail the change, which is committed. */
  emit(r: SessionRevocation): void {
    for (const l of this.listeners) {
      try {
        l(r);
      } catch {
        // see above
      }
    }
  }
}
