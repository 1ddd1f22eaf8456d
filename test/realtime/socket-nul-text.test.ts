/**
 * Control characters and unpaired surrogates in socket commands (src/realtime/payload.ts): NUL
 * (which PostgreSQL cannot store in text), any other control character, or an unpaired UTF-16
 * surrogate in any string or key of any command's payload is refused with VALIDATION_FAILED, naming
 * where and what, before the command runs; nothing changes. Real app (SQLite, or PostgreSQL with
 * SUNLINE_TEST_DATABASE=postgres), real socket.io clients; and the fake commands of fixtures.ts to
 * show that no command ran and that unknown keys never reach one.
 */
import type { AddressInfo } from 'node:net';
import t from 'tap';
import type { Socket } from 'socket.io-client';
import { ROUTES } from '../../src/realtime/handlers.js';
import { badTextAt } from '../../src/realtime/payload.js';
import type { Audience } from '../../src/realtime/session.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { appReader, appTables } from '../helpers/app-database.js';
import { GOOD_PAYLOADS, rig } from './fixtures.js';
import { connectConsole } from '../helpers/console-socket.js';

type Ack = { ok: boolean; data?: unknown; error?: { code: string; message: string; details?: unknown } };

/** Every string in `v` as [path, value], the path as payload.ts names it. */
function strings(v: unknown, path = ''): Array<[string, string]> {
  if (typeof v === 'string') return [[path, v]];
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, c]) => strings(c, path ? `${path}.${k}` : k));
}

/** `v` with the string at `path` replaced. */
function withString(v: unknown, path: string[], s: string): unknown {
  if (path.length === 0) return s;
  const [head, ...rest] = path as [string, ...string[]];
  const copy = (Array.isArray(v) ? [...v] : { ...(v as object) }) as Record<string, unknown>;
  copy[head] = withString(copy[head], rest, s);
  return copy;
}

const CONTROL_CHARS = ['\u0000', '\n', '\r\n', '\t', '\u001b[2J', '\u007f', '\u0085'];
const refusal = (path: string, message = 'must not contain control characters') => ({
  ok: false,
  error: { code: 'VALIDATION_FAILED', details: [{ path, message }] },
});
const UNPAIRED = 'must not contain unpaired surrogates';

const ask = (s: Socket, event: string, payload: unknown): Promise<Ack> =>
  (s.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<Ack>)(event, payload);

t.test('the walker names the first string or key with a control character or an unpaired surrogate, however deep', async (t) => {
  const at = (v: unknown) => badTextAt(v)?.path;
  t.equal(at({ a: 'x', b: [{ c: 'ok' }, { d: 'x\u0000' }] }), 'b.1.d');
  t.equal(at({ 'k\u0000': 1 }), 'k\\u0000');
  t.equal(at('\u0007'), '');
  t.equal(at({ a: '中文 ümlaut \u2028 emoji 😀', n: 1, b: true, z: null }), undefined, 'other unicode passes, paired surrogates too');
  let deep: unknown = 'x\u0000';
  for (let i = 0; i < 5000; i++) deep = [deep];
  t.equal(at(deep)?.split('.').length, 5000, 'found 5,000 arrays deep');
  t.equal(at(Buffer.from([0, 0])), undefined, 'binary is not text');
  t.same(badTextAt({ a: 'ok', b: 'x\ud800' }), { path: 'b', message: 'must not contain unpaired surrogates' }, 'a lone high surrogate');
  t.same(badTextAt(['\udc00x']), { path: '0', message: 'must not contain unpaired surrogates' }, 'a lone low surrogate');
  t.same(badTextAt({ 'k\udbff': 1 }), { path: 'k\\udbff', message: 'must not contain unpaired surrogates' }, 'in a key, shown escaped');
  t.same(badTextAt({ a: '\ud800\u0000' }), { path: 'a', message: 'must not contain control characters' }, 'a control character is named first');
});

