/**
 * Our server crashes while an agent talks in Chromium: Asterisk keeps the call, the server comes
 * back on the same address with the same database, the console reconnects by itself (the login
 * cookie is in the database), the agent is still on the call, the softphone session is rebuilt
 * and the call's audio flows both ways again; a reload of the page mid-call brings the call
 * back too; the agent then hangs up from the console.
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import type { Page } from 'playwright-core';
import { placeCall, toneFile } from '../../tools/sipp.js';
import { sandbox, server, until } from '../helpers/call-path.js';
import { externalMediaChannels, recordDirection, wavEnergy } from '../helpers/media-asterisk.js';
import { FAKE_MEDIA_ARGS, SHOTS, launchBrowser } from '../helpers/browser.js';
import { answerAndHear, hearing } from '../helpers/softphone.js';

/** The agent hears the caller now: inbound energy grows over a second. */
async function hearsCaller(page: Page): Promise<boolean> {
  const h = await hearing(page);
  return h.after > h.before;
}

t.test('a server crash mid-call in Chromium: the console reconnects to the restarted server and the conversation goes on', async (t) => {
  const browser = await launchBrowser(t, FAKE_MEDIA_ARGS);
  if (!browser) return;
  const asterisk = await sandbox(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-restart-audio-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = { SUNLINE_DATA_DIR: dir };
  const first = await server(t, asterisk, env);
  await until('telephony up', () => first.calls.center?.telephonyUp());
  const port = (first.http.server.address() as AddressInfo).port;
  const agent = await first.users.upsert({ username: 'agent-crash', displayName: '坐席小陈', role: 'agent', password: 'agent-crash-pw' });
  await first.users.upsert({ username: 'lead-crash', displayName: '值班长老周', role: 'shift_lead', password: 'lead-crash-pw' });

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(first.url);
  await page.fill('input[name=username]', 'agent-crash');
  await page.fill('input[name=password]', 'agent-crash-pw');
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('[data-testid=softphone][data-state=ready]').waitFor({ timeout: 20_000 });
  await page.getByRole('button', { name: '签入' }).click();
  await page.locator('[data-testid=agent-state][data-state=available]').waitFor();

  const call = placeCall({ sip: asterisk.sip, number: '12315', callerId: '13700137001', holdMs: 90_000, audioFile: toneFile(dir) });
  t.teardown(() => call.kill());
  const before = await answerAndHear(page);
  t.ok(before.first.totalAudioEnergy > 0, 'before the crash the agent hears the caller');
  const callId = first.calls.commands.agentView(agent.id).callId!;
  // A shift lead watches from another browser profile.
  const leadPage = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await leadPage.goto(first.url);
  await leadPage.fill('input[name=username]', 'lead-crash');
  await leadPage.fill('input[name=password]', 'lead-crash-pw');
  await leadPage.getByRole('button', { name: '登录' }).click();
  const leadRow = leadPage.locator(`[data-testid=agent-row][data-agent-id="${agent.id}"]`);
  await leadRow.getByTestId('agent-row-call').waitFor();

  // The crash: Asterisk loses ARI and AMI at once; the console loses its socket.
  await Promise.all([first.calls.ari!.close(), first.calls.ami!.close()]);
  await first.close();
  await page.getByTestId('disconnected').waitFor({ timeout: 10_000 });
  await leadPage.getByTestId('disconnected').waitFor({ timeout: 10_000 });
  await page.screenshot({ path: path.join(SHOTS, 'restart-1-server-down.png'), fullPage: true });

  const second = await server(t, asterisk, env, port);
  await until('telephony up again', () => second.calls.center?.telephonyUp());
  await page.getByTestId('disconnected').waitFor({ state: 'detached', timeout: 30_000 });
  await page.locator('[data-testid=agent-state][data-state=on_call]').waitFor({ timeout: 10_000 });
  t.equal(await page.getByTestId('caller-number').textContent(), '13700137001', 'the console still shows the caller');
  await leadPage.getByTestId('disconnected').waitFor({ state: 'detached', timeout: 30_000 });
  t.equal(await leadRow.getByTestId('agent-row-call').textContent(), '13700137001', "the lead's page is back by itself and shows the agent still on the call");
  await until('call audio attached again', () => (second.media!.calls.active().some((c) => c.callId === callId) ? true : undefined), 30_000);
  t.ok(
    await until('caller heard again', async () => ((await hearsCaller(page)) ? true : undefined), 20_000),
    'after the restart the agent hears the caller again',
  );
  // The dead process's leg is hung up by the new server while the new leg already carries audio.
  await until('one externalMedia channel', async () => ((await externalMediaChannels(asterisk)).length === 1 ? true : undefined), 10_000).catch(
    () => undefined,
  );
  const ems = await externalMediaChannels(asterisk);
  t.equal(ems.length, 1, "one externalMedia channel: the dead process's was hung up, a new one attached");
  const fromAgent = wavEnergy(await recordDirection(asterisk, ems[0]!.id, 'in', 2500));
  t.ok(fromAgent.rms > 50, `and Asterisk hears the agent again (rms ${fromAgent.rms.toFixed(0)})`);
  await page.screenshot({ path: path.join(SHOTS, 'restart-2-call-goes-on.png'), fullPage: true });

  // The agent reloads the page mid-call (F5): the console gets the call back, audio and all.
  await page.reload();
  await page.locator('[data-testid=agent-state][data-state=on_call]').waitFor({ timeout: 10_000 });
  t.equal(await page.getByTestId('caller-number').textContent(), '13700137001', 'after a reload the console shows the call again');
  await page.getByTestId('btn-hangup').waitFor();
  t.ok(await until('caller heard after the reload', async () => ((await hearsCaller(page)) ? true : undefined), 20_000), 'and the agent hears the caller');

  await page.getByTestId('btn-hangup').click();
  await page.locator('[data-testid=agent-state][data-state=wrap_up]').waitFor({ timeout: 10_000 });
  await until('call ended', () =>
    (second.db.sqlite.prepare('select state from calls where id = ?').get(callId) as { state: string }).state === 'ended' ? true : undefined,
  );
  await until('externalMedia channel gone', async () => ((await externalMediaChannels(asterisk)).length === 0 ? true : undefined));
  t.same(errors, [], 'no page errors');
});
