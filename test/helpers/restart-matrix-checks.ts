/**
 * What must hold after OUR server restarts (kill -9 or SIGTERM) with calls in every state
 * (restart-matrix.ts): every caller is still served or has a record, and a missed-call order if
 * nobody answered. The waits start together right after the restart and each state is then
 * asserted in its own subtest, so one state that is not recovered neither hides the others nor
 * adds its timeout to theirs.
 */
import type { Test } from 'tap';
import { command, next, until } from './call-path.js';
import type { RestartMatrix, Role } from './restart-matrix.js';

export type Phones = Record<Role | 'endedInOutage' | 'waitingInOutage', string>;

type Settled<T> = { ok: true; value: T } | { ok: false; error: string };
const settle = <T>(p: Promise<T>): Promise<Settled<T>> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (err: unknown) => ({ ok: false as const, error: (err as Error).message }),
  );

/** Asserts a wait's outcome; returns its value when it came. */
function waited<T>(t: Test, s: Settled<T>, msg: string): T | undefined {
  if (s.ok) t.pass(msg);
  else t.fail(`${msg}: ${s.error}`);
  return s.ok ? s.value : undefined;
}

/**
 * While our server is down: one caller reaches the queue through the dialplan's fallback and
 * hangs up (8 s: after the 6.1 s fallback greeting), another reaches it and stays.
 */
export async function outageCallers(m: RestartMatrix, phones: Phones): Promise<void> {
  const gone = m.place('endedInOutage', phones.endedInOutage, { holdMs: 8000 });
  m.place('waitingInOutage', phones.waitingInOutage);
  const seen = new Set<string>();
  await until(
    'both outage callers in the queue',
    async () => {
      for (const phone of [phones.endedInOutage, phones.waitingInOutage]) {
        if ((await m.channelByCaller(phone))?.dialplan.context === 'sunline-queue') seen.add(phone);
      }
      return seen.size === 2 ? true : undefined;
    },
    12_000,
  );
  await gone.done;
}