t.test('every command refuses a control character in any of its strings, with VALIDATION_FAILED, and nothing changes', async (t) => {
  const app = await testApp(t);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const agentCookie = (await loginCookies(app, 'agent-nul', 'agent')).sunline_session;
  const leadCookie = (await loginCookies(app, 'lead-nul', 'shift_lead')).sunline_session;
  const cookieFor = (audience: Audience) => (audience === 'lead' ? leadCookie : agentCookie);

  const read = await appReader(t, app);
  const rowCounts = async () => {
    const counts: Record<string, number> = {};
    for (const table of await appTables(app)) counts[table] = Number((await read<{ n: number | string }>(`select count(*) as n from ${table}`))[0]!.n);
    return counts;
  };
  const before = await rowCounts();

  const served = new Map<string, string>();
  for (const [event, route] of Object.entries(ROUTES)) {
    const good = route.schema ? GOOD_PAYLOADS[event] : {};
    if (!good) {
      t.fail(`${event}: no good payload in GOOD_PAYLOADS (add one)`);
      continue;
    }
    if (route.schema) t.ok(route.schema.safeParse(good).success, `${event}: the good payload is good`);
    // A socket per event: its payloads stay well within the event budgets.
    const s = await connectConsole(t, url, cookieFor(route.audience));
    // The good payload reaches its command (which says why it cannot act here: no telephony, no media).
    const res = await ask(s, event, good);
    served.set(event, res.ok ? 'ok' : res.error!.code);
    t.not(res.error?.code, 'VALIDATION_FAILED', `${event}: the good payload is not refused`);

    for (const [path, value] of strings(good)) {
      const bad = withString(good, path.split('.'), `${value.slice(0, 1)}\u0000${value.slice(1)}`);
      t.match(await ask(s, event, bad), refusal(path), `${event}: NUL in ${path}`);
    }
    t.match(await ask(s, event, { ...good, note: 'a\u0000b' }), refusal('note'), `${event}: NUL in an unknown key's value`);
    t.match(await ask(s, event, { ...good, 'k\u0000': 1 }), refusal('k\\u0000'), `${event}: NUL in a key`);
    for (const [path, value] of strings(good)) {
      const bad = withString(good, path.split('.'), `${value}\ud800`);
      t.match(await ask(s, event, bad), refusal(path, UNPAIRED), `${event}: an unpaired surrogate in ${path}`);
    }
    s.disconnect();
  }
  t.comment(`the good payloads' answers: ${JSON.stringify(Object.fromEntries(served))}`);

  // Identifiers, numbers and codes never hold a line break, a tab, an escape sequence, DEL or C1.
  const agent = await connectConsole(t, url, agentCookie);
  const lead = await connectConsole(t, url, leadCookie);
  for (const c of CONTROL_CHARS) {
    const shown = c.replace(/\p{Cc}/gu, (x) => `U+${x.charCodeAt(0).toString(16).padStart(4, '0')}`);
    t.match(await ask(agent, 'call:answer', { callId: `call${c}1` }), refusal('callId'), `callId with ${shown}`);
    t.match(await ask(agent, 'call:transfer', { callId: 'call-1', unitId: `city${c}hrss` }), refusal('unitId'), `unitId with ${shown}`);
    t.match(await ask(agent, 'call:dial', { orderId: 1, number: `1380013${c}8000` }), refusal('number'), `number with ${shown}`);
    t.match(await ask(lead, 'lead:pause_agent', { agentId: 1, reason: `小休${c}` }), refusal('reason'), `reason with ${shown}`);
  }

  t.same(await rowCounts(), before, 'no row written or removed in any table');
  t.equal(app.calls.commands.agentView(1).state, 'logged_out');
});

t.test('refused payloads run no command; unknown keys are dropped before one runs (the agent acts for itself)', async (t) => {
  const r = await rig(t);
  const agent = await r.user('agent', 'wang');
  const s = await r.connect(agent.token);
  const lead = await r.connect((await r.user('shift_lead')).token);
  t.match(await s.ask('agent:pause', { reason: '小\u0000休' }), refusal('reason'));
  t.match(await s.ask('call:answer', { callId: 'c1', extra: ['\u0000'] }), refusal('extra.0'));
  t.match(await s.ask('agent:logout', { note: '\u0000' }), refusal('note'), 'an event without a payload too');
  t.match(await lead.ask('lead:set_priority', { callId: 'c\u00001', priority: 1 }), refusal('callId'));
  t.same(r.commands.calls, [], 'no command ran');

  t.match(await s.ask('agent:pause', { reason: '小休', agentId: 99, extra: 'x'.repeat(1000) }), { ok: true });
  t.same(await s.ask('call:answer', { callId: 'c1', agentId: 99 }), { ok: true });
  t.same(r.commands.calls, [
    ['agentPause', agent.id, '小休'],
    ['answer', agent.id, 'c1'],
  ]);
});
