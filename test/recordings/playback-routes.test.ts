/**
 * GET /api/recordings and /api/recordings/:id through the real app: who hears which recording
 * (agents their own calls, leads and admins all, dispatchers their scope, unit handlers their
 * unit's orders only when recording.yaml allows, citizens never), byte ranges (206, 416), and
 * one append-only audit row per request that sends bytes and per recording a list shows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import t from 'tap';
import type { Sunline } from '../../src/app.js';
import { recordingKey } from '../../src/recordings/storage.js';
import { wavHeader } from '../../src/recordings/wav.js';
import { appQuery, failInserts } from '../helpers/app-database.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { callWithOrder, userId } from './fixture.js';

type Test = { teardown(fn: () => unknown): void };

async function appWith(t: Test, recordingYaml?: string): Promise<Sunline> {
  if (recordingYaml === undefined) return testApp(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-cfg-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync('config', dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'recording.yaml'), recordingYaml);
  return testApp(t, { env: { SUNLINE_CONFIG_DIR: dir } });
}

/** A stored 1-second recording of a call answered by `agentId`, on an order with `leadUnitId`. */
async function stored(app: Sunline, agentId: number, leadUnitId: string | null = null, startedAt = Date.now()) {
  const { callId, orderId } = await callWithOrder(app, { agentId, state: 'ended', leadUnitId, status: leadUnitId ? 'dispatched' : 'draft' });
  const id = `rec-${callId}`;
  const audio = Buffer.concat([wavHeader(8000 * 4), Buffer.alloc(8000 * 4, 7)]);
  const key = recordingKey(id, startedAt);
  const put = await app.recordings.storage.put(key, Readable.from([audio]));
  await appQuery(
    app,
    `insert into recordings (id, call_id, order_id, agent_id, hotline, state, channel_id, spool_file, channels, started_at, stored_at, duration_ms, size_bytes, sha256, storage_key)
     values (?, ?, ?, ?, '12345', 'stored', 'ch', 'sunline/x.raw', 2, ?, ?, 1000, ?, ?, ?)`,
    [id, callId, orderId, agentId, startedAt, startedAt, put.size, put.sha256, key],
  );
  await appQuery(app, `insert into call_events (call_id, type, at) values (?, 'held', ?), (?, 'resumed', ?)`, [
    callId,
    startedAt + 200,
    callId,
    startedAt + 700,
  ]);
  return { id, callId, orderId, audio };
}

const audit = (app: Sunline, id: string) => appQuery(app, 'select actor_id, action, range from recording_audit where recording_id = ? order by id', [id]);

t.test('ranges: 206 with Content-Range, the whole file, 416 outside it; each request audited', async (t) => {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'ag1', 'agent');
  const rec = await stored(app, await userId(app, 'ag1'));
  const url = `/api/recordings/${rec.id}`;

  const part = await app.http.inject({ url, cookies: agent, headers: { range: 'bytes=44-1043' } });
  t.equal(part.statusCode, 206);
  t.equal(part.headers['content-range'], `bytes 44-1043/${rec.audio.length}`);
  t.equal(part.headers['accept-ranges'], 'bytes');
  t.equal(part.headers['content-type'], 'audio/wav');
  t.same(part.rawPayload, rec.audio.subarray(44, 1044));
  const whole = await app.http.inject({ url, cookies: agent });
  t.equal(whole.statusCode, 200);
  t.equal(whole.headers['content-length'], String(rec.audio.length));
  t.same(whole.rawPayload, rec.audio);
  const dl = await app.http.inject({ url: `${url}?download=1`, cookies: agent });
  t.match(dl.headers['content-disposition'], /^attachment; filename="recording-/);
  const bad = await app.http.inject({ url, cookies: agent, headers: { range: `bytes=${rec.audio.length}-` } });
  t.equal(bad.statusCode, 416);
  t.equal(bad.headers['content-range'], `bytes */${rec.audio.length}`);
  t.equal(bad.json().error.code, 'RANGE_NOT_SATISFIABLE');

  const me = await userId(app, 'ag1');
  t.same(
    await audit(app, rec.id),
    [
      { actor_id: me, action: 'play', range: 'bytes=44-1043' },
      { actor_id: me, action: 'play', range: null },
      { actor_id: me, action: 'download', range: null },
    ],
    'each request that sent bytes, once; the refused range changed nothing',
  );
});

