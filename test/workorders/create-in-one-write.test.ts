/**
 * An order created already acted on (the HTTP create and the online intake: accepted at once) is
 * written in ONE write of its row (WorkOrdersService.createActedWithin, issue 18 part 3), and
 * leaves exactly what the two steps it replaces left — createDraftWithin, then applyWithin of the
 * action, in one transaction: the same row, the same history (`create` then the action's, same
 * actors, times and data), the same full-text entry, the same changes told to onApplied after
 * the commit. Each case runs both ways on two fresh databases with the same clock and compares
 * every table; only the random lookup code differs. A refusal leaves both databases as they were.
 */
import t from 'tap';
import type { DbHandle } from '../../src/db/connection.js';
import { WorkOrderError } from '../../src/workorders/errors.js';
import { LOOKUP_CODE_ALPHABET, LOOKUP_CODE_LENGTH } from '../../src/workorders/lookup-code.js';
import { WorkOrdersService, sqliteOrdersStoreOn, type NewDraft, type OrderApplied } from '../../src/workorders/index.js';
import { createAccepted } from '../../src/workorders/intake.js';
import type { Actor, OrderAction } from '../../src/workorders/lifecycle/index.js';
import { orderClocksFrom } from '../../src/workorders/order-clocks.js';
import { openTmpDb } from '../helpers/db-fixtures.js';
import { bj, calendar, shippedSla } from '../helpers/wait-clock-fixture.js';

const agent: Actor = { id: 1, role: 'agent', unitId: null };
const system: Actor = { id: 3, role: 'admin', unitId: null };
const handler: Actor = { id: 2, role: 'unit_handler', unitId: 'hz-hrss' };

type Acted = Exclude<OrderAction, { type: 'merge_into' | 'link' }>;

interface Side {
  readonly h: DbHandle;
  readonly orders: WorkOrdersService;
  readonly applied: OrderApplied[];
}

function side(t: Parameters<typeof openTmpDb>[0], now: number, withClocks: boolean): Side {
  const h = openTmpDb(t);
  h.sqlite.exec(`
    insert into users (id, username, display_name, role, password_hash, created_at) values (1, 'a1', 'Agent', 'agent', 'x', 0);
    insert into users (id, username, display_name, role, unit_id, password_hash, created_at) values (2, 'u1', 'Unit', 'unit_handler', 'hz-hrss', 'x', 0);
    insert into users (id, username, display_name, role, password_hash, disabled, created_at) values (3, 'system', 'Sunline', 'admin', '!', 1, 0);
  `);
  // A built report day, so that the rollups' dirty marks (triggers on both tables) are compared too.
  const day = Date.parse(new Date(now + 8 * 3600_000).toISOString().slice(0, 10) + 'T00:00:00+08:00');
  h.sqlite.prepare(`insert into report_rollup_days (source, day, built_at, seq) values ('orders', ?, 1, 0)`).run(day);
  const applied: OrderApplied[] = [];
  const clocks = withClocks
    ? {
        clocks: orderClocksFrom(
          () => ({ calendar, sla: shippedSla }),
          () => ({ id: system.id }),
        ),
      }
    : {};
  const orders = new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => now, { ...clocks, onApplied: (c) => applied.push(c) });
  return { h, orders, applied };
}

/** The two steps the one write replaces (intake.ts's createAccepted before issue 18 part 3). */
function twoSteps(s: Side, input: NewDraft, action: Acted, actor: Actor): Promise<number> {
  return s.orders.transaction(async (tx) => {
    const draft = await s.orders.createDraftWithin(tx, input);
    return (await s.orders.applyWithin(tx, draft.id, action, actor)).order.id;
  });
}

async function oneWrite(s: Side, input: NewDraft, action: Acted, actor: Actor): Promise<number> {
  return (await s.orders.transaction((tx) => s.orders.createActedWithin(tx, input, action, actor))).id;
}

