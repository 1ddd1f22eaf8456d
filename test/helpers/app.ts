/**
 * Build a real app for integration tests: a real SQLite file in a temp dir, or with
 * SUNLINE_TEST_DATABASE=postgres a fresh database on a real PostgreSQL (app-database.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOverrides, type Sunline } from '../../src/app.js';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../src/contract/csrf.js';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logging/logger.js';
import type { UserRole } from '../../src/db/schema.js';
import { TEST_POOL_SIZE, testDatabase, testsOnPostgres } from './app-database.js';

export interface TestAppOptions {
  env?: Record<string, string>;
  overrides?: Omit<AppOverrides, 'logger'>;
}

export async function testApp(t: { teardown(fn: () => unknown): void }, opts: TestAppOptions = {}): Promise<Sunline> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-test-'));
  const settings: Record<string, string> = {
    SUNLINE_DATA_DIR: dir,
    SUNLINE_LOG_LEVEL: 'silent',
    SUNLINE_TELEPHONY: 'false',
    SUNLINE_CONFIG_WATCH: 'false',
    ...opts.env,
  };
  if (testsOnPostgres() && !settings.SUNLINE_DATABASE_URL) {
    const ownData = opts.env?.SUNLINE_DATA_DIR !== undefined || opts.env?.SUNLINE_DB_FILE !== undefined;
    settings.SUNLINE_DATABASE_URL = await testDatabase(t, loadEnv(settings).dbFile, ownData);
    settings.SUNLINE_DB_POOL_SIZE ??= TEST_POOL_SIZE;
  }
  const env = loadEnv(settings);
  const app = await buildApp(env, { logger: createLogger({ level: env.logLevel }), ...opts.overrides });
  sendCsrfHeaderByDefault(app);
  t.teardown(async () => {
    await app.close();
    // Retried: a browser test's pages (closed after the app: teardowns run last-in first-out) may
    // still have a request create a file in the folder while it is removed (ENOTEMPTY). A teardown
    // that throws stops the ones after it, leaving Chromium running until tap's timeout.
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  });
  return app;
}

/** Creates a user and logs in through the API: the session cookie for `app.http.inject({ cookies })`. */
export async function loginCookies(app: Sunline, username: string, role: UserRole, extra: { unitId?: string } = {}): Promise<{ sunline_session: string }> {
  await app.users.create({ username, displayName: username, role, password: 'pw-123456', ...extra });
  const res = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'pw-123456' } });
  return { sunline_session: res.cookies.find((c) => c.name === 'sunline_session')!.value };
}

const rawInjects = new WeakMap<Sunline, (opts: InjectOptions) => Promise<LightMyRequestResponse>>();

/**
 * `app.http.inject` sends X-Sunline-Request as the web app does (http/csrf.ts), unless the test
 * sets the header itself; `injectAsIs` sends exactly what it is given.
 */
function sendCsrfHeaderByDefault(app: Sunline): void {
  const raw = app.http.inject.bind(app.http) as (opts: InjectOptions) => Promise<LightMyRequestResponse>;
  rawInjects.set(app, raw);
  const inject = (opts: InjectOptions | string) =>
    raw(
      typeof opts === 'string'
        ? { url: opts, headers: { [CSRF_HEADER]: CSRF_HEADER_VALUE } }
        : { ...opts, headers: { [CSRF_HEADER]: CSRF_HEADER_VALUE, ...opts.headers } },
    );
  app.http.inject = inject as typeof app.http.inject;
}

/** `app.http.inject` without the default X-Sunline-Request header (CSRF tests). */
export function injectAsIs(app: Sunline, opts: InjectOptions): Promise<LightMyRequestResponse> {
  return (rawInjects.get(app) ?? ((o: InjectOptions) => app.http.inject(o)))(opts);
}
