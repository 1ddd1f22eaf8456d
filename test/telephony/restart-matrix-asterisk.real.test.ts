/**
 * Restart matrix, Asterisk restarts under our running server (issue 17): with callers at the
 * front door, queued, ringing an agent, answered, held, in a three-way call, transferred to a
 * unit and in the survey, every call dies with Asterisk. Each ends with a record — answered
 * ones ended, unanswered ones abandoned with a missed-call order — and no channel gets a second
 * call row; the agents stay logged in and are members of app_queue again; a new call is offered
 * normally. (Nobody can dial while Asterisk is down, so "ended during the outage" has no case
 * here.) The shared staging: test/helpers/restart-matrix.ts.
 */
import t from 'tap';
import { until } from '../helpers/call-path.js';
import { RestartMatrix, type Role } from '../helpers/restart-matrix.js';

const phones: Record<Role | 'afterRestart', string> = {
  answered: '13630000001',
  held: '13630000002',
  threeWay: '13630000003',
  transfer: '13630000004',
  survey: '13630000005',
  ringing: '13630000006',
  queued: '13630000007',
  frontDoor: '13630000008',
  afterRestart: '13630000011',
};

t.test('Asterisk restarts with calls in every state', async (t) => {
  const m = await RestartMatrix.open(t, 'asterisk');
  try {
    await m.stage(phones);
    const restartAt = Date.now();
    await m.asterisk.restart();
    const c = (role: string) => m.calls[role]!;
    const ended = (role: string) => until(`${role} ended`, () => m.rows(c(role).phone).find((r) => r.state === 'ended'), 20_000).catch(() => undefined);

    for (const role of ['answered', 'held', 'threeWay'] as const) {
      await t.test(`${role}: the call is ended with its record`, async (t) => {
        const row = await ended(role);
        t.match(row, { id: c(role).callId, state: 'ended', outcome: 'answered' });
        t.ok(
          m.events(c(role).callId).some((e) => e.type === 'hung_up'),
          'a hung_up event',
        );
        t.equal(m.rows(c(role).phone).length, 1, 'one call row');
      });
    }

    for (const role of ['frontDoor', 'queued', 'ringing'] as const) {
      await t.test(`${role}: abandoned, with a missed-call order`, async (t) => {
        const row = await ended(role);
        t.match(row, { id: c(role).callId, state: 'ended', outcome: 'abandoned' });
        t.equal(m.order(c(role).callId)?.status, 'missed_call');
        t.equal(m.rows(c(role).phone).length, 1, 'one call row');
      });
    }

    await t.test('in transfer and in the survey: the ended call keeps its one record', async (t) => {
      for (const role of ['transfer', 'survey'] as const) {
        t.same(
          m.rows(c(role).phone).map((r) => [r.id, r.state]),
          [[c(role).callId, 'ended']],
          `${role}: one call row, ended`,
        );
        t.notOk(await m.channelByCaller(c(role).phone), `${role}: the caller is gone with Asterisk`);
      }
      t.equal(m.events(c('survey').callId).filter((e) => e.type === 'survey').length, 0, 'no survey result (the caller was cut off)');
    });

    await t.test('agents stay logged in and are members of app_queue again', async (t) => {
      const agents = ['answered', 'held', 'threeWay', 'transfer', 'survey', 'ringing'].map((r) => m.agentOf(r));
      for (const a of agents) {
        a.state = null;
        const state = await a.settled('agent state after the restart', (x) => x.state ?? undefined, 10_000).catch(() => null);
        t.ok(state && state.state !== 'logged_out', `${a.name} is logged in (${state?.state})`);
      }
      const members = await until(
        'members back in app_queue',
        async () => {
          const show = await m.asterisk.cli('queue show 12345');
          return agents.every((a) => show.includes(`agent-${a.id}@agents`)) ? show : undefined;
        },
        20_000,
      ).catch(() => undefined);
      t.ok(members, 'every logged-in agent is a member of 12345 again');
    });

    await t.test('a new call after Asterisk is back is offered normally', async (t) => {
      m.place('afterRestart', phones.afterRestart, { holdMs: 30_000 });
      const row = await m.recorded('afterRestart', undefined, 15_000).catch(() => undefined);
      t.ok(row, 'a call row');
      const offer = row && (await until('offered', () => m.offeredSince(row.callId, restartAt), 20_000).catch(() => undefined));
      t.ok(offer, `offered to an agent (${offer?.agent})`);
    });

    await t.test('nothing recorded twice, nothing refused', async (t) => {
      for (const [role, phone] of Object.entries(phones)) t.equal(m.rows(phone).length, 1, `${role}: one call row`);
      t.notMatch(m.server.output(), /UNIQUE constraint failed/);
    });
  } finally {
    const logs = m.writeLogs();
    if (!t.passing()) t.comment(`server logs in ${logs}; warnings and errors:\n${m.problems().join('\n')}`);
  }
});
