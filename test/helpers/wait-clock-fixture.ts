/**
 * A real SQLite file with the services as buildApp wires them for the deadline clocks: the
 * work-order service with its waiting clocks (sla.yaml, calendar.yaml as shipped, or edited by
 * the test), the deadline scheduler and the automatic supervision. `reopen()` is a restart:
 * a new connection and new instances of every service over the same file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { openDb, type DbHandle } from '../../src/db/connection.js';
import { sqliteAsync, type SqliteAsyncDb } from '../../src/db/sqlite-async.js';
import { DomainEvents, type DeadlineWarning } from '../../src/events/domain-events.js';
import { createLogger } from '../../src/logging/logger.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { Actor, OrderCategory } from '../../src/workorders/lifecycle/index.js';
import {
  CalendarConfigSchema,
  SlaConfigSchema,
  buildWorkCalendar,
  handlingDeadline,
  signForDeadline,
  type SlaConfig,
} from '../../src/workorders/deadlines/index.js';
import { DeadlineScheduler, type DeadlineSchedulerOptions } from '../../src/workorders/deadlines/scheduler.js';
import { sqliteWarningsStore } from '../../src/workorders/deadlines/warnings-store-sqlite.js';
import { orderClocksFrom } from '../../src/workorders/order-clocks.js';
import { AutoSupervision } from '../../src/workorders/auto-supervision.js';

export const LEAD = 'hz-hrss';
/** Beijing wall-clock time → epoch ms, independent of the host TZ. */
export const bj = (s: string) => Date.parse(`${s}:00+08:00`);
const readYaml = (name: string): unknown => parse(fs.readFileSync(new URL(`../../config/${name}`, import.meta.url), 'utf8'));
export const shippedSla = SlaConfigSchema.parse(readYaml('sla.yaml'));
const built = buildWorkCalendar(CalendarConfigSchema.parse(readYaml('calendar.yaml')));
if (!built.ok) throw new Error(JSON.stringify(built.problems));
export const calendar = built.calendar;

export const agent: Actor = { id: 1, role: 'agent', unitId: null };
export const lead: Actor = { id: 2, role: 'unit_handler', unitId: LEAD };
export const shiftLead: Actor = { id: 4, role: 'shift_lead', unitId: null };
/** The platform's own account (UsersService.systemUser in the app). */
export const SYSTEM_ID = 3;

export interface ClockFixture {
  readonly file: string;
  h: DbHandle;
  readonly clock: { now: number };
  readonly cfg: { sla: SlaConfig };
  svc: WorkOrdersService;
  readonly warned: DeadlineWarning[];
  /** A scheduler (with the automatic supervision) over the current connection. */
  scheduler(opts?: Partial<DeadlineSchedulerOptions>): DeadlineScheduler;
  /** Scan at a Beijing time; returns "kind n" per warning (n: the order number's last digit). */
  scanAt(s: DeadlineScheduler, at: string): Promise<string[]>;
  /** A restart: a new connection and new service instances over the same file. */
  reopen(): void;
}

/** `clocks: false`: a service without waiting clocks (the unit's sign-for and handling clocks only). */
export function clockFixture(t: { teardown(fn: () => unknown): void }, opts: { clocks?: boolean } = {}): ClockFixture {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-clocks-'));
  const file = path.join(dir, 'clocks.db');
  const handles: DbHandle[] = [];
  const ports = new Map<DbHandle, SqliteAsyncDb>();
  const schedulers: DeadlineScheduler[] = [];
  t.teardown(async () => {
    await Promise.all(schedulers.map((s) => s.stop()));
    for (const p of ports.values()) await p.close();
    handles.forEach((h) => h.close());
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const open = () => {
    const h = openDb({ file });
    handles.push(h);
    return h;
  };
  const clock = { now: bj('2026-03-02 10:00') };
  const cfg = { sla: shippedSla };
  const config = () => ({ calendar, sla: cfg.sla });
  const clocks = opts.clocks === false ? {} : { clocks: orderClocksFrom(config, () => ({ id: SYSTEM_ID })) };
  const service = (h: DbHandle) => new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => clock.now, clocks);
  const events = new DomainEvents();
  const log = createLogger({ level: 'silent' });
  const h = open();
  h.sqlite.exec(`
    insert into users (id, username, display_name, role, password_hash) values (1, 'a1', 'Agent', 'agent', 'x');
    insert into users (id, username, display_name, role, unit_id, password_hash) values (2, 'u1', 'Unit', 'unit_handler', '${LEAD}', 'x');
    insert into users (id, username, display_name, role, password_hash, disabled) values (3, 'system', 'Sunline', 'admin', '!', 1);
    insert into users (id, username, display_name, role, password_hash) values (4, 'l1', 'Lead', 'shift_lead', 'x');
  `);
  const f: ClockFixture = {
    file,
    h,
    clock,
    cfg,
    svc: service(h),
    warned: [],
    scheduler(opts = {}) {
      const escalation = new AutoSupervision({ orders: f.svc, systemActor: () => ({ id: SYSTEM_ID, role: 'admin', unitId: null }), log });
      let port = ports.get(f.h);
      if (!port) ports.set(f.h, (port = sqliteAsync(f.h)));
      const s = new DeadlineScheduler({ store: sqliteWarningsStore(port), config, events, log, now: () => clock.now, escalation, ...opts });
      schedulers.push(s);
      return s;
    },
    async scanAt(s, at) {
      clock.now = bj(at);
      return (await s.scanOnce()).warnings.map((w) => `${w.kind} ${w.number.slice(-1)}`);
    },
    reopen() {
      f.h.close();
      f.h = open();
      f.svc = service(f.h);
    },
  };
  events.on('workorder.deadline', (w) => f.warned.push(w));
  return f;
}

/** An order taken on at `at` (a complaint unless told), accepted by the agent; returns its id. */
export async function accepted(f: ClockFixture, at: string, category: OrderCategory = 'complaint'): Promise<number> {
  f.clock.now = bj(at);
  const o = await f.svc.createDraft({ channel: '12345', callerPhone: '13800138000', agentId: 1 });
  await f.svc.apply(o.id, { type: 'accept', fields: { category, subject: '噪音', content: '夜间施工噪音扰民' } }, agent);
  return o.id;
}

/** Accepted and dispatched at `at` with the deadlines sla.yaml gives. */
export async function dispatched(f: ClockFixture, at: string, category: OrderCategory = 'complaint'): Promise<number> {
  const id = await accepted(f, at, category);
  const deadlineAt = handlingDeadline(category, f.clock.now, f.cfg.sla, calendar);
  await f.svc.apply(id, { type: 'dispatch', leadUnitId: LEAD, deadlineAt, signDeadlineAt: signForDeadline(f.clock.now, f.cfg.sla, calendar) }, agent);
  return id;
}

/** Dispatched, signed for and started at `at`. */
export async function handling(f: ClockFixture, at: string, category: OrderCategory = 'complaint'): Promise<number> {
  const id = await dispatched(f, at, category);
  await f.svc.apply(id, { type: 'sign' }, lead);
  await f.svc.apply(id, { type: 'start' }, lead);
  return id;
}

export const historyOf = async (f: ClockFixture, id: number) =>
  (await f.svc.history(id)).map((e) => `${e.action} ${e.fromStatus ?? '-'}→${e.toStatus ?? '-'} by ${e.actorId ?? '-'}/${e.actorRole ?? '-'}`);