const LOOKUP_CODE = new RegExp(`^[${LOOKUP_CODE_ALPHABET}]{${LOOKUP_CODE_LENGTH}}$`);

const tableNames = (h: DbHandle): string[] =>
  (
    h.sqlite
      .prepare(
        `select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'work_orders_fts%' and name not like '__drizzle%' order by name`,
      )
      .all() as Array<{ name: string }>
  ).map((r) => r.name);

/**
 * Every table's rows, in rowid order: work_orders without its random lookup code (checked
 * apart), the full-text index by its content (its shadow tables keep how it was written, not
 * what it holds), the rollups' dirty marks without their counter (raised once per trigger firing:
 * what matters is which days are marked, above the day's built seq).
 */
function dump(h: DbHandle): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const name of tableNames(h)) {
    const rows = h.sqlite.prepare(`select * from "${name}"`).all() as Array<Record<string, unknown>>;
    out[name] = rows.map((r) => {
      if (name === 'work_orders') {
        const { lookup_code: code, ...rest } = r;
        return { ...rest, lookup_code: typeof code === 'string' && LOOKUP_CODE.test(code) ? 'a lookup code' : code };
      }
      if (name === 'report_rollup_dirty') {
        const { seq, ...rest } = r;
        return { ...rest, seqAboveBuilt: (seq as number) > 0 };
      }
      return r;
    });
  }
  out['work_orders_fts'] = h.sqlite.prepare(`select rowid, * from work_orders_fts order by rowid`).all();
  out['fts match'] = h.sqlite.prepare(`select rowid from work_orders_fts where work_orders_fts match '"路灯不亮"' order by rowid`).all();
  return out;
}

const CASES: Array<{ name: string; input: NewDraft; action: Acted; actor: Actor; clocks: boolean }> = [
  {
    name: 'an agent creating an accepted order over HTTP (confidential, the reporter renamed)',
    input: { channel: '12345', callerPhone: '13900001234', callerName: '张三', agentId: agent.id },
    action: {
      type: 'accept',
      fields: {
        category: 'complaint',
        subject: '路灯不亮',
        content: '小区路灯不亮已一周',
        location: '吴兴区爱山街道',
        callerName: '张三丰',
        confidential: true,
      },
    },
    actor: agent,
    clocks: true,
  },
  {
    name: 'an online submission accepted by the platform account',
    input: { channel: 'web', callerPhone: '13900005678', callerName: null },
    action: {
      type: 'accept',
      fields: { category: 'consultation', subject: '路灯不亮', content: '咨询路灯报修', location: null, callerName: null, confidential: false },
    },
    actor: system,
    clocks: true,
  },
  {
    name: 'the fewest fields, no waiting clocks configured',
    input: { channel: '12345' },
    action: { type: 'accept', fields: { category: 'report', content: '举报' } },
    actor: agent,
    clocks: false,
  },
  {
    name: 'a call of an outage nobody answered: abandoned at once (a missed-call order on its callback clock)',
    input: { channel: '12345', callerPhone: '13900009999', callerName: null },
    action: { type: 'abandon', reason: 'caller hung up during the greeting (server down)' },
    actor: system,
    clocks: true,
  },
  {
    name: 'a call of an outage that was answered: closed at once',
    input: { channel: '12345', callerPhone: '13900009999', callerName: null },
    action: { type: 'close', reason: 'answered while the Sunline server was down: no record of the conversation' },
    actor: system,
    clocks: true,
  },
];

