/**
 * The asynchronous port's own rules (decision 0017), the same on both dialects: a transaction
 * commits all or nothing; a failed statement aborts it, a later statement on it is refused
 * (TRANSACTION_ABORTED) and a function that swallowed the failure does not commit; a handle kept
 * past its transaction is refused (TRANSACTION_CLOSED). SQLite on a temp file, PostgreSQL real
 * (tools/postgres.ts). The statements are the dialect's own (raw SQL through drizzle).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { AsyncDbError } from '../../src/db/async-db.js';
import { openDb } from '../../src/db/connection.js';
import { openPostgres } from '../../src/db/postgres.js';
import { postgresAsync } from '../../src/db/postgres-async.js';
import { sqliteAsync } from '../../src/db/sqlite-async.js';
import { startPostgres } from '../helpers/postgres.js';

type Test = { teardown(fn: () => unknown): void };

/** What the checks need of a dialect: one statement each, on a connection or transaction handle. */
interface Rig {
  transaction<T>(fn: (tx: Handle) => Promise<T>): Promise<T>;
  /** The values in the test table, outside any transaction. */
  values(): Promise<number[]>;
}

interface Handle {
  insert(v: number): Promise<void>;
  /** A statement that fails (a duplicate primary key). */
  fail(): Promise<void>;
}

let databases = 0;

const DIALECTS: Record<'sqlite' | 'postgres', (parent: Test) => Promise<(t: Test) => Promise<Rig>>> = {
  async sqlite() {
    return async (t) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-async-db-'));
      const handle = openDb({ file: path.join(dir, 'sunline.db') });
      handle.sqlite.exec('CREATE TABLE contract_t (v INTEGER PRIMARY KEY)');
      const db = sqliteAsync(handle);
      t.teardown(async () => {
        await db.close();
        handle.close();
        fs.rmSync(dir, { recursive: true, force: true });
      });
      return {
        transaction: (fn) =>
          db.transaction((tx) =>
            fn({
              insert: (v) => tx.run((d) => void d.run(sql`INSERT INTO contract_t (v) VALUES (${v})`)),
              fail: () => tx.run((d) => void d.run(sql`INSERT INTO contract_t (v) VALUES (0)`)),
            }),
          ),
        values: () => db.read((c) => c.run((d) => d.all<{ v: number }>(sql`SELECT v FROM contract_t ORDER BY v`).map((r) => r.v))),
      };
    };
  },
  async postgres(parent) {
    const server = await startPostgres(parent);
    return async (t) => {
      const url = await server.createDatabase(`async_db_${++databases}`);
      const handle = await openPostgres({ url, max: 4 });
      await handle.pool.query('CREATE TABLE contract_t (v INTEGER PRIMARY KEY)');
      t.teardown(() => handle.close());
      const db = postgresAsync(handle);
      return {
        transaction: (fn) =>
          db.transaction((tx) =>
            fn({
              insert: async (v) => void (await tx.execute(sql`INSERT INTO contract_t (v) VALUES (${v})`)),
              fail: async () => void (await tx.execute(sql`INSERT INTO contract_t (v) VALUES (0)`)),
            }),
          ),
        values: () => db.read(async (c) => (await c.execute<{ v: number }>(sql`SELECT v FROM contract_t ORDER BY v`)).rows.map((r) => r.v)),
      };
    };
  },
};

/** The AsyncDbError code of a rejection (drizzle wraps a statement's error on PostgreSQL: its cause), or what else it was. */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    for (let e: unknown = err; e instanceof Error; e = e.cause) if (e instanceof AsyncDbError) return e.code;
    return `other: ${String(err)}`;
  }
}

for (const [dialect, setup] of Object.entries(DIALECTS)) {
  t.test(dialect, async (t) => {
    const open = await setup(t);

    t.test('a transaction commits all its statements, or none when its function throws', async (t) => {
      const rig = await open(t);
      await rig.transaction(async (tx) => {
        await tx.insert(0);
        await tx.insert(1);
      });
      t.same(await rig.values(), [0, 1]);
      t.equal(
        await refusal(
          rig.transaction(async (tx) => {
            await tx.insert(2);
            throw new Error('changed my mind');
          }),
        ),
        'other: Error: changed my mind',
      );
      t.same(await rig.values(), [0, 1], 'nothing of the thrown transaction is kept');
    });

    t.test('a function that swallowed a failed statement does not commit, and is not told it did', async (t) => {
      const rig = await open(t);
      await rig.transaction((tx) => tx.insert(0));
      const outcome = await refusal(
        rig.transaction(async (tx) => {
          await tx.insert(5);
          await tx.fail().catch(() => undefined);
        }),
      );
      t.equal(outcome, 'TRANSACTION_ABORTED');
      t.same(await rig.values(), [0], 'the statement before the failed one is not kept');
    });

    t.test('a statement after a failed one is refused', async (t) => {
      const rig = await open(t);
      await rig.transaction((tx) => tx.insert(0));
      let after = '';
      const outcome = await refusal(
        rig.transaction(async (tx) => {
          await tx.fail().catch(() => undefined);
          after = await refusal(tx.insert(7));
        }),
      );
      t.equal(after, 'TRANSACTION_ABORTED');
      t.equal(outcome, 'TRANSACTION_ABORTED');
      t.same(await rig.values(), [0]);
    });

    t.test('a handle kept past its transaction is refused', async (t) => {
      const rig = await open(t);
      let kept: Handle | undefined;
      await rig.transaction(async (tx) => {
        kept = tx;
        await tx.insert(1);
      });
      t.equal(await refusal(kept!.insert(2)), 'TRANSACTION_CLOSED');
      // The pooled client it ran on serves the next transaction normally.
      await rig.transaction((tx) => tx.insert(3));
      t.same(await rig.values(), [1, 3]);
    });
  });
}
