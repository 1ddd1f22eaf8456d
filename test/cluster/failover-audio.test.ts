/**
 * Browser audio across a call-control failover (issue 16 items 3 and 4): two server processes
 * (src/server.ts) with browser audio on one real PostgreSQL database (SUNLINE_DATABASE_URL; their
 * shared data folder holds no SQLite file), Redis, an Asterisk sandbox and Chromium; the call's
 * row is read from PostgreSQL. The agent's and the lead's pages are opened on the balancer's calls
 * address (tools/calls-address.ts), which leads to whichever node answers /health/call-control.
 * An agent talks to a sipp caller (a looped tone) through the leader's mediasoup; the leader is
 * killed with SIGKILL. The pages reconnect through the same address to the new leader by
 * themselves, the agent is still on the call, its softphone session is rebuilt with the new
 * leader's mediasoup, and the audio flows both ways again (the agent hears the caller; Asterisk
 * records the agent's audio on the new externalMedia channel); the caller's sipp never saw a BYE.
 * The agent then hangs up from the page.
 *
 * Needs `npm run build:web` first (dist/web), Debian's chromium and the mediasoup worker.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { Page } from 'playwright-core';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logging/logger.js';
import { sandboxEnv } from '../../tools/asterisk-sandbox.js';
import { startCallsAddress } from '../../tools/calls-address.js';
import { startRedis } from '../../tools/redis.js';
import { placeCall, toneFile, type CallResult } from '../../tools/sipp.js';
import { FAKE_MEDIA_ARGS, SHOTS, launchBrowser } from '../helpers/browser.js';
import { sandbox, until } from '../helpers/call-path.js';
import { externalMediaChannels, recordDirection, wavEnergy } from '../helpers/media-asterisk.js';
import { startPostgres } from '../helpers/postgres.js';
import { startServerProcess } from '../helpers/server-process.js';
import { answerAndHear, hearing } from '../helpers/softphone.js';

t.setTimeout(600_000);

const callControl = async (port: number) => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health/call-control`)).status;
  } catch {
    return 0;
  }
};

/** The agent hears the caller now: inbound energy grows over a second. */
async function hearsCaller(page: Page): Promise<boolean> {
  const h = await hearing(page);
  return h.after > h.before;
}

