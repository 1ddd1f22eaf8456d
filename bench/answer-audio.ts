/**
 * Answer-click → audio-flowing time of the browser softphone.
 *
 *   npm run bench:answer-audio -- [--calls 10]
 *
 * A private Asterisk sandbox with dialplan/, a Sunline server with the mediasoup worker (this
 * process, loopback), headless Chromium with a fake microphone logged in as an agent, and one
 * sipp caller at a time dialling 12315 and talking (a looped µ-law tone). For each call the page
 * clicks 接听 itself and polls its own WebRTC stats every 5 ms, timing in the browser
 * (performance.now) from the click to:
 *   - first_packet: the first inbound audio RTP packet of the caller's audio (packetsReceived > 0),
 *   - first_energy: the first non-silent audio decoded (totalAudioEnergy > 0).
 * Both WebRTC transports are connected at login (the console's `media:warmup`), so call 1 is
 * reported apart only to show that it needs no handshake either. The caller is then hung up (ARI) and
 * wrap-up ends by itself (SUNLINE_WRAPUP_SECONDS=0).
 *
 * Prints one line per call, a summary, then as the last line one JSON object.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { buildApp } from '../src/app.js';
import { loadEnv } from '../src/config/env.js';
import { createLogger } from '../src/logging/logger.js';
import { asteriskAvailable, sandboxEnv, startAsterisk } from '../tools/asterisk-sandbox.js';
import { placeCall, toneFile } from '../tools/sipp.js';
import { percentile, Teardown } from './lib/run.js';

const { values: a } = parseArgs({ options: { calls: { type: 'string', default: '10' } } });
const CALLS = Math.max(1, Number(a.calls));
const CHROMIUM = process.env['SUNLINE_CHROMIUM'] ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

interface Sample {
  call: number;
  firstPacketMs: number;
  firstEnergyMs: number;
}

/** Runs in the page: click 接听, then poll the softphone's stats every 5 ms (times in ms from the click). */
const MEASURE = `(async () => {
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  const button = document.querySelector('[data-testid=answer]');
  const t0 = performance.now();
  button.click();
  let firstPacketMs = -1;
  while (performance.now() - t0 < 15000) {
    const s = window.__sunlineMedia ? await window.__sunlineMedia.stats() : null;
    const inbound = s && s.inbound;
    if (inbound && inbound.packets > 0 && firstPacketMs < 0) firstPacketMs = performance.now() - t0;
    if (inbound && inbound.totalAudioEnergy > 0) return { firstPacketMs, firstEnergyMs: performance.now() - t0 };
    await wait(5);
  }
  return { firstPacketMs, firstEnergyMs: -1 };
})()`;

async function main(): Promise<void> {
  const available = asteriskAvailable();
  if (!available.ok) throw new Error(available.reason);
  const teardown = new Teardown();
  process.once('SIGINT', () => void teardown.run().then(() => process.exit(130)));
  try {
    const asterisk = await startAsterisk();
    teardown.teardown(() => asterisk.stop());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-bench-audio-'));
    teardown.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const env = loadEnv({
      SUNLINE_DATA_DIR: dir,
      SUNLINE_LOG_LEVEL: 'silent',
      SUNLINE_CONFIG_WATCH: 'false',
      SUNLINE_WRAPUP_SECONDS: '0',
      ...sandboxEnv(asterisk),
    });
    const app = await buildApp(env, { logger: createLogger({ level: 'silent' }) });
    teardown.teardown(() => app.close());
    if (!app.media) throw new Error('the server started without media (no mediasoup worker?)');
    await app.http.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
    for (let i = 0; i < 200 && !app.calls.center?.telephonyUp(); i++) await new Promise((r) => setTimeout(r, 100));
    await app.users.upsert({ username: 'bench-agent', displayName: 'bench', role: 'agent', password: 'bench-agent-pw' });

    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    teardown.teardown(() => browser.close());
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(url);
    await page.fill('input[name=username]', 'bench-agent');
    await page.fill('input[name=password]', 'bench-agent-pw');
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('[data-testid=softphone][data-state=ready]').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: '签入' }).click();
    const tone = toneFile(dir);

    const samples: Sample[] = [];
    for (let call = 1; call <= CALLS; call++) {
      await page.locator('[data-testid=agent-state][data-state=available]').waitFor({ timeout: 20_000 });
      const sipp = placeCall({ sip: asterisk.sip, number: '12315', callerId: `1370000${String(call).padStart(4, '0')}`, holdMs: 60_000, audioFile: tone });
      teardown.teardown(() => sipp.kill());
      await page.getByTestId('answer').waitFor({ timeout: 20_000 });
      const r = (await page.evaluate(MEASURE)) as { firstPacketMs: number; firstEnergyMs: number };
      samples.push({ call, ...r });
      console.log(`call ${call}: first packet ${r.firstPacketMs.toFixed(1)} ms, first energy ${r.firstEnergyMs.toFixed(1)} ms`);
      const row = app.db.sqlite.prepare("select channel_id from calls where state = 'answered' order by rowid desc limit 1").get() as { channel_id: string };
      await app.calls.ari?.channels.hangup(row.channel_id).catch(() => undefined);
      await sipp.done;
    }

    const ok = samples.filter((s) => s.firstEnergyMs >= 0);
    const rest = ok.filter((s) => s.call > 1);
    const stat = (xs: number[]) => ({ p50: round(percentile(xs, 50) ?? NaN), p95: round(percentile(xs, 95) ?? NaN), max: round(Math.max(...xs)) });
    const summary = {
      bench: 'answer-audio',
      calls: CALLS,
      failed: CALLS - ok.length,
      first_call: samples[0] ? { first_packet_ms: round(samples[0].firstPacketMs), first_energy_ms: round(samples[0].firstEnergyMs) } : null,
      later_calls: rest.length ? { first_packet_ms: stat(rest.map((s) => s.firstPacketMs)), first_energy_ms: stat(rest.map((s) => s.firstEnergyMs)) } : null,
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', load1: round(os.loadavg()[0] ?? 0) },
    };
    console.log(
      `\n${ok.length}/${CALLS} calls with audio; first call ${summary.first_call?.first_energy_ms} ms; later calls p50 ${summary.later_calls?.first_energy_ms.p50} ms, p95 ${summary.later_calls?.first_energy_ms.p95} ms (click → non-silent audio)`,
    );
    console.log(JSON.stringify(summary));
  } finally {
    await teardown.run();
  }
}

const round = (x: number) => Math.round(x * 10) / 10;

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
