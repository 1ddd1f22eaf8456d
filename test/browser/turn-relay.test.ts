/**
 * Remote agents through a TURN relay: a real coturn (use-auth-secret) on loopback, the server
 * with SUNLINE_TURN_URLS / SUNLINE_TURN_SECRET / SUNLINE_ICE_POLICY=relay, Chromium with a fake
 * microphone. The softphone gets ready only through the relay (the selected candidate pair's
 * local candidate is `relay`, coturn logged the allocations), and a sipp caller answered by the
 * agent is heard (non-silent audio) through it. With a secret coturn does not know, coturn
 * refuses the allocation and the softphone shows its ICE failure.
 *
 * Needs `npm run build:web` first (dist/web), Debian's chromium and coturn (scripts/setup.sh).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { Page } from 'playwright-core';
import { startCoturn } from '../../tools/coturn.js';
import { placeCall, toneFile } from '../../tools/sipp.js';
import { sandbox, server, until } from '../helpers/call-path.js';
import { FAKE_MEDIA_ARGS, SHOTS, launchBrowser } from '../helpers/browser.js';
import { answerAndHear, mediaStats as stats } from '../helpers/softphone.js';

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
const SECRET = 'county-office-relay-secret-12345';

async function login(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('login-form').waitFor();
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.getByRole('button', { name: '登录' }).click();
}

t.test('relay-only softphone through coturn: ready via a relay candidate, the caller heard through it; a wrong secret fails ICE', async (t) => {
  const browser = await launchBrowser(t, FAKE_MEDIA_ARGS);
  if (!browser) return;
  const turn = await startCoturn(t, SECRET);
  const asterisk = await sandbox(t);
  const app = await server(t, asterisk, {
    SUNLINE_TURN_URLS: turn.url,
    SUNLINE_TURN_SECRET: SECRET,
    SUNLINE_ICE_POLICY: 'relay',
    SUNLINE_TURN_TTL_SECONDS: '600',
  });
  t.ok(app.media, 'the server runs with media');
  t.equal(app.env.media?.ice?.policy, 'relay');
  await until('telephony up', () => app.calls.center?.telephonyUp());
  await app.users.upsert({ username: 'agent-remote', displayName: '县分中心小周', role: 'agent', password: 'agent-remote-pw' });

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  t.equal(turn.allocations(), 0, 'no allocation before the console');
  await login(page, app.url, 'agent-remote', 'agent-remote-pw');
  await page.locator('[data-testid=softphone][data-state=ready]').waitFor({ timeout: 30_000 });

  // Both transports' selected pair: our side is a relayed candidate (coturn), UDP to the relay.
  const paths = await until('selected candidate pairs', async () => {
    const s = await stats(page);
    return s?.paths.send && s.paths.recv ? s.paths : undefined;
  });
  t.match(paths.send, { localType: 'relay', relayProtocol: 'udp' }, `send transport relayed (${JSON.stringify(paths.send)})`);
  t.match(paths.recv, { localType: 'relay', relayProtocol: 'udp' }, `recv transport relayed (${JSON.stringify(paths.recv)})`);
  t.equal(await page.getByTestId('softphone').getAttribute('data-state'), 'ready', 'and the softphone stays ready');
  // coturn's log file is written by coturn at its own pace: read it once the lines are in.
  await until('coturn logged both allocations', () => (turn.allocations() >= 2 ? true : undefined), 10_000).catch(() => undefined);
  t.ok(turn.allocations() >= 2, `coturn granted the allocations (${turn.allocations()})`);
  t.match(turn.log(), /realm <sunline\.test> user <\d+:agent-\d+>/, 'coturn saw the minted username');
  await page.getByRole('button', { name: '签入' }).click();
  await page.locator('[data-testid=agent-state][data-state=available]').waitFor();
  await shot(page, 'turn-1-ready');

  // A caller (a looped tone) answered: the agent hears it through the relay.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-turn-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const call = placeCall({ sip: asterisk.sip, number: '12315', callerId: '13900139000', holdMs: 60_000, audioFile: toneFile(dir) });
  t.teardown(() => call.kill());
  const { first, later } = await answerAndHear(page);
  t.ok(first.totalAudioEnergy > 0, `the browser receives non-silent audio (totalAudioEnergy ${first.totalAudioEnergy.toFixed(4)})`);
  t.ok(later?.inbound && later.inbound.totalAudioEnergy > first.totalAudioEnergy, 'and it keeps coming');
  t.match(later?.paths.recv, { localType: 'relay' }, 'still through the relay');
  t.ok((later?.outbound?.packets ?? 0) > 0, `the microphone sends through the relay (${later?.outbound?.packets} packets)`);
  await shot(page, 'turn-2-on-call');
  call.kill();

  // Same relay, a server whose secret coturn does not know: the allocation is refused, ICE fails.
  const wrong = await server(t, asterisk, { SUNLINE_TURN_URLS: turn.url, SUNLINE_TURN_SECRET: 'not-the-relay-secret-0000', SUNLINE_ICE_POLICY: 'relay' });
  await wrong.users.upsert({ username: 'agent-badturn', displayName: '县分中心小吴', role: 'agent', password: 'agent-badturn-pw' });
  const granted = turn.allocations();
  const refusedBefore = turn.authFailures();
  const bad = await browser.newPage({ locale: 'zh-CN' });
  bad.on('pageerror', (e) => errors.push(String(e)));
  await login(bad, wrong.url, 'agent-badturn', 'agent-badturn-pw');
  await bad.locator('[data-testid=softphone][data-state=failed]').waitFor({ timeout: 60_000 });
  t.match(await bad.getByTestId('softphone').textContent(), /音频连接失败/, 'the agent sees the audio failure');
  t.match(
    await bad.locator('.softphone-hint').getAttribute('title'),
    /ICE\/DTLS failed: no ICE candidate \(TURN error 401\)/,
    'with the relay refusal as the detail',
  );
  await until('coturn logged the refusal', () => (turn.authFailures() > refusedBefore ? true : undefined), 10_000).catch(() => undefined);
  t.ok(turn.authFailures() > refusedBefore, `coturn refused the wrong credentials (${turn.authFailures() - refusedBefore})`);
  t.equal(turn.allocations(), granted, 'and granted no allocation');
  const badStats = await stats(bad);
  t.same([badStats?.paths.send ?? null, badStats?.paths.recv ?? null], [null, null], 'no candidate pair was selected');
  await shot(bad, 'turn-3-wrong-secret');
  t.same(errors, [], 'no page errors');
});