t.test('kill -9 of the leader mid-call in Chromium: the pages move to the new leader and the conversation is heard again both ways', async (t) => {
  const browser = await launchBrowser(t, FAKE_MEDIA_ARGS);
  if (!browser) return;
  const asterisk = await sandbox(t);
  const redis = await startRedis(t);
  const postgres = await startPostgres(t);
  const databaseUrl = await postgres.createDatabase('failover_audio');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-failover-audio-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));
  let agentId: number;
  {
    const env = loadEnv({
      SUNLINE_DATA_DIR: dir,
      SUNLINE_DATABASE_URL: databaseUrl,
      SUNLINE_TELEPHONY: 'false',
      SUNLINE_CONFIG_WATCH: 'false',
      SUNLINE_LOG_LEVEL: 'silent',
    });
    const app = await buildApp(env, { logger: createLogger({ level: 'silent' }), realtime: false });
    agentId = (await app.users.upsert({ username: 'agent-fa', displayName: '坐席小林', role: 'agent', password: 'agent-fa-pw' })).id;
    await app.users.upsert({ username: 'lead-fa', displayName: '值班长老马', role: 'shift_lead', password: 'lead-fa-pw' });
    await app.close();
  }
  const env = {
    ...sandboxEnv(asterisk),
    SUNLINE_DATA_DIR: dir, // the nodes' files (docs/deployment.md "Several nodes"); the data are in PostgreSQL
    SUNLINE_DATABASE_URL: databaseUrl,
    SUNLINE_REDIS_URL: redis.url,
    SUNLINE_CONFIG_WATCH: 'false',
    SUNLINE_WRAPUP_SECONDS: '60',
  };
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  db.on('error', () => undefined);
  t.teardown(() => db.end());
  const stateOf = async (callId: string) =>
    ((await db.query('select state from calls where id = $1', [callId])).rows[0] as { state: string } | undefined)?.state;

  const a = await startServerProcess(t, env);
  await until('node A leads', async () => (await callControl(a.port)) === 200, 60_000);
  const b = await startServerProcess(t, env);
  t.equal(await callControl(b.port), 503, 'node B stands by');
  t.ok(
    [a, b].every((node) => /database ready/.test(node.output()) && node.output().includes(`${postgres.port}/failover_audio`)),
    'both nodes run on the one PostgreSQL database',
  );
  t.notOk(fs.existsSync(path.join(dir, 'sunline.db')), 'and no SQLite file is made');
  const calls = await startCallsAddress(t, [a.port, b.port]);
  await until('the calls address leads to node A', () => calls.leader() === a.port, 15_000);

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(calls.url);
  await page.fill('input[name=username]', 'agent-fa');
  await page.fill('input[name=password]', 'agent-fa-pw');
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('[data-testid=softphone][data-state=ready]').waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: '签入' }).click();
  await page.locator('[data-testid=agent-state][data-state=available]').waitFor({ timeout: 15_000 });

  let ended: CallResult | undefined;
  const call = placeCall({ sip: asterisk.sip, number: '12315', callerId: '13700137016', holdMs: 500_000, audioFile: toneFile(dir) });
  t.teardown(() => call.kill());
  void call.done.then((r) => (ended = r));
  const before = await answerAndHear(page);
  t.ok(before.first.totalAudioEnergy > 0, 'before the kill the agent hears the caller');
  const callId = ((await db.query("select id from calls where caller_phone = '13700137016'")).rows[0] as { id: string }).id;
  const leadPage = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await leadPage.goto(calls.url);
  await leadPage.fill('input[name=username]', 'lead-fa');
  await leadPage.fill('input[name=password]', 'lead-fa-pw');
  await leadPage.getByRole('button', { name: '登录' }).click();
  const leadRowCall = leadPage.locator(`[data-testid=agent-row][data-agent-id="${agentId}"]`).getByTestId('agent-row-call');
  await leadRowCall.waitFor({ timeout: 20_000 });

  // The crash: node A and its mediasoup worker gone at once.
  const killedAt = Date.now();
  a.child.kill('SIGKILL');
  const down = page.getByTestId('disconnected').waitFor({ timeout: 15_000 });
  await a.exited;
  await until('node B takes the lease', () => b.output().includes('call-control lease acquired'), 15_000);
  const tookMs = Date.now() - killedAt;
  t.ok(tookMs <= 5000, `node B took the lease ${tookMs} ms after the kill (≤ 5 s)`);
  await down;
  await page.screenshot({ path: path.join(SHOTS, 'failover-1-leader-killed.png'), fullPage: true });
  await until('node B has taken the calls over', () => b.output().includes('call control taken over'), 60_000);

  // The agent's page is back by itself, through the calls address, on node B.
  await page.getByTestId('disconnected').waitFor({ state: 'detached', timeout: 30_000 });
  await page.locator('[data-testid=agent-state][data-state=on_call]').waitFor({ timeout: 15_000 });
  t.equal(await page.getByTestId('caller-number').textContent(), '13700137016', 'the console still shows the caller');
  t.equal(calls.leader(), b.port, 'the calls address leads to node B');
  await leadPage.getByTestId('disconnected').waitFor({ state: 'detached', timeout: 30_000 });
  t.equal(await leadRowCall.textContent(), '13700137016', "the lead's page, now on node B, shows the agent still on the call");
  t.ok(
    await until('the caller heard again through node B', async () => ((await hearsCaller(page)) ? true : undefined), 30_000),
    'after the failover the agent hears the caller again',
  );
  t.comment(`kill -9 to the caller heard again: ${Date.now() - killedAt} ms`);
  await until(
    'one externalMedia channel (node A’s hung up by node B)',
    async () => ((await externalMediaChannels(asterisk)).length === 1 ? true : undefined),
    15_000,
  ).catch(() => undefined);
  const ems = await externalMediaChannels(asterisk);
  t.equal(ems.length, 1, "one externalMedia channel: node A's was hung up, node B's attached");
  const fromAgent = wavEnergy(await recordDirection(asterisk, ems[0]!.id, 'in', 2500));
  t.ok(fromAgent.rms > 50, `and Asterisk hears the agent again (rms ${fromAgent.rms.toFixed(0)})`);
  await page.screenshot({ path: path.join(SHOTS, 'failover-2-call-goes-on.png'), fullPage: true });
  t.equal(ended, undefined, 'the caller never saw a BYE');
  t.equal(await stateOf(callId), 'answered', 'the call is still answered');

  await page.getByTestId('btn-hangup').click();
  await page.locator('[data-testid=agent-state][data-state=wrap_up]').waitFor({ timeout: 15_000 });
  await until('the call ended by the agent on node B', async () => (await stateOf(callId)) === 'ended', 15_000);
  await until('externalMedia channel gone', async () => ((await externalMediaChannels(asterisk)).length === 0 ? true : undefined), 15_000);
  t.same(errors, [], 'no page errors');
});
