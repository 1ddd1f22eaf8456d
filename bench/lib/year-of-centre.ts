/**
 * A year of a big centre for bench/reports.ts, written with raw prepared inserts in large
 * transactions (no services, no domain events): calls with their abandon events and the agents'
 * wrap-ups (agent_state_events), and work orders with the history the KPI layer reads
 * (work_order_events: accept, answer on the spot, dispatch, return and re-dispatch, sign-for,
 * extension, co-handling and lead replies, evaluations by survey / callback / third party,
 * supervision and second handling, close, missed calls and their callbacks).
 *
 * Deterministic (a seeded generator): the same spec writes the same rows. Days follow the
 * week (weekends ~0.6 of a weekday) and a season; hours the office day. An order's steps are
 * drawn forward from its creation; steps after `end` are not written, so the last days leave a
 * realistic backlog (dispatched, signed, replied orders, some past their deadline).
 */
import type Database from 'better-sqlite3';
import type { OrgConfig } from '../../src/config/files/schemas/org.js';
import { DAY_MS } from '../../src/lib/shanghai-time.js';
import { DETAILS, PLACES, SUBJECTS, orderContent } from './order-texts.js';

const HOUR = 3_600_000;
const MIN = 60_000;

export interface YearSpec {
  readonly calls: number;
  readonly orders: number;
  /** First Beijing midnight of the year (ms) and its number of days. */
  readonly start: number;
  readonly days: number;
  readonly agents: number;
  readonly callers: number;
  readonly seed: number;
}

/** The numbers dialled (all merged into the 12345 queue) and their shares of calls. */
const DIALLED: ReadonlyArray<readonly [string, number]> = [
  ['12345', 60],
  ['12333', 10],
  ['12315', 10],
  ['12328', 6],
  ['12356', 6],
  ['12329', 5],
  ['12330', 3],
];
const ORDER_CHANNELS: ReadonlyArray<readonly [string, number]> = [
  ...DIALLED.map(([n, w]) => [n, w * 0.7] as const),
  ['web', 15],
  ['wechat', 10],
  ['mailbox', 5],
];
const CATEGORY_SHARES: ReadonlyArray<readonly [string, number]> = [
  ['complaint', 35],
  ['consultation', 30],
  ['request_for_help', 20],
  ['suggestion', 8],
  ['report', 5],
  ['praise', 2],
];
/** Calls per hour of the Beijing day (relative). */
const HOURS = [0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.5, 1.5, 5, 8, 8, 7, 5, 5, 7, 7.5, 7, 6, 4, 3.5, 3, 2.5, 1.5, 0.8];
/** The township government of each place of order-texts.ts, and the city departments of each subject. */
const PLACE_UNITS = ['wx-aishan-gov', 'nx-nanxun-gov', 'dq-wukang-gov', 'dq-moganshan-gov', 'wx-zhili-gov'];
const PLACE_COUNTIES = ['wx-gov', 'nx-gov', 'dq-gov', 'dq-gov', 'wx-gov'];
const SUBJECT_UNITS = [
  ['city-eco'],
  ['city-urban'],
  ['city-hpf'],
  ['city-hrss'],
  ['city-transport'],
  ['city-housing'],
  ['city-urban', 'city-police'],
  ['city-eco', 'city-urban'],
  ['city-health', 'city-hrss'],
  ['city-housing', 'city-urban'],
  ['city-urban'],
  ['city-amr', 'dq-amr'],
];

/** mulberry32: a small seeded generator. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const weighted = <T>(items: ReadonlyArray<readonly [T, number]>) => {
  const total = items.reduce((s, [, w]) => s + w, 0);
  return (r: number): T => {
    let x = r * total;
    for (const [v, w] of items) if ((x -= w) < 0) return v;
    return items.at(-1)![0];
  };
};

export const callerPhone = (callerId: number) => `13${String(callerId).padStart(9, '0')}`;

/** Relative volume of a day (0 = the spec's first): weekdays over weekends, a season. */
function dayFactor(start: number, d: number): number {
  const weekday = new Date(start + d * DAY_MS + 8 * HOUR).getUTCDay();
  return (weekday === 0 || weekday === 6 ? 0.65 : 1.1) * (1 + 0.15 * Math.sin((2 * Math.PI * d) / 365));
}

