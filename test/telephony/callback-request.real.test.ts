/**
 * A caller asks to be called back (issue 12 item 2) against a real Asterisk + sipp: nobody is
 * logged in, the caller waits in the 12345 queue and presses 1 (RFC 4733); app_queue hands the
 * caller to [sunline-queue-keys] → Stasis callback, the server ends the call (abandoned in the
 * queue, `callback_requested`), the order becomes a missed call with a callback duty, the
 * worklist lists it as asked for, and the caller hears the confirmation and is hung up.
 */
import t from 'tap';
import { placeCall } from '../../tools/sipp.js';
import { sandbox, server, until } from '../helpers/call-path.js';
import { CallbackWorklist } from '../../src/calls/callbacks.js';
import { sqliteCallbacksStore } from '../../src/calls/callbacks-store-sqlite.js';
import { sqliteAsync } from '../../src/db/sqlite-async.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';

t.test('key 1 in the queue: a missed call with a callback duty, asked for', async (t) => {
  const asterisk = await sandbox(t);
  const app = await server(t, asterisk);
  await until('telephony up', () => app.calls.center?.telephonyUp());
  const sql = app.db.sqlite;
  const caller = '13900002468';
  // The key from 4 s after the answer, every 2 s: ignored during the greeting, acted on in the queue.
  const call = placeCall({ sip: asterisk.sip, number: '12345', callerId: caller, holdMs: 60_000, dtmf: { digit: '1', afterMs: 4000, everyMs: 2000 } });
  t.teardown(() => call.kill());
  const queued = await until(
    'caller queued',
    () => sql.prepare('select id from calls where caller_phone = ? and queued_at is not null').get(caller) as { id: string } | undefined,
    30_000,
  );
  const started = Date.now();
  const ended = await until(
    'call ended by the key',
    () => sql.prepare("select outcome from calls where id = ? and state = 'ended'").get(queued.id) as { outcome: string } | undefined,
    30_000,
  );
  t.equal(ended.outcome, 'abandoned', 'unanswered: an abandon in the queue, as the figures count it');
  const events = (
    sql.prepare('select type, data from call_events where call_id = ? order by id').all(queued.id) as { type: string; data: string | null }[]
  ).map((e) => e.type);
  t.ok(events.includes('callback_requested'), `events: ${events.join(', ')}`);
  const order = await new WorkOrdersService(sqliteOrdersStoreOn(app.db.db)).get(
    (sql.prepare('select id from work_orders where call_id = ?').get(queued.id) as { id: number }).id,
  );
  t.match(order, { status: 'missed_call', callbackDue: true, callerPhone: caller });

  const port = sqliteAsync(app.db);
  t.teardown(() => port.close());
  const list = {
    entries: await new CallbackWorklist(
      sqliteCallbacksStore(port),
      () => ({ attempts: 3, spacingMs: 1_800_000 }),
      () => true,
    ).list(),
  };
  t.match(
    list.entries.find((e) => e.orderId === order.id),
    { kind: 'requested', callerPhone: caller, next: { state: 'due' } },
    'on the worklist as asked for',
  );
  const result = await call.done;
  t.ok(Date.now() - started < 20_000 && result.outcome !== 'answered', `released by the server after the confirmation (${result.outcome})`);
});
