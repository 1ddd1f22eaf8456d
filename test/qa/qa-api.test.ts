/**
 * Quality inspection through the real app and a real database (SQLite, or PostgreSQL in the PostgreSQL pass; issue 13 item 4): the worklist
 * (a random sample per agent per day plus every unsatisfied call, the same at every read), who
 * reaches what (qa: the worklist's calls and their recordings only; shift leads all; agents their
 * own scores; unit handlers and dispatchers nothing), scoring against qa.yaml (coded 4xx that
 * change nothing), revisions, and the weekly figures on the reports API.
 */
import { Readable } from 'node:stream';
import t from 'tap';
import type { Sunline } from '../../src/app.js';
import { DAY_MS } from '../../src/lib/shanghai-time.js';
import { dateOf, dateStart } from '../../src/reports/period.js';
import { recordingKey } from '../../src/recordings/storage.js';
import { wavHeader } from '../../src/recordings/wav.js';
import { appQuery } from '../helpers/app-database.js';
import { loginCookies, testApp } from '../helpers/app.js';

type Cookies = { sunline_session: string };
let n = 0;

/** An ended inbound call entered at `at`, answered by `agentId` (null: abandoned), with its order. */
async function call(app: Sunline, agentId: number | null, at: number): Promise<{ callId: string; orderId: number }> {
  n++;
  const callId = `qa-call-${n}`;
  await appQuery(
    app,
    `insert into calls (id, channel_id, caller_phone, dialled_number, hotline, state, agent_id, entered_at, answered_at, ended_at, outcome)
     values (?, ?, '13800138000', '12345', '12345', 'ended', ?, ?, ?, ?, ?)`,
    [callId, `ch-${n}`, agentId, at, agentId === null ? null : at + 5000, at + 60_000, agentId === null ? 'abandoned' : 'answered'],
  );
  const [order] = await appQuery<{ id: number }>(
    app,
    `insert into work_orders (number, channel, call_id, status, subject, content, co_unit_ids, created_at, updated_at)
     values (?, '12345', ?, 'answered_on_spot', '噪音投诉', '夜间施工噪音', '[]', ?, ?) returning id`,
    [`HZ-QA-${String(n).padStart(6, '0')}`, callId, at, at],
  );
  return { callId, orderId: order!.id };
}

async function storedRecording(app: Sunline, callId: string, orderId: number, agentId: number) {
  const id = `rec-${callId}`;
  const audio = Buffer.concat([wavHeader(8000), Buffer.alloc(8000, 3)]);
  const key = recordingKey(id, Date.now());
  const put = await app.recordings.storage.put(key, Readable.from([audio]));
  await appQuery(
    app,
    `insert into recordings (id, call_id, order_id, agent_id, hotline, state, channel_id, spool_file, channels, started_at, stored_at, duration_ms, size_bytes, sha256, storage_key)
     values (?, ?, ?, ?, '12345', 'stored', 'ch', 'sunline/x.raw', 2, ?, ?, 1000, ?, ?, ?)`,
    [id, callId, orderId, agentId, Date.now(), Date.now(), put.size, put.sha256, key],
  );
  return id;
}

const userId = async (app: Sunline, username: string) => (await appQuery<{ id: number }>(app, 'select id from users where username = ?', [username]))[0]!.id;
/** count(*) is a string on PostgreSQL. */
const count = async (app: Sunline, table: string) => Number((await appQuery<{ n: number | string }>(app, `select count(*) as n from ${table}`))[0]!.n);