t.test('the list of a call or an order, with hold marks, filtered by scope', async (t) => {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'ag1', 'agent');
  const other = await loginCookies(app, 'ag2', 'agent');
  const lead = await loginCookies(app, 'lead', 'shift_lead');
  const rec = await stored(app, await userId(app, 'ag1'));
  const mine = await app.http.inject({ url: `/api/recordings?orderId=${rec.orderId}`, cookies: agent });
  t.equal(mine.statusCode, 200);
  t.same(
    mine.json().items.map((r: { id: string; holds: unknown; state: string }) => [r.id, r.state, r.holds]),
    [[rec.id, 'stored', [{ fromMs: 200, toMs: 700 }]]],
  );
  t.same((await app.http.inject({ url: `/api/recordings?callId=${rec.callId}`, cookies: other })).json().items, [], "another agent's list is empty");
  t.equal((await app.http.inject({ url: `/api/recordings?callId=${rec.callId}`, cookies: lead })).json().items.length, 1);
  const neither = await app.http.inject({ url: '/api/recordings', cookies: lead });
  t.equal(neither.statusCode, 400, 'callId or orderId is required');
  const both = await app.http.inject({ url: `/api/recordings?callId=x&orderId=1`, cookies: lead });
  t.equal(both.statusCode, 400);
});

t.test('scope: own calls for agents, all for leads, admins and city dispatchers; units only when allowed; citizens never', async (t) => {
  const app = await testApp(t);
  const cookies = {
    agent: await loginCookies(app, 'ag1', 'agent'),
    other: await loginCookies(app, 'ag2', 'agent'),
    lead: await loginCookies(app, 'lead', 'shift_lead'),
    admin: await loginCookies(app, 'adm', 'admin'),
    dispatcher: await loginCookies(app, 'disp', 'dispatcher'),
    unit: await loginCookies(app, 'unit', 'unit_handler', { unitId: 'city-hrss' }),
    citizen: await loginCookies(app, 'cit', 'citizen'),
  };
  const rec = await stored(app, await userId(app, 'ag1'), 'city-hrss');
  const status = async (who: keyof typeof cookies) => (await app.http.inject({ url: `/api/recordings/${rec.id}`, cookies: cookies[who] })).statusCode;
  t.same(
    {
      agent: await status('agent'),
      other: await status('other'),
      lead: await status('lead'),
      admin: await status('admin'),
      dispatcher: await status('dispatcher'),
      unit: await status('unit'),
      citizen: await status('citizen'),
    },
    { agent: 200, other: 404, lead: 200, admin: 200, dispatcher: 200, unit: 404, citizen: 403 },
  );
  t.equal((await audit(app, rec.id)).length, 4, 'only the playbacks given are audited');
  t.equal((await app.http.inject({ url: '/api/recordings/nope', cookies: cookies.lead })).statusCode, 404);
});

t.test('unit handlers hear the recordings of orders dispatched to their unit when recording.yaml allows', async (t) => {
  const app = await appWith(t, 'unitHandlersMayPlay: true\n');
  await loginCookies(app, 'ag1', 'agent');
  const unit = await loginCookies(app, 'unit', 'unit_handler', { unitId: 'city-hrss' });
  const elsewhere = await loginCookies(app, 'unit2', 'unit_handler', { unitId: 'city-12345' });
  const theirs = await stored(app, await userId(app, 'ag1'), 'city-hrss');
  const notTheirs = await stored(app, await userId(app, 'ag1'), null);
  t.equal((await app.http.inject({ url: `/api/recordings/${theirs.id}`, cookies: unit })).statusCode, 200);
  t.equal((await app.http.inject({ url: `/api/recordings/${notTheirs.id}`, cookies: unit })).statusCode, 404, 'an order not with the unit');
  t.equal((await app.http.inject({ url: `/api/recordings/${theirs.id}`, cookies: elsewhere })).statusCode, 404, "another unit's handler");
});

