/**
 * A change is durable when the API answers (decision 0009 #8): with SUNLINE_DB_SYNC=group the
 * answer to every request that may write (any method but GET/HEAD/OPTIONS) waits for one
 * shared fsync of the WAL issued after the handler committed (src/db/durability.ts). If that
 * fsync fails, the answer becomes 503 DB_NOT_DURABLE: the change was committed and is visible,
 * but it is not confirmed on disk, so the client must check before retrying.
 *
 * Installed on the root instance before any route plugin, so that every route gets the hook.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

const READ_ONLY = new Set(['GET', 'HEAD', 'OPTIONS']);

export function installDurableReplies(http: FastifyInstance, durable: () => Promise<void>): void {
  // The 503 itself goes through onSend again: it must not wait (and fail) a second time.
  const failed = new WeakSet<FastifyRequest>();
  http.addHook('onSend', async (request, _reply, payload) => {
    if (READ_ONLY.has(request.method) || failed.has(request)) return payload;
    try {
      await durable();
    } catch (err) {
      failed.add(request);
      throw err;
    }
    return payload;
  });
}