t.test('worklist, scopes, scoring, revisions, own scores and weekly figures', async (t) => {
  const app = await testApp(t);
  const qa1 = await loginCookies(app, 'qa1', 'qa');
  const qa2 = await loginCookies(app, 'qa2', 'qa');
  const lead = await loginCookies(app, 'lead1', 'shift_lead');
  const admin = await loginCookies(app, 'admin1', 'admin');
  const ag1 = await loginCookies(app, 'ag1', 'agent');
  const ag2 = await loginCookies(app, 'ag2', 'agent');
  const unit = await loginCookies(app, 'u1', 'unit_handler', { unitId: 'hz-hrss' });
  const disp = await loginCookies(app, 'd1', 'dispatcher');
  const [a1, a2] = [await userId(app, 'ag1'), await userId(app, 'ag2')];
  const get = (url: string, cookies: Cookies) => app.http.inject({ url, cookies });

  // Two days ago (a day over for sure, whatever the hour): 5 calls of ag1, 3 of ag2, one abandoned.
  const day = dateStart(dateOf(Date.now()))! - 2 * DAY_MS;
  const ag1Calls = [];
  for (const i of [1, 2, 3, 4, 5]) ag1Calls.push(await call(app, a1, day + i * 3_600_000));
  const ag2Calls = [];
  for (const i of [1, 2, 3]) ag2Calls.push(await call(app, a2, day + i * 3_600_000 + 60_000));
  await call(app, null, day + 7 * 3_600_000);
  // Three days ago ag2's caller rated the call 不满意.
  const unhappy = await call(app, a2, day - DAY_MS + 3_600_000);
  await appQuery(app, `insert into call_events (call_id, type, at, data) values (?, 'survey', ?, '{"result":"unsatisfied"}')`, [
    unhappy.callId,
    day - DAY_MS + 3_700_000,
  ]);

  // ---- the worklist: 2 per agent per day (shipped qa.yaml) + the unsatisfied call, the same twice
  for (const who of [ag1, unit, disp]) t.equal((await get('/api/qa/worklist', who)).statusCode, 403, 'agents, units, dispatchers: no worklist');
  t.equal((await app.http.inject({ url: '/api/qa/worklist' })).statusCode, 401);
  const first = (await get('/api/qa/worklist', qa1)).json<{ items: Array<{ callId: string; agentId: number; reason: string; day: string }> }>().items;
  t.equal(first.length, 5);
  t.same(
    first.filter((i) => i.reason === 'unsatisfied').map((i) => i.callId),
    [unhappy.callId],
  );
  t.equal(first.filter((i) => i.agentId === a1).length, 2);
  t.equal(first.filter((i) => i.agentId === a2 && i.reason === 'random').length, 2);
  const again = (await get('/api/qa/worklist', lead)).json<{ items: Array<{ callId: string }> }>().items;
  t.same(again.map((i) => i.callId).sort(), first.map((i) => i.callId).sort(), 'the same calls at the next read');
  t.equal(await count(app, 'qa_samples'), 5, 'each drawn once');

  const sampled = first.find((i) => i.agentId === a1)!.callId;
  const sampledCall = ag1Calls.find((c) => c.callId === sampled)!;
  const notSampled = ag1Calls.find((c) => !first.some((i) => i.callId === c.callId))!;

  // ---- a QA inspector reaches only the worklist's calls and their recordings
  const seen = await get(`/api/qa/calls/${sampled}`, qa1);
  t.equal(seen.statusCode, 200);
  t.match(seen.json(), {
    call: { callId: sampled, agentId: a1 },
    order: { id: sampledCall.orderId, subject: '噪音投诉' },
    sample: { reason: 'random' },
    scores: [],
  });
  t.notMatch(JSON.stringify(seen.json()), /13800138000/, 'no caller number');
  t.equal((await get(`/api/qa/calls/${notSampled.callId}`, qa1)).json().error.code, 'QA_CALL_NOT_FOUND');
  t.equal((await get(`/api/qa/calls/${notSampled.callId}`, lead)).statusCode, 200, 'a shift lead reaches any call');
  const recSampled = await storedRecording(app, sampled, sampledCall.orderId, a1);
  const recOther = await storedRecording(app, notSampled.callId, notSampled.orderId, a1);
  t.equal((await get(`/api/recordings?callId=${sampled}`, qa1)).json().items.length, 1);
  t.equal((await get(`/api/recordings?callId=${notSampled.callId}`, qa1)).json().items.length, 0);
  t.equal((await get(`/api/recordings/${recOther}`, qa1)).statusCode, 404, 'not on the worklist: as if absent');
  t.equal((await get(`/api/recordings/${recSampled}`, qa1)).statusCode, 200);
  t.same(await appQuery(app, 'select actor_id, action from recording_audit where recording_id = ? order by id', [recSampled]), [
    { actor_id: await userId(app, 'qa1'), action: 'list' },
    { actor_id: await userId(app, 'qa1'), action: 'play' },
  ]);
  t.equal((await app.http.inject({ method: 'GET', url: `/api/workorders/${sampledCall.orderId}`, cookies: qa1 })).statusCode, 403, 'no order API for qa');
  t.equal(
    (await app.http.inject({ method: 'POST', url: `/api/workorders/${sampledCall.orderId}/actions`, cookies: qa1, payload: { type: 'close' } })).statusCode,
    403,
    'no order actions for qa',
  );

  // ---- scoring against the form
  const form = (await get('/api/qa/form', ag1)).json<{ version: string; items: Array<{ id: string; maxPoints: number; fatal: boolean }>; max: number }>();
  t.equal(form.max, 100);
  const full = Object.fromEntries(form.items.filter((i) => i.maxPoints > 0).map((i) => [i.id, i.maxPoints]));
  const redLine = form.items.find((i) => i.fatal)!.id;
  const post = (callId: string, cookies: Cookies, payload: object) =>
    app.http.inject({ method: 'POST', url: `/api/qa/calls/${callId}/score`, cookies, payload });
  const bad = await post(sampled, qa1, { points: { ...full, greeting: 11, nope: 1 }, formVersion: form.version });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().error.code, 'QA_SCORE_INVALID');
  t.same(bad.json().error.details.problems, ['points.nope: no such item in the form', 'points.greeting: must be a whole number from 0 to 10, got 11']);
  t.equal((await post(sampled, qa1, { points: full, formVersion: 'old' })).json().error.code, 'QA_FORM_CHANGED');
  t.equal((await post(sampled, ag1, { points: full, formVersion: form.version })).statusCode, 403, 'agents do not score');
  t.equal((await post(sampled, admin, { points: full, formVersion: form.version })).statusCode, 403, 'administrators read only');
  t.equal(await count(app, 'qa_scores'), 0, 'refusals write nothing');
  const ok = await post(sampled, qa1, { points: { ...full, greeting: 8 }, comment: '开头语不完整', formVersion: form.version });
  t.equal(ok.statusCode, 201);
  t.match(ok.json(), {
    callId: sampled,
    revision: 1,
    total: 98,
    fatal: false,
    agentId: a1,
    scorerId: await userId(app, 'qa1'),
    orderId: sampledCall.orderId,
    recordingId: recSampled,
    formVersion: form.version,
  });
  t.equal((await post(sampled, qa2, { points: full, formVersion: form.version })).json().error.code, 'QA_ALREADY_SCORED');
  t.notOk(
    (await get('/api/qa/worklist', qa1)).json<{ items: Array<{ callId: string }> }>().items.some((i) => i.callId === sampled),
    'a scored call leaves the worklist',
  );
  t.equal((await get(`/api/qa/calls/${sampled}`, qa2)).statusCode, 200, 'still reachable once scored');
  const fatal = await post(unhappy.callId, qa2, { points: full, fatalErrors: [redLine], comment: '泄露个人信息', formVersion: form.version });
  t.match(fatal.json(), { total: 0, fatal: true, fatalErrors: [redLine] });
  t.equal((await post(notSampled.callId, qa1, { points: full, formVersion: form.version })).json().error.code, 'QA_CALL_NOT_FOUND');
  const byLead = await post(ag2Calls[0]!.callId, lead, { points: full, formVersion: form.version });
  t.equal(byLead.statusCode, 201, 'a shift lead scores any answered call');

  // ---- revisions: own score or a shift lead's; based on the current revision
  const put = (cookies: Cookies, payload: object) => app.http.inject({ method: 'PUT', url: `/api/qa/calls/${sampled}/score`, cookies, payload });
  const edit = { points: full, comment: '复核后满分', formVersion: form.version };
  t.equal((await put(qa2, { ...edit, basedOn: 1 })).json().error.code, 'QA_NOT_YOUR_SCORE');
  t.equal((await put(qa1, { ...edit, basedOn: 2 })).json().error.code, 'QA_STALE_EDIT');
  t.match((await put(qa1, { ...edit, basedOn: 1 })).json(), { revision: 2, total: 100 });
  t.match((await put(lead, { ...edit, comment: '值班长复核', basedOn: 2 })).json(), { revision: 3, scorerId: await userId(app, 'lead1') });
  t.same(
    (await get(`/api/qa/calls/${sampled}`, qa1)).json<{ scores: Array<{ revision: number; total: number }> }>().scores.map((s) => [s.revision, s.total]),
    [
      [1, 98],
      [2, 100],
      [3, 100],
    ],
    'every revision kept',
  );

  // ---- agents see their own current scores and comments; nobody else's
  const mine1 = (await get('/api/qa/my-scores', ag1)).json<{ items: Array<{ callId: string; comment: string; revision: number }> }>().items;
  t.same(
    mine1.map((s) => [s.callId, s.revision, s.comment]),
    [[sampled, 3, '值班长复核']],
  );
  const mine2 = (await get('/api/qa/my-scores', ag2)).json<{ items: Array<{ callId: string; total: number }> }>().items;
  t.same(mine2.map((s) => s.callId).sort(), [unhappy.callId, ag2Calls[0]!.callId].sort());
  for (const who of [qa1, unit]) t.equal((await get('/api/qa/my-scores', who)).statusCode, 403, 'my-scores is for agents');
  t.equal((await get('/api/qa/scores', ag1)).statusCode, 403);
  const adminRead = await get(`/api/qa/scores?agentId=${a2}`, admin);
  t.equal(adminRead.json().items?.length, 2, adminRead.body);

  // ---- the weekly figures (the week of `day`; the unhappy call may fall in the week before)
  const week = await get(`/api/reports/qa?period=week&date=${dateOf(day)}`, lead);
  t.equal(week.statusCode, 200);
  const rows = week.json<{ rows: Array<{ agentId: number; sampled: number; scored: number; averageScore: number | null; fatalCount: number }> }>().rows;
  t.match(
    rows.find((r) => r.agentId === a1),
    { sampled: 2, scored: 1, averageScore: 100, fatalCount: 0 },
  );
  t.match(
    rows.filter((r) => r.agentId === a2).reduce((s, r) => s + r.scored, 0),
    dateOf(day - DAY_MS) < week.json().period.from ? 1 : 2,
  );
  for (const who of [unit, disp, ag1]) t.equal((await get('/api/reports/qa', who)).statusCode, 403);
  t.equal((await get('/api/reports/qa?period=week&date=2026-02-30', qa1)).json().error.code, 'PERIOD_INVALID');
});

