/**
 * The accounts and sessions repository's contract (issue 16, decision 0017), run on both
 * databases: the same checks against SQLite (a temp file, migrations/) and a real PostgreSQL
 * (tools/postgres.ts, migrations-pg/), through UsersService and its store as the app uses them.
 * Each subtest gets a database of its own (test/helpers/async-dialects.ts).
 */
import t from 'tap';
import type { SqliteAsyncDb } from '../../src/db/sqlite-async.js';
import { AccountError } from '../../src/users/account-errors.js';
import { pgUsersStore, sqliteUsersStore, UsersService, type UsersStore } from '../../src/users/index.js';
import { ASYNC_DIALECTS, type DialectDb } from '../helpers/async-dialects.js';

interface Rig {
  readonly store: UsersStore;
  /** SQLite only: the async port underneath (its writer lock). */
  readonly sqlite?: SqliteAsyncDb;
}

/** The store on the subtest's database. */
const rigOn = (d: DialectDb): Rig => (d.dialect === 'sqlite' ? { store: sqliteUsersStore(d.db), sqlite: d.db } : { store: pgUsersStore(d.db) });

const NEW = { displayName: '坐席', role: 'agent' as const, password: 'Correct-Horse-9' };

/** An agent's account row as the store inserts it (the transaction checks write it directly). */
const row = (username: string) => ({
  username,
  displayName: username,
  role: 'agent' as const,
  unitId: null,
  passwordHash: '!',
  disabled: false,
  mustChangePassword: false,
});