t.test("a confidential reporter's voice stays hidden from those who may not see the reporter: units and county dispatchers", async (t) => {
  const app = await appWith(t, 'unitHandlersMayPlay: true\n');
  await loginCookies(app, 'ag1', 'agent');
  const unit = await loginCookies(app, 'unit', 'unit_handler', { unitId: 'dq-amr' });
  const county = await loginCookies(app, 'county', 'dispatcher', { unitId: 'dq-12345' });
  const city = await loginCookies(app, 'city', 'dispatcher');
  const lead = await loginCookies(app, 'lead', 'shift_lead');
  const open = await stored(app, await userId(app, 'ag1'), 'dq-amr');
  const secret = await stored(app, await userId(app, 'ag1'), 'dq-amr');
  await appQuery(app, 'update work_orders set confidential = ? where id = ?', [app.database.dialect === 'postgres' ? true : 1, secret.orderId]);
  const status = async (id: string, cookies: { sunline_session: string }) => (await app.http.inject({ url: `/api/recordings/${id}`, cookies })).statusCode;
  const listed = async (orderId: number, cookies: { sunline_session: string }) =>
    ((await app.http.inject({ url: `/api/recordings?orderId=${orderId}`, cookies })).json() as { items: unknown[] }).items.length;
  t.same([await status(open.id, unit), await status(open.id, county)], [200, 200], 'an open order: the unit and the county hear it');
  t.same([await status(secret.id, unit), await status(secret.id, county)], [404, 404], 'a confidential one: as if there were none');
  t.same([await listed(secret.orderId, unit), await listed(secret.orderId, county)], [0, 0], 'nor listed');
  t.same([await status(secret.id, city), await status(secret.id, lead)], [200, 200], 'the city desk and the platform hear it');
  t.equal((await audit(app, secret.id)).length, 2, 'the refusals wrote no audit row; the two playbacks did');
});

t.test('a recording being written is 409, a purged one 410', async (t) => {
  const app = await testApp(t);
  const lead = await loginCookies(app, 'lead', 'shift_lead');
  await loginCookies(app, 'ag1', 'agent');
  const rec = await stored(app, await userId(app, 'ag1'));
  await appQuery(app, `update recordings set state = 'recording' where id = ?`, [rec.id]);
  t.equal((await app.http.inject({ url: `/api/recordings/${rec.id}`, cookies: lead })).json().error.code, 'RECORDING_NOT_READY');
  await appQuery(app, `update recordings set state = 'purged' where id = ?`, [rec.id]);
  const gone = await app.http.inject({ url: `/api/recordings/${rec.id}`, cookies: lead });
  t.same([gone.statusCode, gone.json().error.code], [410, 'RECORDING_PURGED']);
});

t.test("administrators read a recording's audit log; nobody else does", async (t) => {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'ag1', 'agent');
  const lead = await loginCookies(app, 'lead', 'shift_lead');
  const admin = await loginCookies(app, 'adm', 'admin');
  const rec = await stored(app, await userId(app, 'ag1'));
  await app.http.inject({ url: `/api/recordings/${rec.id}`, cookies: agent, headers: { range: 'bytes=0-9' } });
  const res = await app.http.inject({ url: `/api/recordings/${rec.id}/audit`, cookies: admin });
  t.equal(res.statusCode, 200);
  t.match(res.json().items, [{ actorId: await userId(app, 'ag1'), action: 'play', range: 'bytes=0-9', details: { role: 'agent', status: 206 } }]);
  t.equal((await app.http.inject({ url: `/api/recordings/${rec.id}/audit`, cookies: lead })).statusCode, 403);
  t.equal((await app.http.inject({ url: `/api/recordings/nope/audit`, cookies: admin })).json().error.code, 'RECORDING_NOT_FOUND');
});

/** The `list` audit rows, oldest first, alike on both dialects (details: JSON text on SQLite, jsonb on PostgreSQL). */
async function listRows(app: Sunline) {
  const rows = await appQuery<{ actor_id: number; recording_id: string; range: string | null; details: unknown }>(
    app,
    `select actor_id, recording_id, range, details from recording_audit where action = 'list' order by id`,
  );
  return rows.map((r) => ({ ...r, details: typeof r.details === 'string' ? (JSON.parse(r.details) as unknown) : r.details }));
}

