/**
 * Co-handling units (协办) in the monthly unit assessment (issue 14 items 2–3): each unit's
 * scorecard shows the orders it was asked to co-handle, its co-handling replies, and the lead
 * replies that went out before it had replied; a unit that only co-handled has a scorecard (not
 * ranked). Orders driven through the real lifecycle; the JSON-list SQL in both dialects.
 */
import fs from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import { sql } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { PgDialect } from 'drizzle-orm/pg-core';
import { openTmpDb } from '../helpers/db-fixtures.js';
import { bj } from '../helpers/report-fixture.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { Actor, OrderAction } from '../../src/workorders/lifecycle/index.js';
import { OrgSchema } from '../../src/config/files/schemas/org.js';
import { AssessmentConfigSchema } from '../../src/config/files/schemas/assessment.js';
import { AssessmentService } from '../../src/reports/assessment.js';
import { assessmentTable } from '../../src/reports/exports.js';
import { jsonArrayElements } from '../../src/reports/sql-dialect.js';

const org = OrgSchema.parse(parse(fs.readFileSync('config/org.yaml', 'utf8')));
const agent: Actor = { id: 101, role: 'agent', unitId: null };
const hrss: Actor = { id: 102, role: 'unit_handler', unitId: 'city-hrss' };
const housing: Actor = { id: 104, role: 'unit_handler', unitId: 'city-housing' };

t.test('a JSON list as rows, in each dialect', async (t) => {
  const q = sql`select j.value from work_order_events e, ${jsonArrayElements('e.data', 'coUnitIds', 'j', 'sqlite')}`;
  t.equal(new SQLiteSyncDialect().sqlToQuery(q).sql, `select j.value from work_order_events e, json_each(e.data, '$.coUnitIds') j`);
  const p = sql`select j.value from work_order_events e, ${jsonArrayElements('e.data', 'coUnitIds', 'j', 'postgresql')}`;
  t.equal(new PgDialect().sqlToQuery(p).sql, `select j.value from work_order_events e, jsonb_array_elements_text(e.data -> 'coUnitIds') as j(value)`);
  t.throws(() => jsonArrayElements('e.data', "x') --", 'j'), /not a JSON field name/);
});

t.test('October: co-handling received, replied and missed per unit', async (t) => {
  const h = openTmpDb(t);
  h.sqlite.exec(`
    insert into users (id, username, display_name, role, password_hash) values (101, 'ch-a1', 'A1', 'agent', 'x');
    insert into users (id, username, display_name, role, unit_id, password_hash) values (102, 'ch-hrss', 'HRSS', 'unit_handler', 'city-hrss', 'x');
    insert into users (id, username, display_name, role, unit_id, password_hash) values (104, 'ch-housing', 'HOUSING', 'unit_handler', 'city-housing', 'x');
  `);
  const clock = { now: 0 };
  const svc = new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => clock.now);
  const act = async (id: number, when: string, action: OrderAction, actor: Actor = agent) => {
    clock.now = bj(when);
    await svc.apply(id, action, actor);
  };
  const dispatched = async (when: string, lead: string, co: string[]) => {
    clock.now = bj(when);
    const id = (await svc.createDraft({ channel: '12345' })).id;
    await act(id, when, { type: 'accept', fields: { category: 'complaint', content: '诉求' } });
    await act(id, when, { type: 'dispatch', leadUnitId: lead, coUnitIds: co, deadlineAt: bj('2026-11-20T17:30') });
    return id;
  };
  // Z: dispatched in September with city-housing co-handling; its co-reply comes in October.
  const z = await dispatched('2026-09-29T09:00', 'city-hrss', ['city-housing']);
  await act(z, '2026-10-09T09:30', { type: 'reply', text: '协办意见' }, housing);
  // X: lead city-hrss, co city-housing and dq-amr; city-housing replies, city-hrss replies before dq-amr does.
  const x = await dispatched('2026-10-09T09:00', 'city-hrss', ['city-housing', 'dq-amr']);
  await act(x, '2026-10-09T10:00', { type: 'reply', text: '协办意见' }, housing);
  await act(x, '2026-10-09T10:10', { type: 'sign' }, hrss);
  await act(x, '2026-10-09T10:20', { type: 'start' }, hrss);
  await act(x, '2026-10-09T11:00', { type: 'reply', text: '已办结' }, hrss);
  // Y: lead dq-amr, co city-housing; nothing replied yet.
  await dispatched('2026-10-09T12:00', 'dq-amr', ['city-housing']);

  const cfg = AssessmentConfigSchema.parse({ minOrders: 1 });
  const svcA = new AssessmentService({ db: h.db, org: () => org, config: () => cfg, now: () => bj('2026-11-02T12:00') });
  const a = await svcA.scorecards({ role: 'shift_lead', unitId: null }, '2026-10');
  const row = (u: string) => a.rows.find((r) => r.unitId === u);
  t.match(
    row('city-housing'),
    { received: 0, score: null, rank: null, coHandling: { received: 2, replied: 2, missed: 0 } },
    'X and Y asked it; it replied on Z and X',
  );
  t.match(row('dq-amr'), { received: 1, coHandling: { received: 1, replied: 0, missed: 1 } }, 'co on X, where the lead replied without it');
  t.match(row('city-hrss'), { received: 1, replied: 1, coHandling: { received: 0, replied: 0, missed: 0 } }, 'Z came in September');
  t.equal(a.ranked, 2, 'the unit that only co-handled is not ranked');

  const own = await svcA.scorecards({ role: 'unit_handler', unitId: 'city-housing' }, '2026-10');
  t.same(
    own.rows.map((r) => [r.unitId, r.coHandling]),
    [['city-housing', { received: 2, replied: 2, missed: 0 }]],
    'a co-handling unit reads its own scorecard',
  );

  const table = assessmentTable(a, 'zh');
  const col = (zh: string) => table.columns.find((c) => c.zh === zh)!;
  t.same(
    ['协办收到', '协办回复', '协办未回复即办结'].map((h) => col(h).value(row('dq-amr')!)),
    [1, 0, 1],
    'the export carries the co-handling columns',
  );
});