for (const [dialect, setup] of Object.entries(ASYNC_DIALECTS)) {
  t.test(dialect, async (t) => {
    const database = await setup(t, 'users-store');
    const open = async (t: Parameters<typeof database>[0]) => rigOn(await database(t));
    t.test('accounts and sessions: create, read, change, log in and out', async (t) => {
      const { store } = await open(t);
      let now = 1_000_000;
      const users = new UsersService(store, 60_000, () => now);
      const admin = await users.create({ ...NEW, username: 'admin-1', role: 'admin' });
      const agent = await users.create({ ...NEW, username: 'agent-1', unitId: null }, { actorId: admin.id });
      t.match(await users.byUsername('agent-1'), { id: agent.id, role: 'agent', disabled: false, mustChangePassword: false });
      t.equal(await users.byId(999_999), undefined);
      t.ok(await users.exists(agent.id));
      t.equal(await users.hasAdmin(), true);

      const system = await users.systemUser();
      t.equal((await users.systemUser()).id, system.id, 'the platform’s own account is made once');
      t.same(
        (await users.list()).map((u) => u.username),
        ['admin-1', 'agent-1'],
        'by username, without the platform’s own account',
      );
      t.same([...(await users.takenUsernames())].sort(), ['_system', 'admin-1', 'agent-1']);

      const session = (await users.login('agent-1', NEW.password))!;
      t.equal((await users.userForToken(session.token))?.id, agent.id);
      t.equal(await users.login('agent-1', 'wrong'), null);
      const other = (await users.login('agent-1', NEW.password))!;

      const changed = await users.update(agent.id, { role: 'shift_lead' }, { actorId: admin.id });
      t.match(changed, { role: 'shift_lead', disabled: false });
      t.equal(await users.userForToken(session.token), null, 'a changed role ends the sessions');
      t.equal(await users.userForToken(other.token), null);
      t.equal(await users.update(999_999, { displayName: 'x' }), undefined);

      const kept = (await users.login('agent-1', NEW.password))!;
      const ended = (await users.login('agent-1', NEW.password))!;
      await users.changePassword(agent.id, 'New-Password-77', kept.token, { actorId: admin.id });
      t.ok(await users.userForToken(kept.token), 'the session that changed it stays');
      t.equal(await users.userForToken(ended.token), null, 'the others end');
      t.equal(await users.login('agent-1', NEW.password), null, 'the old password no longer works');

      t.equal(await users.disable(agent.id, { actorId: admin.id }), true);
      t.equal(await users.userForToken(kept.token), null, 'disabled: no session');
      t.equal(await users.login('agent-1', 'New-Password-77'), null);
      t.equal(await users.disable(999_999), false);
      t.equal(await users.enable(agent.id, { actorId: admin.id }), true);
      const back = (await users.login('agent-1', 'New-Password-77'))!;
      await users.logout(back.token);
      t.equal(await users.userForToken(back.token), null, 'logged out');

      await users.recordAction('config.prompt', null, { actorId: admin.id }, { name: 'sunline/x' });
      const audit = await users.auditLog({ limit: 10 });
      t.same(
        audit.map((a) => a.action),
        ['config.prompt', 'user.enable', 'user.disable', 'user.password', 'user.update', 'user.create'],
        'newest first',
      );
      t.same(audit[4]!.details, { from: { role: 'agent' }, to: { role: 'shift_lead' }, sessionsEnded: true });
      t.same(
        (await users.auditLog({ limit: 2, beforeId: audit[1]!.id, targetUserId: agent.id })).map((a) => a.action),
        ['user.disable', 'user.password'],
        'paged and narrowed',
      );

      const late = (await users.login('agent-1', 'New-Password-77'))!;
      t.ok(await users.userForToken(late.token));
      await users.login('admin-1', NEW.password);
      now += 60_001;
      t.equal(await users.userForToken(late.token), null, 'expired (the cached entry too)');
      t.equal(await users.purgeExpiredSessions(), 2, 'the expired sessions deleted');
      t.equal(await users.purgeExpiredSessions(), 0);
    });

    t.test('a taken username is USERNAME_TAKEN in both dialects, and nothing of the refused change stays', async (t) => {
      const { store } = await open(t);
      const users = new UsersService(store, 60_000);
      const admin = await users.create({ ...NEW, username: 'admin-1', role: 'admin' });
      await users.create({ ...NEW, username: 'agent-1' });
      const refused = await users.create({ ...NEW, username: 'agent-1' }, { actorId: admin.id }).catch((err: unknown) => err);
      t.ok(refused instanceof AccountError, 'the domain error, not the driver’s');
      t.match(refused, { code: 'USERNAME_TAKEN', statusCode: 409 });
      const direct = await store
        .transaction((tx) =>
          tx.insertUser({ username: 'admin-1', displayName: 'x', role: 'agent', unitId: null, passwordHash: '!', disabled: false, mustChangePassword: false }),
        )
        .catch((err: unknown) => err);
      t.match(direct, { code: 'USERNAME_TAKEN' }, 'the store maps it itself');
      t.same(await users.auditLog({ limit: 10 }), [], 'no audit row of the refused account');
      t.same(
        (await users.list()).map((u) => u.username),
        ['admin-1', 'agent-1'],
      );
    });

    t.test('a transaction is rolled back when its function throws, or when one of its statements fails', async (t) => {
      const { store } = await open(t);
      const thrown = await store
        .transaction(async (tx) => {
          const u = await tx.insertUser(row('gone-1'));
          await tx.insertAudit({ at: 1, actorId: u.id, action: 'user.create', targetUserId: u.id, details: {} });
          throw new Error('the function failed');
        })
        .catch((err: unknown) => err);
      t.match(thrown, { message: 'the function failed' });
      t.equal(await store.read((q) => q.userByUsername('gone-1')), undefined, 'the insert is gone');
      t.same(await store.read((q) => q.listAudit({ limit: 5 })), [], 'and the audit row');

      await store.transaction((tx) => tx.insertUser(row('kept-1')));
      const failed = await store
        .transaction(async (tx) => {
          await tx.insertUser(row('gone-2'));
          await tx.insertUser(row('kept-1')); // taken: this statement fails
          return 'not reached';
        })
        .catch((err: unknown) => err);
      t.match(failed, { code: 'USERNAME_TAKEN' });
      t.equal(await store.read((q) => q.userByUsername('gone-2')), undefined, 'the statement before the failed one is rolled back too');
      t.ok(await store.read((q) => q.userByUsername('kept-1')));
      // The connection is usable afterwards (SQLite: the writer is out of the transaction; PostgreSQL: the client went back clean).
      await store.transaction((tx) => tx.insertUser(row('after-1')));
      t.ok(await store.read((q) => q.userByUsername('after-1')));
    });

    t.test('interleaved transactions never see each other’s uncommitted rows (SQLite: they take turns)', async (t) => {
      const { store, sqlite } = await open(t);
      const log: string[] = [];
      let committedA = false;
      let openGate!: () => void;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      let aInserted!: () => void;
      const inserted = new Promise<void>((resolve) => (aInserted = resolve));
      let bRead!: () => void;
      const read = new Promise<void>((resolve) => (bRead = resolve));

      const a = store
        .transaction(async (tx) => {
          log.push('A begins');
          await tx.insertUser(row('from-a'));
          aInserted();
          await gate; // a real wait (opened from a timer below) while A's row is uncommitted
          log.push('A commits');
          return 'A';
        })
        .then((r) => {
          committedA = true;
          return r;
        });
      await inserted;
      // B starts while A is open and waiting.
      let bSawA: boolean | undefined;
      let bSawAWhileUncommitted = false;
      const b = store.transaction(async (tx) => {
        log.push('B begins');
        const seen = (await tx.userByUsername('from-a')) !== undefined;
        bSawA = seen;
        if (seen && !committedA) bSawAWhileUncommitted = true;
        bRead();
        await tx.insertUser(row('from-b'));
        return 'B';
      });
      // A read outside any transaction while A is open: committed data only, and it does not wait for A.
      await new Promise((r) => setTimeout(r, 20));
      const outside = await store.read((q) => q.userByUsername('from-a'));
      t.equal(outside, undefined, 'a read outside the transactions does not see A’s uncommitted row');
      t.equal(committedA, false, 'and it answered while A was still open');
      if (sqlite) {
        t.equal(sqlite.lock.locked, true, 'SQLite: A holds the writer lock');
        t.equal(sqlite.lock.queued, 1, 'SQLite: B waits for it');
        t.same(log, ['A begins'], 'SQLite: B has not begun');
      } else {
        await read; // PostgreSQL: B runs while A is open
        t.same(log, ['A begins', 'B begins'], 'PostgreSQL: both open at once');
      }
      setTimeout(openGate, 20);
      let aCommittedWhenBDone: boolean | undefined;
      t.same(await Promise.all([a, b.then((r) => ((aCommittedWhenBDone = committedA), r))]), ['A', 'B']);
      if (sqlite) {
        // B ran after A in A's batch (decision 0021): it sees A's row, and the two commit together
        // or not at all; B is never reported done before A.
        t.equal(aCommittedWhenBDone, true, 'SQLite: B is done only once A is committed');
      } else t.equal(bSawAWhileUncommitted, false, 'B never saw A’s row before A committed');
      if (sqlite) {
        t.same(log, ['A begins', 'A commits', 'B begins'], 'SQLite: one after the other, in the order they asked');
        t.equal(bSawA, true, 'SQLite: B, run after A, sees A’s committed row');
      } else {
        t.same(log, ['A begins', 'B begins', 'A commits']);
        t.equal(bSawA, false, 'PostgreSQL: B (READ COMMITTED) does not see the uncommitted row');
      }
      t.ok(await store.read((q) => q.userByUsername('from-a')));
      t.ok(await store.read((q) => q.userByUsername('from-b')));
    });

    t.test('a transaction rolled back while another waits leaves the other’s rows alone', async (t) => {
      const { store } = await open(t);
      let fail!: () => void;
      const failing = new Promise<void>((_resolve, reject) => (fail = () => reject(new Error('A fails late'))));
      // Handled from the start: on a loaded machine A may reach its await only after the rejection.
      failing.catch(() => undefined);
      const a = store.transaction(async (tx) => {
        await tx.insertUser(row('a-1'));
        await failing;
      });
      await new Promise((r) => setTimeout(r, 10));
      const b = store.transaction(async (tx) => {
        await tx.insertUser(row('b-1'));
        await new Promise((r) => setTimeout(r, 10));
        await tx.insertUser(row('b-2'));
      });
      setTimeout(fail, 20);
      t.match(await a.catch((err: unknown) => err), { message: 'A fails late' });
      await b;
      t.equal(await store.read((q) => q.userByUsername('a-1')), undefined, 'A’s row is gone');
      t.ok(await store.read((q) => q.userByUsername('b-1')), 'B’s rows are committed');
      t.ok(await store.read((q) => q.userByUsername('b-2')));
    });

    t.test('a logout while the session is being read is not undone by the cache', async (t) => {
      const { store } = await open(t);
      const users = new UsersService(store, 60_000);
      await users.create({ ...NEW, username: 'agent-1' });
      const { token } = (await users.login('agent-1', NEW.password))!;
      // Not cached yet: this check reads the database...
      const reading = users.userForToken(token);
      // ...and the logout happens before its row has come back.
      await users.logout(token);
      await reading; // whatever it answered, it was true when it read
      t.equal(await users.userForToken(token), null, 'the next check does not find a cached session');
    });
  });
}
