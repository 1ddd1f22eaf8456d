/**
 * Callers who give up while our server is down still leave a record (decision 0008): the
 * dialplan's fallback writes them into Asterisk's AstDB, the server imports them when it is back
 * (a call row with its events, a missed-call order), once; a caller the server adopts is
 * forgotten by the dialplan, so it is not counted twice.
 */
import t from 'tap';
import { placeCall } from '../../tools/sipp.js';
import { ari, sandbox, server, until } from '../helpers/call-path.js';

const q = (
  app: { db: { sqlite: { prepare(s: string): { all(...a: unknown[]): unknown[]; get(...a: unknown[]): unknown } } } },
  sql: string,
  ...args: unknown[]
) => app.db.sqlite.prepare(sql).all(...args);

t.test(
  'callers who hang up while we are down get a call record and a missed-call order when we are back; a caller still waiting is adopted, not imported',
  async (t) => {
    const asterisk = await sandbox(t);
    // Nobody listens to Stasis: the dialplan queues both callers by itself.
    const gaveUp = placeCall({ sip: asterisk.sip, number: '12315', callerId: '13600001111', holdMs: 7_000 });
    const early = placeCall({ sip: asterisk.sip, number: '12328', callerId: '13600002222', holdMs: 1_000 }); // during the fallback greeting
    const waiting = placeCall({ sip: asterisk.sip, number: '12333', callerId: '13600003333', holdMs: 60_000 });
    t.teardown(() => [gaveUp, early, waiting].forEach((c) => c.kill()));
    await gaveUp.done;
    await early.done;
    const recorded = await asterisk.cli('database show sunline_outage');
    t.match(recorded, /13600001111/, 'the fallback recorded the caller who gave up in AstDB');

    const app = await server(t, asterisk);
    const imported = await until('outage calls imported', () => {
      const rows = q(
        app,
        "select c.caller_phone, c.dialled_number, c.state, c.outcome, c.entered_at, c.ended_at, w.status, w.callback_due from calls c join work_orders w on w.call_id = c.id where c.caller_phone in ('13600001111', '13600002222') order by c.caller_phone",
      ) as Record<string, unknown>[];
      return rows.length === 2 ? rows : undefined;
    });
    t.same(
      imported.map((r) => [r['caller_phone'], r['dialled_number'], r['state'], r['outcome'], r['status'], r['callback_due']]),
      [
        ['13600001111', '12315', 'ended', 'abandoned', 'missed_call', 1],
        ['13600002222', '12328', 'ended', 'abandoned', 'missed_call', 1],
      ],
    );
    const gaveUpRow = imported[0]!;
    const waited = Number(gaveUpRow['ended_at']) - Number(gaveUpRow['entered_at']);
    t.ok(waited >= 5_000 && waited <= 11_000, `Asterisk's times are kept (waited ${waited} ms)`);
    const where = (phone: string) =>
      (
        q(app, "select e.data from call_events e join calls c on c.id = e.call_id where c.caller_phone = ? and e.type = 'abandoned'", phone) as {
          data: string;
        }[]
      ).map((e) => JSON.parse(e.data));
    t.same(where('13600001111'), [{ where: 'queue', outage: true }], 'gave up in the queue');
    t.same(where('13600002222'), [{ where: 'front_door', outage: true }], 'gave up during the fallback greeting');

    const adopted = await until(
      'the waiting caller adopted',
      () =>
        q(app, "select id, state, channel_id from calls where caller_phone = '13600003333'")[0] as
          { id: string; state: string; channel_id: string } | undefined,
    );
    t.equal(adopted.state, 'queued');
    t.notMatch(await asterisk.cli('database show sunline_outage'), /13600001111|13600002222/, 'imported records are deleted');
    const ready = (await (await fetch(`${app.url}/health/ready`)).json()) as { components: Record<string, unknown> };
    t.same(ready.components['reconcile'], { ok: true, state: 'ok', failing: [] }, "reconcile's detail in /health/ready");

    // The adopted caller hangs up: the dialplan forgets its record (the server has the call).
    await ari(asterisk, 'DELETE', `/channels/${adopted.channel_id}`);
    await until('adopted caller abandoned', () =>
      (q(app, 'select state from calls where id = ?', adopted.id)[0] as { state: string }).state === 'ended' ? true : undefined,
    );
    await until('its AstDB record forgotten', async () => (/13600003333/.test(await asterisk.cli('database show sunline_outage')) ? undefined : true));
    t.same(q(app, "select count(*) as n from calls where caller_phone = '13600003333'"), [{ n: 1 }], 'counted once');

    // A caller who gives up while we are connected after all (the fallback greeting right after our
    // restart) is imported at once, through the dialplan's UserEvent.
    await app.close();
    const late = placeCall({ sip: asterisk.sip, number: '12329', callerId: '13600004444', holdMs: 6_000 });
    t.teardown(() => late.kill());
    await until('late caller in the fallback', async () => (/13600004444/.test(await asterisk.cli('database show sunline_outage')) ? true : undefined));
    const again = await server(t, asterisk, { SUNLINE_DATA_DIR: app.env.dataDir });
    await until('late caller adopted or imported', () => q(again, "select state from calls where caller_phone = '13600004444'")[0]);
    await late.done;
    await until('late caller ended', () =>
      (q(again, "select state from calls where caller_phone = '13600004444'")[0] as { state: string }).state === 'ended' ? true : undefined,
    );
    t.same(
      q(again, "select count(*) as n from calls where caller_phone in ('13600001111', '13600002222', '13600004444')"),
      [{ n: 3 }],
      'nothing imported twice across restarts',
    );
  },
);