t.test('administrators create QA accounts (API and CSV)', async (t) => {
  const app = await testApp(t);
  const admin = await loginCookies(app, 'admin1', 'admin');
  const one = await app.http.inject({
    method: 'POST',
    url: '/api/admin/users',
    cookies: admin,
    payload: { username: 'qa9', displayName: '质检九', role: 'qa' },
  });
  t.equal(one.statusCode, 201);
  t.equal(one.json().user?.role ?? one.json().role, 'qa');
  const csv = await app.http.inject({
    method: 'POST',
    url: '/api/admin/users/import',
    cookies: admin,
    payload: { csv: 'username,displayName,role\nqa10,质检十,qa\n' },
  });
  t.equal(csv.statusCode, 201);
  t.equal(csv.json().created[0].user.role, 'qa');
});

t.test('an agent lists the recordings of their own calls, newest first; nobody else uses that list', async (t) => {
  const app = await testApp(t);
  const ag1 = await loginCookies(app, 'ag1', 'agent');
  await loginCookies(app, 'ag2', 'agent');
  const qa = await loginCookies(app, 'qa1', 'qa');
  const lead = await loginCookies(app, 'lead1', 'shift_lead');
  const [a1, a2] = [await userId(app, 'ag1'), await userId(app, 'ag2')];
  const older = await call(app, a1, Date.now() - 2 * DAY_MS);
  const newer = await call(app, a1, Date.now() - DAY_MS);
  const other = await call(app, a2, Date.now() - DAY_MS);
  const ids = [await storedRecording(app, older.callId, older.orderId, a1), await storedRecording(app, newer.callId, newer.orderId, a1)];
  await storedRecording(app, other.callId, other.orderId, a2);
  await appQuery(app, `update recordings set started_at = ? where id = ?`, [Date.now() - 2 * DAY_MS, ids[0]]);
  const mine = await app.http.inject({ url: '/api/recordings/mine', cookies: ag1 });
  t.same(
    mine.json<{ items: Array<{ id: string }> }>().items.map((r) => r.id),
    [ids[1], ids[0]],
  );
  t.equal((await app.http.inject({ url: '/api/recordings/mine?limit=1', cookies: ag1 })).json().items.length, 1);
  t.equal((await app.http.inject({ url: '/api/recordings/mine?limit=0', cookies: ag1 })).statusCode, 400);
  for (const who of [qa, lead]) t.equal((await app.http.inject({ url: '/api/recordings/mine', cookies: who })).statusCode, 403);
});