/** How many of `total` fall on each day (summing exactly to total). */
export function perDay(spec: YearSpec, total: number): number[] {
  const f = Array.from({ length: spec.days }, (_, d) => dayFactor(spec.start, d));
  const sum = f.reduce((a, b) => a + b, 0);
  let cum = 0;
  return f.map((x) => {
    const before = Math.round(cum);
    cum += (x / sum) * total;
    return Math.round(cum) - before;
  });
}

/** `n` sorted times of the day starting at `dayStart` (office hours heavier), below `until`. */
function timesOfDay(rand: () => number, dayStart: number, n: number, until = Number.POSITIVE_INFINITY): number[] {
  const hour = weighted(HOURS.map((w, h) => [h, w] as const));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = dayStart + hour(rand()) * HOUR + Math.floor(rand() * HOUR);
    if (t < until) out.push(t);
  }
  return out.sort((a, b) => a - b);
}

const exp = (rand: () => number, mean: number) => -Math.log(1 - rand()) * mean;

export interface Writers {
  readonly sqlite: Database.Database;
  readonly agentIds: readonly number[];
  /** A unit's handler (the actor of its sign-fors, returns and replies). */
  readonly handlerOf: ReadonlyMap<string, number>;
}

/** Users (agents, one handler per unit) and callers; idempotent on the usernames. */
export function writePeople(sqlite: Database.Database, org: OrgConfig, spec: YearSpec): Writers {
  const addUser = sqlite.prepare(
    `insert into users (username, display_name, role, unit_id, password_hash, created_at) values (?, ?, ?, ?, 'bench:no-login', ?) on conflict do nothing`,
  );
  const idOf = sqlite.prepare('select id from users where username = ?').pluck();
  const agentIds: number[] = [];
  const handlerOf = new Map<string, number>();
  sqlite.transaction(() => {
    for (let i = 1; i <= spec.agents; i++) {
      addUser.run(`ry-agent-${i}`, `坐席${String(i).padStart(3, '0')}`, 'agent', null, spec.start);
      agentIds.push(idOf.get(`ry-agent-${i}`) as number);
    }
    for (const u of org.units) {
      addUser.run(`ry-unit-${u.id}`, `${u.name}承办人`, 'unit_handler', u.id, spec.start);
      handlerOf.set(u.id, idOf.get(`ry-unit-${u.id}`) as number);
    }
    const had = sqlite.prepare('select count(*) from callers').pluck().get() as number;
    const addCaller = sqlite.prepare('insert into callers (id, phone, first_seen_at, last_seen_at) values (?, ?, ?, ?)');
    for (let id = had + 1; id <= spec.callers; id++) addCaller.run(id, callerPhone(id), spec.start, spec.start);
  })();
  return { sqlite, agentIds, handlerOf };
}

/**
 * The inbound calls of one day: `n` calls entered from `dayStart` (those after `until` dropped),
 * their abandon events and the agents' wrap-up rows. Returns how many were written.
 */
