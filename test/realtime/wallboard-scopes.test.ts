/**
 * Who gets the wallboard's summary, through the real app (buildApp, real SQLite, real socket.io):
 * a `wallboard` account (read-only: the summary and nothing else, no other event, no HTTP API
 * but its own session), a shift lead or admin whose page asks for the wallboard view; never an
 * agent or a dispatcher, whatever they ask. An order created over HTTP reaches the wall screens.
 */
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { io as connectClient, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, WallboardSummary } from '../../src/contract/index.js';
import type { UserRole } from '../../src/db/schema.js';
import { loginCookies, testApp } from '../helpers/app.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const until = async (what: string, ok: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

t.test('the wallboard room: a wallboard account and leads who ask; nobody else', async (t) => {
  const app = await testApp(t);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  let n = 0;
  const connect = async (role: UserRole, view?: string) => {
    const { sunline_session } = await loginCookies(app, `${role}-${++n}`, role);
    const client: Client = connectClient(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie: `sunline_session=${sunline_session}` },
      ...(view ? { auth: { view } } : {}),
    });
    t.teardown(() => client.disconnect());
    const got: Array<{ event: string; payload: unknown }> = [];
    client.onAny((event: string, payload: unknown) => got.push({ event, payload }));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('connect_error', reject);
    });
    const summaries = () => got.filter((g) => g.event === 'wallboard:summary').map((g) => g.payload as WallboardSummary);
    return { client, got, summaries, cookies: { sunline_session } };
  };

  const wall = await connect('wallboard');
  const lead = await connect('shift_lead', 'wallboard');
  const admin = await connect('admin', 'wallboard');
  const plainLead = await connect('shift_lead');
  const agent = await connect('agent', 'wallboard');
  const dispatcher = await connect('dispatcher', 'wallboard');

  await until('a summary on connect', () => wall.summaries().length === 1 && lead.summaries().length === 1 && admin.summaries().length === 1);
  t.match(wall.summaries()[0], {
    waiting: 0,
    longestWaitSince: null,
    agents: {},
    today: { callsIn: 0, answerRate15s: null },
    orders: { today: 0, overdue: 0 },
  });
  t.same(
    wall.got.map((g) => g.event),
    ['system:status', 'wallboard:summary'],
    'the wall screen gets the telephony status and its summary, nothing a lead or agent gets',
  );

  // An agent creates an order over HTTP: the wall screens see it within a second or so.
  const agentCookies = await loginCookies(app, 'agent-http', 'agent');
  const created = await app.http.inject({
    method: 'POST',
    url: '/api/workorders',
    cookies: agentCookies,
    payload: { channel: '12345', category: 'consultation', content: '咨询社保缴费' },
  });
  t.equal(created.statusCode, 201);
  await until('the order on the wall', () => wall.summaries().some((s) => s.orders.today === 1));
  await until('and on the lead’s wallboard page', () => lead.summaries().some((s) => s.orders.today === 1));

  // Many queue changes at once: one more summary, not one per change.
  const before = wall.summaries().length;
  for (let i = 0; i < 200; i++)
    app.events.emit('queue.changed', {
      at: Date.now(),
      agents: [{ agentId: 900 + (i % 5), displayName: 'x', state: i % 2 ? 'available' : 'paused', since: 1, pauseReason: null, callId: null, penalty: 0 }],
    });
  await until('a summary after the burst', () => wall.summaries().length > before, 3000);
  await new Promise((r) => setTimeout(r, 300));
  t.equal(wall.summaries().length, before + 1, '200 changes within a few ms: one summary');
  await until('the lead page’s merged update (a lead on the lead page gets queue changes)', () => plainLead.got.some((g) => g.event === 'queue:delta'));
  t.equal(lead.got.filter((g) => g.event === 'queue:delta').length, 0, 'a lead on the wallboard page gets no queue changes');

  await wall.client.emitWithAck('sync');
  await until('a summary on sync', () => wall.summaries().length === before + 2);

  const refused = (await (wall.client.emitWithAck as (e: string, p: unknown) => Promise<{ ok: boolean; error?: { code: string } }>)('lead:pause_agent', {
    agentId: 1,
    reason: 'x',
  })) as { ok: boolean; error?: { code: string } };
  t.match(refused, { ok: false, error: { code: 'FORBIDDEN' } }, 'a wall screen may not act as a lead');

  t.equal(plainLead.summaries().length, 0, 'a lead on the lead page gets no summaries');
  t.equal(agent.summaries().length, 0, 'an agent asking for the wallboard view gets none');
  t.equal(dispatcher.summaries().length, 0, 'nor a dispatcher');

  // Over HTTP the wallboard account has its session and nothing else.
  const me = await app.http.inject({ method: 'GET', url: '/api/auth/me', cookies: wall.cookies });
  t.match(me.json(), { user: { role: 'wallboard' } });
  for (const url of [
    '/api/queue/stats',
    '/api/queue',
    '/api/reports/kpis?from=2026-10-01&to=2026-10-31',
    '/api/workorders',
    '/api/desk/queues',
    '/api/kb/articles',
  ]) {
    const res = await app.http.inject({ method: 'GET', url, cookies: wall.cookies });
    t.equal(res.statusCode, 403, `${url}: 403`);
  }
});
