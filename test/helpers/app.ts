/** Build a real app (real SQLite file in a temp dir) for integration tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type AppOverrides, type Sunline } from '../../src/app.js';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logging/logger.js';

export interface TestAppOptions {
  env?: Record<string, string>;
  overrides?: Omit<AppOverrides, 'logger'>;
}

export async function testApp(t: { teardown(fn: () => unknown): void }, opts: TestAppOptions = {}): Promise<Sunline> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-test-'));
  const env = loadEnv({
    SUNLINE_DATA_DIR: dir,
    SUNLINE_LOG_LEVEL: 'silent',
    SUNLINE_TELEPHONY: 'false',
    SUNLINE_CONFIG_WATCH: 'false',
    ...opts.env,
  });
  const app = await buildApp(env, { logger: createLogger({ level: env.logLevel }), ...opts.overrides });
  t.teardown(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return app;
}
