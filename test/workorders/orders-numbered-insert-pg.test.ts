/**
 * A create on PostgreSQL numbers its order in the statement that inserts it (orders-store-pg.ts
 * insertNumbered, decision 0019), so the day's counter row lock, which every other create waits
 * for, is held from that statement to COMMIT, with no round trip between. Real PostgreSQL
 * (tools/postgres.ts), the statements node-postgres sends on the transaction's client recorded:
 *
 * - a draft, and an order created accepted (the HTTP create and the intake), send BEGIN, one
 *   statement (counter, order, history) and a COMMIT that carries `SET LOCAL synchronous_commit =
 *   off` (postgres-async.ts transactionUnflushed), then the shared flush on the pool;
 * - the rows are the ones the statements in turn wrote: the `create` event first with the order's
 *   number in its data, then the action's; the counter holds the last number;
 * - numbers past 999,999 keep all their digits (orderNumberOf, written in SQL here);
 * - an action refused before anything is written takes no number.
 */
import pg from 'pg';
import t from 'tap';
import { openPostgres } from '../../src/db/postgres.js';
import { postgresAsync } from '../../src/db/postgres-async.js';
import { WorkOrdersService } from '../../src/workorders/index.js';
import { createAccepted } from '../../src/workorders/intake.js';
import { orderNumberOf, orderNumbering } from '../../src/workorders/order-numbers.js';
import { pgOrdersStore } from '../../src/workorders/orders-store-pg.js';
import { openPostgresDatabase } from '../../src/wiring/database.js';
import { startPostgres } from '../helpers/postgres.js';

const NOW = Date.parse('2026-11-26T10:00:00+08:00');
const COUNTER = 'workorder:HZ:20261126';
const agent = { id: 1, role: 'agent' as const, unitId: null };

/** A migrated database, a store on its own pool, and the statements each pooled client was sent (by client, in order). */
async function setup(t: Parameters<typeof startPostgres>[0]) {
  const server = await startPostgres(t);
  const url = await server.createDatabase('numbered');
  const migrated = await openPostgresDatabase({ url, poolSize: 2 });
  await migrated.close();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  t.teardown(() => admin.end());
  await admin.query(
    `insert into users (id, username, display_name, role, password_hash, disabled, created_at) values (1, 'agent', 'Agent', 'agent', '!', false, 0)`,
  );
  const handle = await openPostgres({ url, max: 2 });
  t.teardown(() => handle.close());
  const sent = new Map<object, string[]>();
  /** The named (prepared) statements sent: name and text. */
  const named = new Set<string>();
  handle.pool.on('acquire', (client) => {
    if (sent.has(client)) return;
    const texts: string[] = [];
    sent.set(client, texts);
    const query = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
      const q = args[0] as string | { text: string; name?: string };
      texts.push((typeof q === 'string' ? q : q.text).trim().toLowerCase());
      if (typeof q !== 'string' && q.name !== undefined) named.add(`${q.name} ${q.text}`);
      return query(...args);
    };
  });
  /** The statements sent since the last call, per client that was sent any. */
  const take = (): string[][] => {
    const out = [...sent.values()].filter((s) => s.length > 0).map((s) => s.splice(0));
    return out;
  };
  const orders = new WorkOrdersService(pgOrdersStore(postgresAsync(handle)), () => NOW);
  return { admin, orders, take, named };
}

/** Each statement's kind: enough to tell the round trips of a create apart. */
const kind = (text: string): string =>
  text === 'begin'
    ? 'begin'
    : text.startsWith('with ') &&
        text.includes('insert into "counters"') &&
        text.includes('insert into "work_order_events"') &&
        text.includes('insert into "work_orders"')
      ? 'counter+history+order'
      : text.includes('pg_logical_emit_message')
        ? 'flush'
        : text;

