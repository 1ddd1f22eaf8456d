/**
 * The access log: one line per request, written when its answer has gone out. Fastify's own
 * log wrote two (`incoming request` with the request, `request completed` with the status and
 * the time), two synchronous writes per request on the hot path (issue 18 part 3). The one line
 * carries both halves: `req` (method, masked URL, host, socket peer and proxy-reported client,
 * through request-log.ts's serializer), `res` (status) and `responseTime` (ms). A request whose
 * client goes away before the answer is logged then, as `request aborted`, so a request that
 * never completes still leaves its line. At a level above info (a route's `logLevel: 'warn'`,
 * SUNLINE_LOG_LEVEL=warn) the line costs nothing: pino's disabled levels are empty functions.
 */
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

export class AccessLog extends LogController {
  override incomingRequest(): void {
    // Logged with its outcome (requestCompleted), or when the client aborts (installAccessLog).
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

/** The `request aborted` line for a client that closed its connection before the answer. */
export function installAccessLog(app: FastifyInstance): void {
  app.addHook('onRequestAbort', (request, done) => {
    request.log.info({ req: request }, 'request aborted');
    done();
  });
}