/** The checks of the matrix after our server's restart; `again` restarts it once more the same way. */
export async function afterServerRestart(t: Test, m: RestartMatrix, phones: Phones, again: () => Promise<unknown>): Promise<void> {
  const since = m.server.startedAt;
  const c = (role: string) => m.calls[role]!;
  for (const spare of ['spare1', 'spare2', 'spare3'] as const) {
    const a = m.agents[spare];
    await a.attach(t, m.server.url);
    await command(a.console, 'agent:login', {});
  }
  const offered = (role: string, ms = 25_000) => settle(until(`${role} offered after the restart`, () => m.offeredSince(c(role).callId, since), ms));
  const waits = {
    frontDoor: offered('frontDoor'),
    queued: offered('queued'),
    ringing: offered('ringing'),
    waitingInOutage: settle(
      until('the caller waiting since the outage has a call record', () => m.rows(phones.waitingInOutage)[0], 20_000).then(async (row) => {
        c('waitingInOutage').callId = row.id;
        return until('the caller waiting since the outage is offered', () => m.offeredSince(row.id, since), 15_000);
      }),
    ),
    endedInOutage: settle(
      until('a record of the caller who hung up during the outage', () => m.rows(phones.endedInOutage).find((r) => r.state === 'ended'), 25_000),
    ),
    answered: settle(
      m
        .agentOf('answered')
        .settled('on the call again', (a) => (a.state?.state === 'on_call' && a.state.callId === c('answered').callId ? a.state : undefined)),
    ),
    held: settle(
      m
        .agentOf('held')
        .settled('on the call again, held', (a) =>
          a.controls?.callId === c('held').callId && a.controls.held && a.state?.state === 'on_call' ? a.controls : undefined,
        ),
    ),
    threeWay: settle(
      m
        .agentOf('threeWay')
        .settled('three-way call back', (a) => (a.controls?.callId === c('threeWay').callId && a.controls.conference?.state === 'up' ? a.controls : undefined)),
    ),
    survey: settle(until('survey result', () => m.events(c('survey').callId).find((e) => e.type === 'survey'), 40_000)),
  };

  await t.test('front door greeting: the same call goes on to the queue and is offered', async (t) => {
    const call = c('frontDoor');
    waited(t, await waits.frontDoor, 'offered to an agent after the restart');
    t.same(
      m.rows(call.phone).map((r) => r.id),
      [call.callId],
      'one call row, the same call',
    );
  });

  await t.test('queued: the same call and draft order, offered after the restart', async (t) => {
    const call = c('queued');
    waited(t, await waits.queued, 'offered to an agent after the restart');
    t.same(
      m.rows(call.phone).map((r) => r.id),
      [call.callId],
      'one call row, the same call',
    );
    t.equal(m.order(call.callId)?.id, call.orderId, 'the same draft order');
  });

  await t.test('ringing an agent: back to waiting and rung again as the same call', async (t) => {
    const call = c('ringing');
    waited(t, await waits.ringing, 'offered again after the restart');
    t.same(
      m.rows(call.phone).map((r) => r.id),
      [call.callId],
      'one call row, the same call',
    );
    const state = m.agentOf('ringing').state?.state;
    t.ok(state === 'available' || state === 'ringing', `the agent it rang is free again (${state})`);
  });

  await t.test('answered: the call goes on; the agent hangs up and the caller reaches the survey', async (t) => {
    const call = c('answered');
    const agent = m.agentOf('answered');
    if (!waited(t, await waits.answered, 'the agent is on the same call')) return;
    const ended = next(agent.console, 'call:update', (u) => u.callId === call.callId && u.state === 'ended');
    await command(agent.console, 'call:hangup', { callId: call.callId });
    t.equal((await ended).reason, 'agent_hangup');
    const inSurvey = await settle(
      until('caller in [survey]', async () => ((await m.channel(call.channelId))?.dialplan.context === 'survey' ? true : undefined), 10_000),
    );
    waited(t, inSurvey, 'the caller goes on to the survey');
    t.same(
      m.rows(call.phone).map((r) => r.id),
      [call.callId],
      'one call row',
    );
  });

  await t.test('held: the call goes on, still held', async (t) => {
    const call = c('held');
    waited(t, await waits.held, 'the agent is on the same call and call:controls says held');
    t.same(
      m.rows(call.phone).map((r) => [r.id, r.state]),
      [[call.callId, 'answered']],
    );
  });

  await t.test('three-way with a unit: the call goes on with the unit', async (t) => {
    const call = c('threeWay');
    const controls = waited(t, await waits.threeWay, 'the three-way call is back');
    t.match(controls?.conference, { unitId: 'city-amr', state: 'up' });
    t.same(
      m.rows(call.phone).map((r) => [r.id, r.state]),
      [[call.callId, 'answered']],
    );
  });

  await t.test('survey: goes on, and a key pressed after the restart reaches the call and its order', async (t) => {
    const call = c('survey');
    // The key that counts (the second; Asterisk drops the first) must come after the first
    // server exited and after the restarted one connected, or this subtest proves nothing.
    const keyAt = m.surveyKeyThatCountsAt;
    const before = m.servers.at(-2)!;
    t.comment(
      `survey timing from the dial: first server exited at ${before.stoppedAt - m.surveyPlacedAt} ms, restarted server up at ${m.server.readyAt - m.surveyPlacedAt} ms, the key that counts at ${keyAt - m.surveyPlacedAt} ms`,
    );
    t.ok(before.stoppedAt < keyAt, `harness timing: the first server exited ${keyAt - before.stoppedAt} ms before the key that counts`);
    t.ok(m.server.readyAt < keyAt, `harness timing: the restarted server was up ${keyAt - m.server.readyAt} ms before the key that counts`);
    const ev = waited(t, await waits.survey, 'a survey result');
    if (ev) {
      t.same(JSON.parse(ev.data ?? '{}'), { result: 'satisfied' });
      t.ok(ev.at >= m.server.startedAt, 'recorded by the restarted server');
    }
    t.equal(m.order(call.callId)?.satisfaction, 'satisfied', 'the order has the satisfaction');
    t.same(
      m.rows(call.phone).map((r) => r.id),
      [call.callId],
      'no second call row for the survey channel',
    );
  });

  await t.test('ended during the outage: a call record with events and a missed-call order', async (t) => {
    const row = waited(t, await waits.endedInOutage, 'a call record');
    if (!row) return;
    t.match(row, { state: 'ended', outcome: 'abandoned', dialled_number: '12345' });
    t.ok(m.events(row.id).length > 0, 'with call events');
    t.equal(m.order(row.id)?.status, 'missed_call', 'a missed-call order');
    c('endedInOutage').callId = row.id;
  });

  await t.test('waiting since the outage: adopted and offered', async (t) => {
    waited(t, await waits.waitingInOutage, 'adopted and offered to a free agent');
    t.equal(m.rows(phones.waitingInOutage).length, 1, 'one call row');
  });

  await t.test('in transfer to a unit: not adopted, still with the unit, ended as transferred', async (t) => {
    const call = c('transfer');
    const ch = await m.channel(call.channelId);
    t.equal(ch?.dialplan.context, 'sunline-transfer', 'the caller is still in the transfer');
    t.same(
      m.rows(call.phone).map((r) => [r.id, r.state]),
      [[call.callId, 'ended']],
      'one call row, ended',
    );
    const hungUp = m
      .events(call.callId)
      .filter((e) => e.type === 'hung_up')
      .map((e) => JSON.parse(e.data ?? '{}') as { reason?: string });
    t.same(
      hungUp.map((h) => h.reason),
      ['transferred'],
    );
  });

  await t.test('the recovery is not stopped by any channel', async (t) => {
    t.notMatch(m.server.output(), /UNIQUE constraint failed/, 'no second call row attempted');
    const ready = await settle(until('ready', async () => ((await fetch(`${m.server.url}/health/ready`)).status === 200 ? true : undefined), 10_000));
    waited(t, ready, '/health/ready says ready');
  });

  await t.test('a second restart imports and adopts nothing twice', async (t) => {
    await again();
    await settle(until('ready', async () => ((await fetch(`${m.server.url}/health/ready`)).status === 200 ? true : undefined), 10_000));
    await new Promise((r) => setTimeout(r, 2000));
    for (const [role, phone] of Object.entries(phones)) t.equal(m.rows(phone).length, 1, `${role}: one call row`);
    const ended = m.rows(phones.endedInOutage)[0];
    if (ended) t.equal((m.db.prepare('select count(*) as n from work_orders where call_id = ?').get(ended.id) as { n: number }).n, 1, 'one missed-call order');
  });
}