for (const c of CASES) {
  t.test(`one write = the two steps: ${c.name}`, async (t) => {
    const now = bj('2026-03-02 10:00');
    const a = side(t, now, c.clocks);
    const b = side(t, now, c.clocks);
    // Two orders each, so that the second one's number and ids follow on the first.
    const idsA = [await twoSteps(a, c.input, c.action, c.actor), await twoSteps(a, c.input, c.action, c.actor)];
    const idsB = [await oneWrite(b, c.input, c.action, c.actor), await oneWrite(b, c.input, c.action, c.actor)];
    t.same(idsB, idsA);
    const [dumpA, dumpB] = [dump(a.h), dump(b.h)];
    t.ok(dumpA['work_order_events']!.length === 4, 'two events per order');
    for (const name of Object.keys(dumpA)) t.same(dumpB[name], dumpA[name], name);
    t.same(Object.keys(dumpB), Object.keys(dumpA), 'the same tables');
    t.same(b.applied, a.applied, 'onApplied told the same changes, in the same order');
    t.same(
      b.applied.map((x) => [x.action, x.status]),
      [
        ['create', 'draft'],
        [c.action.type, dumpA['work_orders']![0] && (dumpA['work_orders']![0] as { status: string }).status],
        ['create', 'draft'],
        [c.action.type, (dumpA['work_orders']![1] as { status: string }).status],
      ],
    );
    // The row, as the service reads it back, is the one it returned.
    t.same(
      (await b.orders.history(idsB[0]!)).map((e) => e.action),
      ['create', c.action.type],
    );
  });
}

t.test('the comparison can fail: a missing event, a column written differently', async (t) => {
  const now = bj('2026-03-02 10:00');
  const a = side(t, now, true);
  const b = side(t, now, true);
  const [c] = CASES;
  await twoSteps(a, c!.input, c!.action, c!.actor);
  const id = await oneWrite(b, c!.input, c!.action, c!.actor);
  t.same(dump(b.h), dump(a.h));
  b.h.sqlite.prepare(`delete from work_order_events where order_id = ? and action = 'accept'`).run(id);
  t.notSame(dump(b.h)['work_order_events'], dump(a.h)['work_order_events'], 'an event missing is seen');
  b.h.sqlite.prepare(`update work_orders set version = 1 where id = ?`).run(id);
  t.notSame(dump(b.h)['work_orders'], dump(a.h)['work_orders'], 'a version written as 1 (not the two steps’ 2) is seen');
});

t.test('a refused action writes nothing either way and is refused with the same code', async (t) => {
  const now = bj('2026-03-02 10:00');
  const a = side(t, now, true);
  const b = side(t, now, true);
  const refusals: Array<[Acted, Actor, string]> = [
    [{ type: 'accept', fields: { category: 'complaint' } }, agent, 'MISSING_FIELD'],
    [{ type: 'accept', fields: { category: 'nonsense' as never, content: 'x' } }, agent, 'INVALID_FIELD'],
    [{ type: 'accept', fields: { content: 'x', colour: 'red' } as never }, agent, 'INVALID_FIELD'],
    [{ type: 'accept', fields: { category: 'complaint', content: 'x' } }, handler, 'FORBIDDEN_ROLE'],
    [{ type: 'sign' }, agent, 'ILLEGAL_TRANSITION'],
  ];
  const before = [dump(a.h), dump(b.h)];
  for (const [action, actor, code] of refusals) {
    const codeOf = async (f: () => Promise<unknown>): Promise<string> => {
      try {
        await f();
      } catch (err) {
        return err instanceof WorkOrderError ? err.code : String(err);
      }
      return 'no refusal';
    };
    const input = { channel: '12345', callerPhone: '13900001234', agentId: agent.id };
    t.equal(await codeOf(() => twoSteps(a, input, action, actor)), code, `two steps: ${code}`);
    t.equal(await codeOf(() => oneWrite(b, input, action, actor)), code, `one write: ${code}`);
  }
  t.same([dump(a.h), dump(b.h)], before, 'nothing written, the day’s number counter untouched');
  t.same([a.applied, b.applied], [[], []], 'nothing told');
  // The next create takes the number a first create would have.
  const id = (await createAccepted(b.orders, { draft: { channel: '12345' }, fields: { category: 'report', content: 'x' } }, agent)).id;
  t.match((await b.orders.get(id)).number, /-000001$/);
});
