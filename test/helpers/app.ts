/** Build a real app (real SQLite file in a temp dir) for integration tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type AppOverrides, type Sunline } from '../../src/app.js';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logging/logger.js';
import type { UserRole } from '../../src/db/schema.js';

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

/** Creates a user and logs in through the API: the session cookie for `app.http.inject({ cookies })`. */
export async function loginCookies(app: Sunline, username: string, role: UserRole, extra: { unitId?: string } = {}): Promise<{ sunline_session: string }> {
  await app.users.create({ username, displayName: username, role, password: 'pw-123456', ...extra });
  const res = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'pw-123456' } });
  return { sunline_session: res.cookies.find((c) => c.name === 'sunline_session')!.value };
}
