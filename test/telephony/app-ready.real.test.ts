import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logging/logger.js';
import { asteriskAvailable, sandboxEnv, startAsterisk } from '../../tools/asterisk-sandbox.js';

interface Readiness {
  status: string;
  components: Record<string, { ok: boolean; state?: string }>;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

t.test('/health/ready reflects the database, ARI and AMI of a real Asterisk', async (t) => {
  const available = asteriskAvailable();
  if (!available.ok) throw new Error(available.reason);
  const asterisk = await startAsterisk();
  t.teardown(() => asterisk.stop());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-ready-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = loadEnv({
    SUNLINE_DATA_DIR: dir,
    SUNLINE_LOG_LEVEL: 'silent',
    SUNLINE_CONFIG_WATCH: 'false',
    ...sandboxEnv(asterisk),
  });
  const app = await buildApp(env, { logger: createLogger({ level: 'silent' }) });
  t.teardown(() => app.close());

  const ready = await waitFor<Readiness>('ready', async () => {
    const res = await app.http.inject({ method: 'GET', url: '/health/ready' });
    return res.statusCode === 200 ? res.json() : undefined;
  });
  t.equal(ready.components['database']?.ok, true);
  t.equal(ready.components['ari']?.ok, true);
  t.equal(ready.components['ari']?.state, 'open');
  t.equal(ready.components['ami']?.ok, true);

  await asterisk.stop();
  // ARI's websocket and AMI's socket notice the stop each in its own time: wait for both.
  const down = await waitFor<Readiness>('not ready, ARI and AMI down', async () => {
    const res = await app.http.inject({ method: 'GET', url: '/health/ready' });
    const body = res.json() as Readiness;
    return res.statusCode === 503 && body.components['ari']?.ok === false && body.components['ami']?.ok === false ? body : undefined;
  });
  t.equal(down.status, 'not_ready');
  t.equal(down.components['ari']?.ok, false);
  t.equal(down.components['ami']?.ok, false);
  t.equal(down.components['database']?.ok, true);
  t.equal((await app.http.inject({ method: 'GET', url: '/health/live' })).statusCode, 200, 'still live while Asterisk is down');
});
