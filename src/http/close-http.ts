import type { FastifyInstance } from 'fastify';

/**
 * Fastify's close, then after a grace of CLOSE_GRACE_MS every connection still open is cut. The
 * close ends idle keep-alive connections and waits for requests in progress; but a socket that
 * never sent a request (browsers open them ahead of need) counts as active until Node's
 * headersTimeout (60 s) ends it, so a restart waited a minute for nothing. Requests in progress
 * get the grace to finish.
 */
export const CLOSE_GRACE_MS = 2_000;
export async function closeHttp(http: FastifyInstance): Promise<void> {
  const cut = setTimeout(() => http.server.closeAllConnections(), CLOSE_GRACE_MS);
  try {
    await http.close();
  } finally {
    clearTimeout(cut);
  }
}
