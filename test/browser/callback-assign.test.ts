/**
 * Callback assignments on the shift-lead page in real Chromium against a real server (telephony
 * off; issue 12 item 2): the lead sees the worklist's missed callers with who should call — an
 * entry an agent picked shows that agent — and frees it from the page (stored, kept in the trail);
 * an agent picking it meanwhile shows at once (live `callback:assigned`), and so does a new missed
 * call — created as one, or a call's draft abandoned — (live `desk:changed`, not the page's
 * minutely re-read); a refusal is shown in the reader's language; today's callback figures above the list.
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 */
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { launchBrowser } from '../helpers/browser.js';
import { testApp } from '../helpers/app.js';
import { CallbackAssignments } from '../../src/calls/callback-assignments.js';
import { sqliteCallbacksStore } from '../../src/calls/callbacks-store-sqlite.js';
import { sqliteAsync } from '../../src/db/sqlite-async.js';

t.test('lead page: callback assignments', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const app = await testApp(t);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const lead = await app.users.create({ username: 'cb-lead', displayName: '值班长', role: 'shift_lead', password: 'lead-pw-123' });
  const agent = await app.users.create({ username: 'cb-ann', displayName: '安坐席', role: 'agent', password: 'ann-pw-12345' });
  // The app's own service: its changes are published as the call path's are.
  const orders = app.orders;
  const missed = await orders.createMissedCall({ channel: '12345', callerPhone: '13800000031' });
  const gone = await orders.createMissedCall({ channel: '12345', callerPhone: '13800000032' });
  const port = sqliteAsync(app.db);
  t.teardown(() => port.close());
  const assignments = new CallbackAssignments(sqliteCallbacksStore(port));
  await assignments.assign([missed.id], agent.id, { id: agent.id, role: 'agent' }); // Ann picked both
  await assignments.assign([gone.id], agent.id, { id: agent.id, role: 'agent' });

  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  await page.fill('input[name=username]', 'cb-lead');
  await page.fill('input[name=password]', 'lead-pw-123');
  await page.click('button[type=submit]');
  const row = `[data-testid=lead-callback-${missed.id}]`;
  await page.waitForSelector(row);
  t.match(await page.textContent('[data-testid=lead-callbacks]'), /回拨指派/);
  // Today's callback figures: two missed callers, nobody called back yet.
  await page.waitForSelector('[data-testid=cbfig-missed]:has-text("2")');
  t.equal(await page.textContent('[data-testid=cbfig-rate]'), '0.0%', '回拨率');
  t.equal(await page.textContent('[data-testid=cbfig-wait]'), '—', 'no wait without a callback');
  t.equal(await page.getAttribute(row, 'data-assignee'), String(agent.id), 'the agent who picked it');
  t.equal(await page.locator(`${row} option:checked`).textContent(), '安坐席', 'shown by name although not logged in');

  // The lead frees it.
  await page.selectOption(`[data-testid=assign-${missed.id}]`, '');
  await page.waitForSelector(`${row}[data-assignee=""]`);
  t.equal(await assignments.of([missed.id]), null, 'stored');
  t.match((await assignments.history([missed.id]))[0], { agentId: null, byId: lead.id }, 'kept in the trail');

  // Ann picks it again from her console: the lead page shows it at once (callback:assigned over
  // the socket; the page's own re-read is a minute away).
  const ann = await app.users.login('cb-ann', 'ann-pw-12345');
  const picked = await app.http.inject({
    method: 'PUT',
    url: `/api/callbacks/${missed.id}/assignee`,
    cookies: { sunline_session: ann!.token },
    payload: { agentId: agent.id },
  });
  t.equal(picked.statusCode, 200, picked.body);
  await page.waitForSelector(`${row}[data-assignee="${agent.id}"]`, { timeout: 5000 });
  t.pass('the pick shows on the lead page live');

  // A new missed call shows at once too (its create is published; the lead, a desk user, gets
  // `desk:changed`), as does a caller's draft that became one when the caller hung up in the queue.
  const latest = await orders.createMissedCall({ channel: '12345', callerPhone: '13800000033' });
  await page.waitForSelector(`[data-testid=lead-callback-${latest.id}]`, { timeout: 5000 });
  const draft = await orders.createDraft({ channel: '12345', callerPhone: '13800000034' });
  const system = await app.users.systemUser();
  await orders.apply(draft.id, { type: 'abandon', reason: 'caller hung up while waiting in the queue' }, { id: system.id, role: 'admin', unitId: null });
  await page.waitForSelector(`[data-testid=lead-callback-${draft.id}]`, { timeout: 5000 });
  t.pass('new missed calls show on the lead page live, not at the next minutely read');

  // An order that left the worklist meanwhile (called back elsewhere): refused, in the reader's language.
  app.db.sqlite.prepare('update work_orders set callback_due = 0 where id = ?').run(gone.id);
  await page.selectOption(`[data-testid=assign-${gone.id}]`, '');
  await page.waitForSelector('[data-testid=lead-error]');
  t.match(await page.textContent('[data-testid=lead-error]'), /该工单已不在回拨工作表中/);
  t.match(await assignments.of([gone.id]), { agentId: agent.id }, 'nothing changed');
});