export function writeCallsOfDay(w: Writers, spec: YearSpec, rand: () => number, dayStart: number, n: number, seq: { next: number }, until?: number): number {
  const s = w.sqlite;
  const call =
    s.prepare(`insert into calls (id, caller_id, caller_phone, dialled_number, hotline, state, agent_id, entered_at, queued_at, answered_at, ended_at, outcome, direction)
    values (?, ?, ?, ?, '12345', 'ended', ?, ?, ?, ?, ?, ?, 'in')`);
  const event = s.prepare(`insert into call_events (call_id, type, at, agent_id, data) values (?, ?, ?, ?, ?)`);
  const state = s.prepare(`insert into agent_state_events (agent_id, state, call_id, at) values (?, ?, ?, ?)`);
  const dialled = weighted(DIALLED);
  const recent: number[] = [];
  const times = timesOfDay(rand, dayStart, n, until);
  for (const entered of times) {
    const id = `ry-${seq.next++}`;
    // One call in ten is from a number that called earlier the same day (重复来电).
    const callerId = recent.length > 50 && rand() < 0.1 ? recent[Math.floor(rand() * recent.length)]! : 1 + Math.floor(rand() * spec.callers);
    if (recent.push(callerId) > 500) recent.shift();
    const r = rand();
    const queued = entered + 8_000 + Math.floor(rand() * 15_000);
    const busy = HOURS[new Date(entered + 8 * HOUR).getUTCHours()]! > 6;
    if (r < 0.04) {
      const ended = entered + 3_000 + Math.floor(rand() * 12_000);
      call.run(id, callerId, callerPhone(callerId), dialled(rand()), null, entered, null, null, ended, 'abandoned');
      event.run(id, 'abandoned', ended, null, '{"where":"front_door"}');
    } else if (r < 0.13) {
      const ended = queued + Math.floor(exp(rand, 40_000));
      call.run(id, callerId, callerPhone(callerId), dialled(rand()), null, entered, queued, null, ended, 'abandoned');
      event.run(id, 'abandoned', ended, null, '{"where":"queue"}');
    } else if (r < 0.14) {
      call.run(id, callerId, callerPhone(callerId), dialled(rand()), null, entered, queued, null, queued + 1_000, 'failed');
    } else {
      const agent = w.agentIds[seq.next % w.agentIds.length]!;
      const answered = queued + Math.floor(exp(rand, busy ? 18_000 : 8_000));
      const ended = answered + 60_000 + Math.floor(exp(rand, 200_000));
      call.run(id, callerId, callerPhone(callerId), dialled(rand()), agent, entered, queued, answered, ended, 'answered');
      state.run(agent, 'wrap_up', id, ended);
      state.run(agent, 'available', null, ended + 15_000 + Math.floor(exp(rand, 30_000)));
    }
  }
  return times.length;
}

/** All calls of the year, one transaction per day. */
export function writeCalls(w: Writers, spec: YearSpec, log: (s: string) => void): number {
  const rand = prng(spec.seed);
  const counts = perDay(spec, spec.calls);
  const seq = { next: 1 };
  let n = 0;
  for (let d = 0; d < spec.days; d++) {
    n += w.sqlite.transaction(() => writeCallsOfDay(w, spec, rand, spec.start + d * DAY_MS, counts[d]!, seq))();
    if (d % 30 === 29) log(`  calls: ${n} (day ${d + 1})`);
  }
  return n;
}

interface Step {
  readonly at: number;
  readonly action: string;
  readonly to: string | null;
  readonly actor: number | null;
  readonly role: string | null;
  readonly data: Record<string, unknown> | null;
}

