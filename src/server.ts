/**
 * Process entry: environment → buildApp → listen; SIGTERM/SIGINT shut down gracefully.
 * The only place that calls process.exit.
 */
import { buildApp, type Sunline } from './app.js';
import { CallControlNode } from './cluster/call-control-node.js';
import { EnvError, loadEnv, unknownSettings, type Env } from './config/env.js';
import { createLogger, type Logger } from './logging/logger.js';
import { ConfigInvalidError, formatProblem } from './config/files/index.js';

async function main(): Promise<void> {
  let env;
  try {
    env = loadEnv();
  } catch (err) {
    if (err instanceof EnvError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger({ level: env.logLevel, format: env.logFormat });
  for (const setting of unknownSettings(process.env)) log.warn({ setting }, 'unknown setting ignored: not one of docs/configuration.md');
  let app: { close(): Promise<void> };
  try {
    app = await started(env, log);
  } catch (err) {
    if (err instanceof ConfigInvalidError) {
      process.stderr.write(`configuration refused:\n${err.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}\n`);
      process.exit(1);
    }
    throw err;
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown timed out; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    app.close().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * One node (the default), or with several nodes (SUNLINE_REDIS_URL) and telephony configured, a
 * node that controls calls only while it holds the call-control lease (cluster/call-control-node.ts).
 */
async function started(env: Env, log: Logger): Promise<{ close(): Promise<void> }> {
  const listen = async (app: Sunline) => {
    await app.http.listen({ host: env.host, port: env.port });
    log.info({ host: env.host, port: env.port }, 'sunline listening');
  };
  if (!env.redisUrl || !env.telephony) {
    const app = await buildApp(env, { logger: log });
    await listen(app);
    return app;
  }
  const node = new CallControlNode({
    env,
    log,
    build: buildApp,
    listen: { host: env.host, port: env.port },
    onFatal: () => process.exit(1),
  });
  await node.start();
  return node;
}

main().catch((err: unknown) => {
  process.stderr.write(`sunline failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
