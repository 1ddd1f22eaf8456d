/**
 * Another process's commits on PostgreSQL, as SQLite's data_version tells them (decision 0017):
 * one dedicated connection — not a pooled one, LISTEN holds it — that LISTENs on a channel which
 * triggers NOTIFY at commit (migrations-pg/0029 for the session check's tables) and counts the
 * notifications. A reader compares `count()` with the value it last saw: a move means "something
 * may have changed, read again". Our own commits are counted too (harmless: a cache refills).
 *
 * If the connection drops (server restart, pg_terminate_backend, network) it reconnects with a
 * short backoff and counts one more once listening again: notifications sent meanwhile are lost,
 * so anything may have changed. TCP keepalive finds a connection that died silently.
 */
import pg from 'pg';

export interface CommitSignal {
  /** Moves on each notification on the channel and on each reconnection. */
  count(): number;
  close(): Promise<void>;
}

export interface CommitSignalOptions {
  url: string;
  /** A channel name of lower-case letters, digits and underscores. */
  channel: string;
  /** The connection failed or could not be made (it is retried). */
  onError?: (err: Error) => void;
  /** The first wait before reconnecting (doubling to maxRetryMs). */
  retryMs?: number;
  maxRetryMs?: number;
}

/** Listens on `channel` (resolves once listening; if the first attempt fails, keeps retrying in the background). */
export async function openCommitSignal(opts: CommitSignalOptions): Promise<CommitSignal> {
  if (!/^[a-z_][a-z0-9_]*$/.test(opts.channel)) throw new Error(`openCommitSignal: bad channel name ${opts.channel}`);
  const firstRetryMs = opts.retryMs ?? 100;
  const maxRetryMs = opts.maxRetryMs ?? 5_000;
  let count = 0;
  let closed = false;
  let client: pg.Client | undefined;
  let retryMs = firstRetryMs;
  let timer: NodeJS.Timeout | undefined;
  let attempt: Promise<void> | undefined;

  const retry = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      attempt = listen(true);
    }, retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, maxRetryMs);
  };

  const listen = async (again: boolean): Promise<void> => {
    const c = new pg.Client({ connectionString: opts.url, keepAlive: true, keepAliveInitialDelayMillis: 10_000, connectionTimeoutMillis: 10_000 });
    let lost = false;
    const drop = (err?: Error) => {
      if (lost) return;
      lost = true;
      if (err && !closed) opts.onError?.(err);
      if (client === c) client = undefined;
      c.end().catch(() => undefined);
      retry();
    };
    c.on('error', drop);
    c.on('end', () => drop());
    c.on('notification', (msg) => {
      if (msg.channel === opts.channel) count++;
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${opts.channel}`);
    } catch (err) {
      drop(err as Error);
      return;
    }
    if (closed || lost) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    retryMs = firstRetryMs;
    if (again) count++;
  };

  await (attempt = listen(false));
  return {
    count: () => count,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await attempt;
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