/** The steps of one order's life, drawn forward from `t0` (not cut at the end yet). */
function orderSteps(
  rand: () => number,
  w: Writers,
  t0: number,
  category: string,
  lead: string,
  other: string,
  co: string | null,
  agent: number,
): { steps: Step[]; deadlines: { sign: number | null; reply: number | null } } {
  const steps: Step[] = [];
  const deadlines = { sign: null as number | null, reply: null as number | null };
  const add = (at: number, action: string, to: string | null, data: Record<string, unknown> | null = null, actor: number | null = agent, role = 'agent') =>
    steps.push({ at: Math.round(at), action, to, actor, role: actor === null ? null : role, data });
  const handler = (u: string) => w.handlerOf.get(u) ?? null;
  const satisfaction = (good: number) => {
    const r = rand();
    return r < good ? 'satisfied' : r < good + 0.14 ? 'basically_satisfied' : 'unsatisfied';
  };
  let t = t0;
  if (rand() < 0.03) {
    // A missed call (漏接): called back, found a demand half of the time.
    add(t, 'create', 'missed_call', null, null);
    if (rand() > 0.85) return { steps, deadlines };
    t += exp(rand, 2 * HOUR) + 5 * MIN;
    const demand = rand() < 0.5;
    add(t, 'callback_done', demand ? 'accepted' : 'closed', { result: demand ? 'demand' : 'no_demand' });
    if (!demand) return { steps, deadlines };
  } else add(t, 'accept', 'accepted');
  if (rand() < (category === 'consultation' ? 0.7 : 0.12)) {
    t += 2 * MIN + rand() * 5 * MIN;
    add(t, 'answer_on_spot', 'answered_on_spot');
    if (rand() < 0.4) add(t + 10 * MIN, 'record_survey', null, { result: satisfaction(0.85), channel: 'survey' }, null);
    return { steps, deadlines };
  }
  let unit = lead;
  const days = category === 'complaint' || category === 'request_for_help' ? 5 : 10;
  const dispatch = (at: number, action: string, u: string) => {
    deadlines.sign = at + DAY_MS;
    deadlines.reply = at + days * DAY_MS;
    add(at, action, 'dispatched', { leadUnitId: u, coUnitIds: co ? [co] : [] }, agent, 'dispatcher');
  };
  t += 10 * MIN + rand() * 80 * MIN;
  dispatch(t, 'dispatch', unit);
  if (rand() < 0.04) {
    t += HOUR + rand() * 5 * HOUR;
    add(t, 'return', 'returned', { reason: '非本单位职责' }, handler(unit), 'unit_handler');
    unit = other;
    t += 30 * MIN + rand() * 90 * MIN;
    dispatch(t, 'redispatch', unit);
  }
  t += rand() < 0.04 ? 25 * HOUR + rand() * 15 * HOUR : 30 * MIN + rand() * 20 * HOUR;
  add(t, 'sign', 'signed', { late: t > deadlines.sign! }, handler(unit), 'unit_handler');
  if (rand() < 0.03) {
    deadlines.reply! += 5 * DAY_MS;
    add(t + 2 * DAY_MS, 'grant_extension', null, { deadlineAt: deadlines.reply }, agent, 'dispatcher');
  }
  let coReplied = false;
  if (co && rand() < 0.85) {
    coReplied = true;
    add(t + DAY_MS * (0.3 + rand()), 'reply', null, { part: 'co_unit', unitId: co }, handler(co), 'unit_handler');
  }
  const reply = (from: number) => {
    const at = rand() < 0.07 ? deadlines.reply! + (0.5 + rand() * 2.5) * DAY_MS : Math.min(deadlines.reply! - HOUR, from + (0.3 + rand() * 4) * DAY_MS);
    add(
      at,
      'reply',
      'replied',
      { part: 'lead_unit', unitId: unit, late: at > deadlines.reply!, coUnitsNotReplied: co && !coReplied ? [co] : [] },
      handler(unit),
      'unit_handler',
    );
    return at;
  };
  t = Math.max(t + 2 * DAY_MS + HOUR, reply(t));
  let last = t;
  if (rand() < 0.75) {
    const channel = rand() < 0.55 ? 'callback' : rand() < 0.78 ? 'survey' : 'third_party';
    const result = satisfaction(0.78);
    last = t + (0.5 + rand() * 1.5) * DAY_MS;
    add(last, 'evaluate', 'evaluated', { result, channel });
    if (result === 'unsatisfied' && rand() < 0.6) {
      // Supervised (督办): handled a second time, evaluated again.
      last += DAY_MS;
      add(last, 'supervise', 'supervised', { level: 1 }, agent, 'shift_lead');
      deadlines.reply = last + 5 * DAY_MS;
      last += 2 * HOUR;
      add(last, 'start', 'in_progress', { secondHandling: true, handlingRound: 2 }, handler(unit), 'unit_handler');
      coReplied = true;
      last = reply(last);
      last += DAY_MS;
      add(last, 'evaluate', 'evaluated', { result: satisfaction(0.7), channel: 'callback' });
    }
  }
  add(last + 2 * HOUR, 'close', 'closed');
  return { steps, deadlines };
}

