/**
 * The supervision audit's contract (issue 13 item 3 on the async port, decision 0017), run on
 * both databases: the same checks against a temp SQLite file and a real PostgreSQL
 * (test/helpers/async-dialects.ts), through SupervisionAuditLog and its store as the app uses them.
 */
import t from 'tap';
import { pgSupervisionAuditStore, sqliteSupervisionAuditStore, SupervisionAuditLog, type SupervisionAuditStore } from '../../src/supervision/index.js';
import type { SupervisionAuditEntry } from '../../src/supervision/supervisor.js';
import { pgUsersStore, sqliteUsersStore, UsersService } from '../../src/users/index.js';
import { ASYNC_DIALECTS, type DialectDb } from '../helpers/async-dialects.js';

const storeOf = (d: DialectDb): SupervisionAuditStore => (d.dialect === 'sqlite' ? sqliteSupervisionAuditStore(d.db) : pgSupervisionAuditStore(d.db));
const usersOf = (d: DialectDb) => new UsersService(d.dialect === 'sqlite' ? sqliteUsersStore(d.db) : pgUsersStore(d.db), 60_000);
const lead = (d: DialectDb, username: string) => usersOf(d).create({ username, displayName: username, role: 'shift_lead', password: 'Correct-Horse-9' });

for (const [dialect, setup] of Object.entries(ASYNC_DIALECTS)) {
  t.test(dialect, async (t) => {
    const open = await setup(t, 'supervision-audit');

    t.test('rows written, listed newest first, by call and/or lead, limited', async (t) => {
      const d = await open(t);
      const log = new SupervisionAuditLog(storeOf(d));
      const a = (await lead(d, 'lead-a')).id;
      const b = (await lead(d, 'lead-b')).id;
      const row = (
        at: number,
        leadId: number,
        action: SupervisionAuditEntry['action'],
        callId: string,
        mode: SupervisionAuditEntry['mode'],
        reason: SupervisionAuditEntry['reason'] = null,
      ) => ({
        at,
        leadId,
        action,
        callId,
        agentId: 9,
        mode,
        reason,
      });
      await log.write(row(1, a, 'start', 'c1', 'listen'));
      await log.write(row(2, a, 'mode', 'c1', 'barge'));
      await log.write(row(3, b, 'start', 'c2', 'whisper'));
      await log.write(row(4, a, 'stop', 'c1', 'barge', 'call_ended'));
      const all = await log.list({ limit: 10 });
      t.same(
        all.map((r) => r.at),
        [4, 3, 2, 1],
        'newest first',
      );
      t.match(all[0], { leadId: a, action: 'stop', callId: 'c1', agentId: 9, mode: 'barge', reason: 'call_ended' });
      t.ok(all.every((r) => typeof r.id === 'number'));
      t.same(
        (await log.list({ callId: 'c1', limit: 2 })).map((r) => r.at),
        [4, 2],
        'by call, limited',
      );
      t.same(
        (await log.list({ leadId: b, limit: 10 })).map((r) => r.at),
        [3],
        'by lead',
      );
      t.same(await log.list({ leadId: b, callId: 'c1', limit: 10 }), [], 'both');
    });

    t.test('writes not waited for land in the order they were asked, even when the first is slow', async (t) => {
      const d = await open(t);
      const real = storeOf(d);
      let first = true;
      // The first insert waits on a timer before it runs (a busy pooled client, a slow disk).
      const slowFirst: SupervisionAuditStore = {
        dialect: real.dialect,
        read: (fn) => real.read(fn),
        transaction: (fn) =>
          real.transaction(async (tx) => {
            if (first) {
              first = false;
              await new Promise((r) => setTimeout(r, 50));
            }
            return fn(tx);
          }),
      };
      const log = new SupervisionAuditLog(slowFirst);
      const a = (await lead(d, 'lead-a')).id;
      // PostgreSQL: three pooled clients open and idle, so that the later writes do not wait for a connection.
      await Promise.all([1, 2, 3].map(() => real.read((q) => q.listEntries({ limit: 1 }))));
      const base = { leadId: a, callId: 'c1', agentId: 9, mode: 'listen' as const };
      const writes = [
        log.write({ ...base, at: 1, action: 'start', reason: null }),
        log.write({ ...base, at: 2, action: 'mode', reason: null }),
        log.write({ ...base, at: 3, action: 'stop', reason: 'lead_stopped' }),
      ];
      await log.idle();
      await Promise.all(writes);
      t.same(
        (await log.list({ limit: 10 })).map((r) => r.action),
        ['stop', 'mode', 'start'],
        'start, then mode, then stop (ids in call order)',
      );
    });

    t.test('a failed write rejects, and the writes after it still land', async (t) => {
      const d = await open(t);
      const log = new SupervisionAuditLog(storeOf(d));
      const a = (await lead(d, 'lead-a')).id;
      const base = { callId: 'c1', agentId: 9, mode: 'listen' as const, reason: null };
      const bad = log.write({ ...base, at: 1, leadId: 987_654, action: 'start' }).catch((err: unknown) => err);
      const good = log.write({ ...base, at: 2, leadId: a, action: 'start' });
      t.ok((await bad) instanceof Error, 'no such lead: the insert fails (foreign key)');
      await good;
      t.same(
        (await log.list({ limit: 10 })).map((r) => [r.at, r.leadId]),
        [[2, a]],
      );
    });
  });
}
