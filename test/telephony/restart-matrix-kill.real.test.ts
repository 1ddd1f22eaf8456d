/**
 * Restart matrix, kill -9 of our server (issue 17): callers at the front door, queued, ringing
 * an agent, answered, held, in a three-way call, transferred to a unit and in the survey at the
 * same moment; two more dial while we are down (one hangs up, one waits). After the restart
 * each is still served as the same call, or has a record and, unanswered, a missed-call order;
 * a second kill imports nothing twice. The shared staging and checks: test/helpers/restart-matrix*.ts.
 */
import t from 'tap';
import { RestartMatrix } from '../helpers/restart-matrix.js';
import { afterServerRestart, outageCallers, type Phones } from '../helpers/restart-matrix-checks.js';

const phones: Phones = {
  answered: '13610000001',
  held: '13610000002',
  threeWay: '13610000003',
  transfer: '13610000004',
  survey: '13610000005',
  ringing: '13610000006',
  queued: '13610000007',
  frontDoor: '13610000008',
  endedInOutage: '13610000009',
  waitingInOutage: '13610000010',
};

t.test('kill -9 of our server with calls in every state', async (t) => {
  const m = await RestartMatrix.open(t, 'kill');
  try {
    await m.stage(phones);
    t.equal(await m.stop('SIGKILL'), null, 'killed');
    await outageCallers(m, phones);
    await m.restart();
    await afterServerRestart(t, m, phones, async () => {
      await m.stop('SIGKILL');
      await m.restart();
    });
  } finally {
    const logs = m.writeLogs();
    if (!t.passing()) t.comment(`server logs in ${logs}; warnings and errors:\n${m.problems().join('\n')}`);
  }
});