/** All orders of the year with their history, one transaction per day; steps after the year's end are left for later. */
export function writeOrders(w: Writers, org: OrgConfig, spec: YearSpec, log: (s: string) => void): { orders: number; events: number } {
  const s = w.sqlite;
  const rand = prng(spec.seed + 1);
  const units = new Set(org.units.map((u) => u.id));
  const known = (u: string) => (units.has(u) ? u : 'city-urban');
  const end = spec.start + spec.days * DAY_MS;
  const insert = s.prepare(`insert into work_orders (number, channel, caller_id, caller_phone, category, subject, content, location, status, agent_id,
      callback_due, deadline_at, lead_unit_id, co_unit_ids, sign_deadline_at, satisfaction, supervision_level, handling_round, created_at, updated_at)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const event = s.prepare(
    `insert into work_order_events (order_id, at, actor_id, actor_role, action, from_status, to_status, data) values (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const channel = weighted(ORDER_CHANNELS);
  const category = weighted(CATEGORY_SHARES);
  const counts = perDay(spec, spec.orders);
  let n = 0;
  let events = 0;
  for (let d = 0; d < spec.days; d++) {
    const month = new Date(spec.start + d * DAY_MS + 8 * HOUR).getUTCMonth();
    // Subjects rise and fall with the season: each has its peak month.
    const subject = weighted(SUBJECTS.map((x, j) => [j, 1 + 0.9 * Math.sin((2 * Math.PI * (month + j * 5)) / 12)] as const));
    s.transaction(() => {
      for (const t0 of timesOfDay(rand, spec.start + d * DAY_MS, counts[d]!)) {
        n++;
        const cat = category(rand());
        const sj = subject(rand());
        const p = Math.floor(rand() * PLACES.length);
        const local = rand() < 0.35;
        const cands = SUBJECT_UNITS[sj]!;
        const lead = known(local ? (rand() < 0.8 ? PLACE_UNITS[p]! : PLACE_COUNTIES[p]!) : cands[Math.floor(rand() * cands.length)]!);
        const other = known(local ? cands[0]! : PLACE_UNITS[p]!);
        const co = rand() < 0.12 ? known(lead === PLACE_UNITS[p] ? 'city-urban' : PLACE_UNITS[p]!) : null;
        const agent = w.agentIds[Math.floor(rand() * w.agentIds.length)]!;
        const callerId = 1 + Math.floor(rand() * spec.callers);
        const { steps, deadlines } = orderSteps(rand, w, t0, cat, lead, other, co, agent);
        const kept = steps.filter((x) => x.at < end);
        let status = 'draft';
        let leadUnit: string | null = null;
        let satisfaction: string | null = null;
        let supervision = 0;
        let round = 1;
        for (const x of kept) {
          if (x.action === 'dispatch' || x.action === 'redispatch') leadUnit = x.data!['leadUnitId'] as string;
          if (x.action === 'evaluate') satisfaction = x.data!['result'] as string;
          if (x.action === 'supervise') supervision = 1;
          if (x.action === 'start') round = 2;
          if (x.to) status = x.to;
        }
        const dispatched = leadUnit !== null;
        const id = Number(
          insert.run(
            `RY${String(n).padStart(8, '0')}`,
            channel(rand()),
            callerId,
            callerPhone(callerId),
            cat,
            SUBJECTS[sj],
            orderContent(PLACES[p]!, SUBJECTS[sj]!, DETAILS[Math.floor(rand() * DETAILS.length)]!, n),
            PLACES[p],
            status,
            agent,
            status === 'missed_call' ? 1 : 0,
            dispatched ? deadlines.reply : null,
            leadUnit,
            JSON.stringify(dispatched && co ? [co] : []),
            dispatched ? deadlines.sign : null,
            satisfaction,
            supervision,
            round,
            t0,
            kept.at(-1)!.at,
          ).lastInsertRowid,
        );
        let from: string | null = null;
        for (const x of kept) {
          event.run(id, x.at, x.actor, x.role, x.action, from, x.to ?? from, x.data === null ? null : JSON.stringify(x.data));
          if (x.to) from = x.to;
          events++;
        }
      }
    })();
    if (d % 30 === 29) log(`  orders: ${n}, events: ${events} (day ${d + 1})`);
  }
  return { orders: n, events };
}
