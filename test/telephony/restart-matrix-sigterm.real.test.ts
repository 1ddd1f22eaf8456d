/**
 * Restart matrix, SIGTERM of our server (a deploy; issue 17): the same calls in every state as
 * the kill -9 matrix. The server drains on its way out — the caller at the front door goes on to
 * the queue before the process exits — and after the restart the same expectations hold as after
 * a kill -9. The shared staging and checks: test/helpers/restart-matrix*.ts.
 */
import t from 'tap';
import { until } from '../helpers/call-path.js';
import { RestartMatrix } from '../helpers/restart-matrix.js';
import { afterServerRestart, outageCallers, type Phones } from '../helpers/restart-matrix-checks.js';

const phones: Phones = {
  answered: '13620000001',
  held: '13620000002',
  threeWay: '13620000003',
  transfer: '13620000004',
  survey: '13620000005',
  ringing: '13620000006',
  queued: '13620000007',
  frontDoor: '13620000008',
  endedInOutage: '13620000009',
  waitingInOutage: '13620000010',
};

t.test('SIGTERM of our server with calls in every state', async (t) => {
  const m = await RestartMatrix.open(t, 'sigterm');
  try {
    await m.stage(phones);
    t.equal(await m.stop('SIGTERM'), 0, 'stopped cleanly (exit 0)');
    const frontDoor = m.calls['frontDoor']!.channelId;
    // The drain asked Asterisk before we exited; Asterisk on a loaded CI machine may take seconds to move the channel.
    const drained = await until(
      'front door caller in the queue',
      async () => ((await m.channel(frontDoor))?.dialplan.context === 'sunline-queue' ? true : undefined),
      15_000,
    ).catch(() => false);
    t.ok(drained, 'the drain sent the caller at the front door on to the queue');
    await outageCallers(m, phones);
    await m.restart();
    await afterServerRestart(t, m, phones, async () => {
      await m.stop('SIGTERM');
      await m.restart();
    });
  } finally {
    const logs = m.writeLogs();
    if (!t.passing()) t.comment(`server logs in ${logs}; warnings and errors:\n${m.problems().join('\n')}`);
  }
});