t.test('a create is BEGIN, one numbering insert, COMMIT (not flushed), then the shared flush', async (t) => {
  const { orders, take } = await setup(t);
  const draft = await orders.createDraft({ channel: '12345', callerPhone: '13800000000' });
  t.equal(draft.number, 'HZ-20261126-000001');
  /** The transaction's statements: BEGIN to COMMIT on its client (the flush may follow there, once the client is back in the pool). */
  const txOf = (clients: string[][]) => {
    const s = clients.map((c) => c.map(kind)).find((c) => c[0] === 'begin') ?? [];
    return s.slice(0, s.findIndex((k) => k.endsWith('commit')) + 1);
  };
  const first = take();
  t.same(
    txOf(first),
    ['begin', 'counter+history+order', 'set local synchronous_commit = off; commit'],
    'a draft: three round trips on the transaction client, the counter lock held over the last two only',
  );
  t.ok(
    first.some((s) => s.map(kind).includes('flush')),
    'answered after a shared flush',
  );
  const accepted = await createAccepted(orders, { draft: { channel: 'web' }, fields: { category: 'report', subject: 's', content: 'c' } }, agent);
  t.equal(accepted.number, 'HZ-20261126-000002');
  t.equal(accepted.status, 'accepted');
  const clients = take();
  t.same(txOf(clients), ['begin', 'counter+history+order', 'set local synchronous_commit = off; commit'], 'an order created accepted: the same three');
  t.ok(
    clients.some((s) => s.map(kind).includes('flush')),
    'answered after a shared flush',
  );
});

t.test('the numbered insert is one named statement per shape, its text built once', async (t) => {
  const { orders, named } = await setup(t);
  for (let i = 0; i < 3; i++) await orders.createDraft({ channel: '12345', callerPhone: `1380000000${i}` });
  for (let i = 0; i < 2; i++) await createAccepted(orders, { draft: { channel: 'web' }, fields: { category: 'report', subject: 's', content: 'c' } }, agent);
  const statements = [...named].filter((s) => s.startsWith('sunline_numbered_insert_'));
  t.equal(statements.length, 2, 'five creates of two shapes (a draft, an order created accepted): two statements, each sent with its name');
  t.ok(
    statements.every((s) => s.includes('insert into "counters"') && s.includes('insert into "work_orders"')),
    'each the counter, history and order statement',
  );
});

t.test('the rows: the order, its history in order with the number in the create event, the counter', async (t) => {
  const { admin, orders } = await setup(t);
  const draft = await orders.createDraft({ channel: '12345', callerPhone: '13800000000', agentId: 1 });
  const accepted = await createAccepted(orders, { draft: { channel: 'web' }, fields: { category: 'report', subject: 's', content: 'c' } }, agent);
  t.same(await orders.history(draft.id).then((es) => es.map((e) => [e.action, e.fromStatus, e.toStatus, e.actorId, e.data, e.at])), [
    ['create', null, 'draft', 1, { number: 'HZ-20261126-000001', channel: '12345' }, NOW],
  ]);
  const history = await orders.history(accepted.id);
  t.same(
    history.map((e) => [e.action, e.fromStatus, e.toStatus, e.at]),
    [
      ['create', null, 'draft', NOW],
      ['accept', 'draft', 'accepted', NOW],
    ],
    'create then accept, at one time',
  );
  t.same(history[0]!.data, { number: 'HZ-20261126-000002', channel: 'web' });
  t.ok(history[0]!.id < history[1]!.id, 'the create event first by id too');
  t.same(await orders.get(accepted.id), accepted, 'the order answered is the order stored');
  const { rows } = await admin.query<{ value: string }>(`select value::text from counters where name = $1`, [COUNTER]);
  t.same(rows, [{ value: '2' }]);
});

t.test('numbers past 999,999 keep all their digits, as orderNumberOf writes them', async (t) => {
  const { admin, orders } = await setup(t);
  await admin.query(`insert into counters (name, value) values ($1, 999998)`, [COUNTER]);
  const numbers: string[] = [];
  for (let i = 0; i < 3; i++) numbers.push((await orders.createDraft({ channel: '12345' })).number);
  const n = orderNumbering('HZ', NOW);
  t.same(numbers, [orderNumberOf(n, 999_999), orderNumberOf(n, 1_000_000), orderNumberOf(n, 1_000_001)]);
  t.same(numbers, ['HZ-20261126-999999', 'HZ-20261126-1000000', 'HZ-20261126-1000001']);
});

t.test('an action refused before anything is written takes no number', async (t) => {
  const { admin, orders } = await setup(t);
  await t.rejects(createAccepted(orders, { draft: { channel: 'web' }, fields: { category: 'report' } }, { id: 2, role: 'unit_handler', unitId: 'x' }));
  t.same((await admin.query(`select count(*)::int as n from counters`)).rows, [{ n: 0 }]);
  t.equal((await orders.createDraft({ channel: '12345' })).number, 'HZ-20261126-000001');
});
