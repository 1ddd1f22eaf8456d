/**
 * Office hours at the front door against a real Asterisk + sipp, with the call path's clock
 * faked to a Saturday night: the caller hears ivr.yaml's closedPrompt (seen as Asterisk's own
 * PlaybackStarted, through an ARI observer subscribed to everything) instead of the greeting,
 * then is queued (`outsideHours: queue`) or the call ends (`hangup`) as a `closed` call with a
 * missed-call order.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import WebSocket from 'ws';
import { placeCall } from '../../tools/sipp.js';
import type { AsteriskSandbox } from '../../tools/asterisk-sandbox.js';
import type { ScreenPop } from '../../src/contract/index.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import { ari, command, consoleFor, next, sandbox, server, until } from '../helpers/call-path.js';

const CLOSED = 'sunline/survey-thanks'; // any installed sound other than the greetings
const HOLIDAY = 'sunline/survey'; // likewise, for the holiday announcement
const MENU = 'sunline/survey'; // and for the menu
const SATURDAY_NIGHT = Date.parse('2026-12-05T22:00:00+08:00');

function ivrYaml(outsideHours: 'queue' | 'hangup'): string {
  return `greeting:
  default: sunline/greeting-default
hours:
  mode: schedule
  timezone: Asia/Shanghai
  schedule:
    - days: [mon, tue, wed, thu, fri]
      from: "08:00"
      to: "20:00"
  closedPrompt: ${CLOSED}
  outsideHours: ${outsideHours}
survey:
  enabled: false
`;
}

/** Every sound Asterisk starts playing, on any channel (subscribeAll). */
async function playbacks(t: { teardown(fn: () => unknown): void }, a: AsteriskSandbox): Promise<string[]> {
  const seen: string[] = [];
  const url = `${a.ari.url.replace(/^http/, 'ws')}/ari/events?app=office-hours-observer&subscribeAll=true`;
  const ws = new WebSocket(url, { headers: { authorization: `Basic ${Buffer.from(`${a.ari.username}:${a.ari.password}`).toString('base64')}` } });
  t.teardown(() => ws.close());
  ws.on('message', (data: Buffer) => {
    const e = JSON.parse(data.toString()) as { type: string; playback?: { media_uri: string } };
    if (e.type === 'PlaybackStarted' && e.playback) seen.push(e.playback.media_uri);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return seen;
}

t.test('outside office hours: the closed prompt, then queued or ended per ivr.yaml', async (t) => {
  const asterisk = await sandbox(t);
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-hours-'));
  t.teardown(() => fs.rmSync(configDir, { recursive: true, force: true }));
  for (const f of fs.readdirSync('config')) if (f.endsWith('.yaml')) fs.copyFileSync(path.join('config', f), path.join(configDir, f));
  fs.writeFileSync(path.join(configDir, 'ivr.yaml'), ivrYaml('queue'));
  const app = await server(t, asterisk, { SUNLINE_CONFIG_DIR: configDir });
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const center = app.calls.center!;
  Object.assign(center.ctx, { now: () => SATURDAY_NIGHT }); // the call path's clock
  const seen = await playbacks(t, asterisk);
  const agent = await consoleFor(t, app, 'agent-h', 'agent');
  await command(agent.socket, 'agent:login', {});
  const sql = app.db.sqlite;
  const eventsOf = (callId: string) =>
    (sql.prepare('select type, data from call_events where call_id = ? order by id').all(callId) as { type: string; data: string | null }[]).map((r) => ({
      type: r.type,
      data: r.data === null ? null : (JSON.parse(r.data) as unknown),
    }));

  await t.test('outsideHours: queue — closed prompt instead of the greeting, then offered to the agent', async (t) => {
    seen.length = 0;
    const offered = next(agent.socket, 'call:offered', () => true, 40_000);
    const call = placeCall({ sip: asterisk.sip, number: '12345', callerId: '13900007777', holdMs: 40_000 });
    t.teardown(() => call.kill());
    const pop = (await offered) as ScreenPop;
    t.same(seen, [`sound:${CLOSED}`], 'the caller heard the closed prompt and no greeting');
    const types = eventsOf(pop.callId).map((e) => e.type);
    t.same(types.slice(0, 2), ['entered', 'closed'], 'no greeting');
    t.ok(types.includes('queued'), `then queued (${types.join(', ')})`);
    t.match(eventsOf(pop.callId)[1]?.data, { prompt: CLOSED, played: true, then: 'queue' });
    call.kill();
  });

  await t.test('outsideHours: hangup — closed prompt, then the call ends as closed with a missed-call order', async (t) => {
    fs.writeFileSync(path.join(configDir, 'ivr.yaml'), ivrYaml('hangup'));
    t.match(await app.config.reload(), { ok: true });
    t.equal(app.config.current().ivr.hours.outsideHours, 'hangup');
    seen.length = 0;
    const before = Date.now();
    const call = placeCall({ sip: asterisk.sip, number: '12345', callerId: '13900008888', holdMs: 40_000 });
    t.teardown(() => call.kill());
    const result = await call.done;
    t.ok(Date.now() - before < 25_000, `the server ended the call (${result.outcome})`);
    t.same(seen, [`sound:${CLOSED}`], 'the caller heard the closed prompt and no greeting');
    const row = await until(
      'call recorded as closed',
      () =>
        sql.prepare("select id, outcome, state from calls where caller_phone = '13900008888'").get() as
          { id: string; outcome: string; state: string } | undefined,
    );
    t.match(row, { outcome: 'closed', state: 'ended' });
    t.same(
      eventsOf(row.id).map((e) => e.type),
      ['entered', 'closed', 'hung_up'],
      'ended by us: no abandon on top',
    );
    const orderId = (sql.prepare('select id from work_orders where call_id = ?').get(row.id) as { id: number }).id;
    const order = await new WorkOrdersService(sqliteOrdersStoreOn(app.db.db)).get(orderId);
    t.equal(order.status, 'missed_call', 'a missed-call order: someone calls back');
  });

  await t.test('holidays.mode: announce — on 国庆节 the holiday prompt, then the greeting', async (t) => {
    fs.writeFileSync(
      path.join(configDir, 'ivr.yaml'),
      `greeting:\n  default: sunline/greeting-default\nholidays:\n  mode: announce\n  prompt: ${HOLIDAY}\nsurvey:\n  enabled: false\n`,
    );
    t.match(await app.config.reload(), { ok: true });
    Object.assign(center.ctx, { now: () => Date.parse('2026-10-01T03:00:00+08:00') });
    seen.length = 0;
    const call = placeCall({ sip: asterisk.sip, number: '12315', callerId: '13900009999', holdMs: 40_000 });
    t.teardown(() => call.kill());
    const row = await until(
      'call greeted',
      () => {
        const c = sql.prepare("select id from calls where caller_phone = '13900009999'").get() as { id: string } | undefined;
        return c && eventsOf(c.id).some((e) => e.type === 'greeted') ? c : undefined;
      },
      30_000,
    );
    t.same(seen, [`sound:${HOLIDAY}`, 'sound:sunline/greeting-12315'], 'the holiday announcement, then the hotline greeting');
    t.match(eventsOf(row.id).find((e) => e.type === 'greeted')?.data, { played: true, announced: [HOLIDAY] });
    call.kill();
  });

  /** The earlier callers (their sipp killed) are hung up, so that the agent is free again. */
  async function hangUpAll(): Promise<void> {
    for (const ch of await ari<{ id: string }[]>(asterisk, 'GET', '/channels')) await ari(asterisk, 'DELETE', `/channels/${ch.id}`).catch(() => undefined);
    await until('the agent free again', () => center.ctx.live.all().length === 0 || undefined, 20_000);
  }

  await t.test('menu: a listed key (DTMF from sipp) routes the call as that number', async (t) => {
    fs.writeFileSync(
      path.join(configDir, 'ivr.yaml'),
      `greeting:\n  default: sunline/greeting-default\nsurvey:\n  enabled: false\nmenu:\n  prompt: ${MENU}\n  timeoutSeconds: 5\n  options:\n    - { digit: 2, number: "12333" }\n`,
    );
    t.match(await app.config.reload(), { ok: true });
    await hangUpAll();
    seen.length = 0;
    const offered = next(agent.socket, 'call:offered', (p) => p.callerNumber === '13900006666', 60_000);
    const call = placeCall({ sip: asterisk.sip, number: '12345', callerId: '13900006666', holdMs: 50_000, dtmf: { digit: '2', afterMs: 6000, everyMs: 2000 } });
    t.teardown(() => call.kill());
    const pop = (await offered) as ScreenPop;
    t.equal(pop.hotline.number, '12333', 'offered as a 12333 call');
    t.same(seen.slice(0, 2), ['sound:sunline/greeting-12345', `sound:${MENU}`], 'the greeting of the number dialled, then the menu');
    t.match(eventsOf(pop.callId).find((e) => e.type === 'menu')?.data, { digit: '2', hotline: '12333' });
    t.match(sql.prepare('select dialled_number, hotline from calls where id = ?').get(pop.callId), { dialled_number: '12345', hotline: '12333' });
    call.kill();
  });

  await t.test('menu: a key during the greeting (type-ahead) stops it and is the choice, without the menu prompt', async (t) => {
    await hangUpAll();
    seen.length = 0;
    const offered = next(agent.socket, 'call:offered', (p) => p.callerNumber === '13900007777', 60_000);
    // The greeting of 12345 lasts 4.3 s; the key comes 1.5 s after the answer (and not again).
    const call = placeCall({
      sip: asterisk.sip,
      number: '12345',
      callerId: '13900007777',
      holdMs: 50_000,
      dtmf: { digit: '2', afterMs: 1500, everyMs: 60_000 },
    });
    t.teardown(() => call.kill());
    const pop = (await offered) as ScreenPop;
    t.equal(pop.hotline.number, '12333', 'offered as a 12333 call');
    t.same(seen, ['sound:sunline/greeting-12345'], 'the greeting only: the menu prompt is skipped');
    t.match(eventsOf(pop.callId).find((e) => e.type === 'greeted')?.data, { played: true, typeAhead: true });
    t.match(eventsOf(pop.callId).find((e) => e.type === 'menu')?.data, { digit: '2', hotline: '12333' });
    call.kill();
  });

  await t.test('menu: no key within timeoutSeconds — the number dialled', async (t) => {
    await hangUpAll();
    seen.length = 0;
    const offered = next(agent.socket, 'call:offered', (p) => p.callerNumber === '13900005555', 60_000);
    const call = placeCall({ sip: asterisk.sip, number: '12345', callerId: '13900005555', holdMs: 50_000 });
    t.teardown(() => call.kill());
    const pop = (await offered) as ScreenPop;
    t.equal(pop.hotline.number, '12345');
    t.same(seen.slice(0, 2), ['sound:sunline/greeting-12345', `sound:${MENU}`]);
    t.notOk(
      eventsOf(pop.callId).some((e) => e.type === 'menu'),
      'no choice recorded',
    );
    call.kill();
  });
});
