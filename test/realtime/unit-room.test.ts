import t from 'tap';
import type { DeadlineWarning } from '../../src/contract/index.js';
import { rig } from './fixtures.js';

t.test("unit handlers connect to their unit's room: their own deadline warnings, nothing else", async (t) => {
  const r = await rig(t);
  const make = async (username: string, unitId: string) => {
    const u = await r.app.users.create({ username, displayName: username, role: 'unit_handler', unitId, password: 'long enough password' });
    const login = await r.app.users.login(username, 'long enough password');
    return { id: u.id, token: login!.token };
  };
  const amr = await r.connect((await make('amr-1', 'city-amr')).token);
  const hrss = await r.connect((await make('hrss-1', 'city-hrss')).token);
  const lead = await r.connect((await r.user('shift_lead')).token);
  await amr.nth('system:status');
  await hrss.nth('system:status');
  await lead.nth('queue:snapshot');
  t.equal(amr.count('queue:snapshot'), 0, 'no queue for units');

  const warning: DeadlineWarning = { orderId: 7, number: 'HZ-20261126-000007', kind: 'overdue', deadlineAt: 1, leadUnitId: 'city-amr', at: 2 };
  r.events.emit('workorder.deadline', warning);
  t.same(await amr.nth('workorder:deadline'), warning, 'the lead unit is told');
  t.same(await lead.nth('workorder:deadline'), warning, 'shift leads are told');
  await new Promise((res) => setTimeout(res, 200));
  t.equal(hrss.count('workorder:deadline'), 0, 'another unit is not');

  const refused = await amr.ask('lead:withdraw', { callId: 'c', agentId: 1 });
  t.equal(refused.error?.code, 'FORBIDDEN', 'units cannot steer the queue');
  t.equal((await amr.ask('agent:login', {})).error?.code, 'FORBIDDEN', 'nor take calls');
  t.same(await amr.ask('sync'), { ok: true });
});
