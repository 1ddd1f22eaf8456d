/**
 * The demo's orders (scripts/demo-orders.ts): what the demo prints for the citizen lookup — the
 * order number, the phone and the lookup code (查询码) — opens that order at
 * GET /api/public/orders/:number, on the first run and on a rerun against the same database.
 */
import t from 'tap';
import { DEMO_CITIZEN_PHONE, seedDemoOrders } from '../../scripts/demo-orders.js';
import { testApp } from '../helpers/app.js';

t.test('the number, phone and code the demo prints open the order at /lookup', async (t) => {
  const app = await testApp(t);
  await app.users.create({ username: 'admin', displayName: 'admin', role: 'admin', password: 'admin-demo' });
  const first = await seedDemoOrders(app, { username: 'admin', password: 'admin-demo' });
  t.ok(first.lookupNumber, 'a number');
  t.match(first.lookupCode, /^\S+$/, 'a code');
  const lookup = (code: string) =>
    app.http.inject({
      method: 'GET',
      url: `/api/public/orders/${encodeURIComponent(first.lookupNumber!)}?phone=${DEMO_CITIZEN_PHONE}&code=${encodeURIComponent(code)}`,
    });
  const found = await lookup(first.lookupCode!);
  t.equal(found.statusCode, 200, found.body);
  t.equal(found.json<{ number: string; status: string }>().status, 'dispatched', 'with progress to show');
  const again = await seedDemoOrders(app, { username: 'admin', password: 'admin-demo' });
  t.same(again, first, 'a rerun on the same database prints the same order and code');
  t.equal((await lookup(first.lookupCode === '000000' ? '111111' : '000000')).statusCode, 404, 'the code matters');
});