t.test('each list writes one list row per recording it shows, before answering; an empty or refused list writes nothing', async (t) => {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'ag1', 'agent');
  const other = await loginCookies(app, 'ag2', 'agent');
  const lead = await loginCookies(app, 'lead', 'shift_lead');
  const admin = await loginCookies(app, 'adm', 'admin');
  const citizen = await loginCookies(app, 'cit', 'citizen');
  const [ag1, leadId] = [await userId(app, 'ag1'), await userId(app, 'lead')];
  const rec = await stored(app, ag1);
  // A second recording of the same call and order (one that failed: a list shows it too).
  const second = `${rec.id}-2`;
  await appQuery(
    app,
    `insert into recordings (id, call_id, order_id, agent_id, hotline, state, channel_id, spool_file, channels, started_at)
     values (?, ?, ?, ?, '12345', 'failed', 'ch', 'sunline/y.raw', 2, ?)`,
    [second, rec.callId, rec.orderId, ag1, Date.now() + 1000],
  );
  const get = (url: string, cookies: { sunline_session: string }) => app.http.inject({ url, cookies });
  const ids = async (url: string, cookies: { sunline_session: string }) => {
    const res = await get(url, cookies);
    t.equal(res.statusCode, 200, url);
    return (res.json() as { items: Array<{ id: string }> }).items.map((r) => r.id);
  };

  t.same(await ids(`/api/recordings?callId=${rec.callId}`, lead), [rec.id, second]);
  t.same(await ids(`/api/recordings?orderId=${rec.orderId}`, lead), [rec.id, second]);
  const byLead = [
    { actor_id: leadId, recording_id: rec.id, range: null, details: { role: 'shift_lead', list: 'call', callId: rec.callId } },
    { actor_id: leadId, recording_id: second, range: null, details: { role: 'shift_lead', list: 'call', callId: rec.callId } },
    { actor_id: leadId, recording_id: rec.id, range: null, details: { role: 'shift_lead', list: 'order', orderId: rec.orderId } },
    { actor_id: leadId, recording_id: second, range: null, details: { role: 'shift_lead', list: 'order', orderId: rec.orderId } },
  ];
  t.same(await listRows(app), byLead, "a shift lead's lists by call and by order: one row per recording shown");

  t.same(await ids(`/api/recordings?callId=${rec.callId}`, other), [], "another agent's list of the call is empty");
  t.same(await ids('/api/recordings?callId=no-such-call', lead), [], 'a call without recordings');
  t.same(await ids('/api/recordings/mine', other), [], 'an agent without recordings');
  const refused = [
    (await get(`/api/recordings?callId=${rec.callId}`, citizen)).statusCode,
    (await get('/api/recordings', lead)).statusCode,
    (await get(`/api/recordings?orderId=${2 ** 31}`, lead)).statusCode,
    (await get('/api/recordings/mine', lead)).statusCode,
    (await get('/api/recordings/mine?limit=0', agent)).statusCode,
  ];
  t.same(refused, [403, 400, 400, 403, 400]);
  t.same(await listRows(app), byLead, 'the empty and the refused lists wrote nothing');

  t.same(await ids('/api/recordings/mine', agent), [second, rec.id], "the agent's own, newest first");
  const mine = [second, rec.id].map((id) => ({ actor_id: ag1, recording_id: id, range: null, details: { role: 'agent', list: 'mine' } }));
  t.same((await listRows(app)).slice(byLead.length), mine, "the agent's /mine: one row per recording shown");

  const log = await get(`/api/recordings/${rec.id}/audit`, admin);
  t.equal(log.statusCode, 200);
  t.same(
    (log.json() as { items: Array<{ actorId: number; action: string; range: string | null; details: unknown }> }).items.map((a) => [
      a.actorId,
      a.action,
      a.range,
      a.details,
    ]),
    [
      [leadId, 'list', null, { role: 'shift_lead', list: 'call', callId: rec.callId }],
      [leadId, 'list', null, { role: 'shift_lead', list: 'order', orderId: rec.orderId }],
      [ag1, 'list', null, { role: 'agent', list: 'mine' }],
    ],
    "the administrator's audit log shows the lists",
  );
});

t.test('a list whose audit cannot be written fails and shows nothing', async (t) => {
  const app = await testApp(t);
  const agent = await loginCookies(app, 'ag1', 'agent');
  const lead = await loginCookies(app, 'lead', 'shift_lead');
  const rec = await stored(app, await userId(app, 'ag1'));
  await failInserts(app, 'recording_audit', 'audit unavailable');
  const byCall = await app.http.inject({ url: `/api/recordings?callId=${rec.callId}`, cookies: lead });
  const mine = await app.http.inject({ url: '/api/recordings/mine', cookies: agent });
  t.same([byCall.statusCode, mine.statusCode], [500, 500]);
  t.notMatch(byCall.body + mine.body, rec.id, 'the recording is not shown');
  t.same(await listRows(app), [], 'nor audited');
});
