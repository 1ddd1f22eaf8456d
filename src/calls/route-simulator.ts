/**
 * The route simulator (issue 11 item 6): what the front door would do with a call from a number
 * to a number at an instant — the hotline, what the caller hears, whether the line is open or it
 * is a holiday, the menu, the skill and the queue priority, and which logged-in agents app_queue
 * would offer it to now. Pure: the same decisions as front-door.ts (frontDoorPlan, hotlineFor,
 * the priority sum), on a configuration that may be a draft not yet saved.
 */
import { hotlineFor, overflowSecondsOf, type SunlineConfig } from '../config/files/index.js';
import type { WorkCalendar } from '../workorders/deadlines/work-calendar.js';
import { REPEAT_CALLER_BOOST } from './front-door.js';
import { frontDoorPlan, localTime } from './office-hours.js';
import { offerTier, type AgentSkill, type RoutingAgent } from './skill-routing.js';

/** A logged-in agent as agent_sessions has it. */
export interface SimAgent {
  readonly agentId: number;
  readonly displayName: string;
  readonly state: string;
  readonly penalty: number;
  readonly pauseReason: string | null;
  /** Routing skills with levels (decision 0015); absent: none. */
  readonly skills?: readonly AgentSkill[];
}

export interface RouteQuestion {
  readonly dialled: string;
  readonly from: string | null;
  readonly at: number;
  /** Open orders of the caller (a repeat caller is answered first). */
  readonly openOrders: number;
  readonly agents: readonly SimAgent[];
}

export interface RouteAnswer {
  readonly at: number;
  /** The instant in ivr.yaml's hours time zone, "YYYY-MM-DD HH:MM". */
  readonly local: string;
  readonly timezone: string;
  readonly dialled: string;
  readonly from: string | null;
  /** False: the number is not in numbers.yaml and the call is routed as the default number. */
  readonly listed: boolean;
  readonly hotline: {
    readonly number: string;
    readonly name: { readonly zh: string; readonly en?: string | undefined };
    readonly skill: string;
    /** Seconds the call waits for an agent with the skill before any free agent takes it (decision 0015). */
    readonly overflowSeconds: number;
  };
  readonly open: boolean;
  readonly holiday: string | null;
  /** Prompts in the order the caller would hear them (the first playable of each chain). */
  readonly prompts: Array<{ readonly kind: 'holiday' | 'greeting' | 'closed'; readonly chain: string[] }>;
  /** After the prompts: the queue, or the end of the call (outside hours with `hangup`). */
  readonly then: 'queue' | 'hangup';
  readonly menu: null | {
    readonly prompt: string;
    readonly timeoutSeconds: number;
    readonly options: Array<{ readonly digit: string; readonly number: string; readonly name: string; readonly skill: string }>;
  };
  readonly priority: { readonly total: number; readonly hotlineBoost: number; readonly repeatCaller: boolean; readonly repeatBoost: number };
  readonly openOrders: number;
  /**
   * Logged-in agents; `offered`: free now and offered it at once — free agents with the skill (best
   * level first), or anyone free when nobody standing has it; `tier` `after_overflow`: free but
   * offered it only once it has waited `hotline.overflowSeconds` (skill routing, decision 0015).
   */
  readonly agents: Array<SimAgent & { readonly offered: boolean; readonly tier: 'first' | 'after_overflow'; readonly skillLevel: number | null }>;
}

export function simulateRoute(config: SunlineConfig, calendar: WorkCalendar, q: RouteQuestion): RouteAnswer {
  const { numbers, ivr } = config;
  const hotline = hotlineFor(numbers, q.dialled);
  const plan = frontDoorPlan(ivr, calendar, q.at);
  const local = localTime(q.at, ivr.hours.timezone);
  const clock = `${String(Math.floor(local.minute / 60)).padStart(2, '0')}:${String(local.minute % 60).padStart(2, '0')}`;
  // The front door's chain (the first that plays is heard), each prompt once.
  const greeting = [...new Set([hotline.greeting.prompt, hotline.greeting.fallback, ivr.greeting.default, ivr.greeting.fallback])].filter(
    (p): p is string => !!p,
  );
  const prompts: RouteAnswer['prompts'][number][] = [];
  if (plan.open) {
    if (plan.before.length > 0) prompts.push({ kind: 'holiday', chain: [...plan.before] });
    prompts.push({ kind: 'greeting', chain: greeting });
  } else if (plan.closedPrompt) {
    prompts.push({ kind: 'closed', chain: [plan.closedPrompt] });
  }
  const menu =
    plan.open && ivr.menu
      ? {
          prompt: ivr.menu.prompt,
          timeoutSeconds: ivr.menu.timeoutSeconds,
          options: ivr.menu.options.map((o) => {
            const h = hotlineFor(numbers, o.number);
            return { digit: o.digit, number: o.number, name: h.name.zh, skill: h.skill };
          }),
        }
      : null;
  const repeatCaller = q.openOrders > 0;
  const repeatBoost = repeatCaller ? REPEAT_CALLER_BOOST : 0;
  // overflowSeconds 0 turns skill routing off: every free agent is offered the call at once.
  const skillsOn = overflowSecondsOf(numbers, hotline) > 0;
  const routing = q.agents.map((a) => ({ agentId: a.agentId, state: a.state as RoutingAgent['state'], skills: a.skills ?? [] }));
  const agents = q.agents
    .map((a, i) => {
      const { tier, level } = offerTier(hotline.skill, routing[i]!, skillsOn ? routing : []);
      return { ...a, offered: a.state === 'available' && tier === 'first', tier, skillLevel: level };
    })
    .sort((a, b) => rank(a) - rank(b) || (a.skillLevel ?? 10) - (b.skillLevel ?? 10) || a.penalty - b.penalty || a.agentId - b.agentId);
  return {
    at: q.at,
    local: `${local.date} ${clock}`,
    timezone: ivr.hours.timezone,
    dialled: q.dialled,
    from: q.from,
    listed: numbers.numbers.some((h) => h.number === q.dialled),
    hotline: { number: hotline.number, name: hotline.name, skill: hotline.skill, overflowSeconds: overflowSecondsOf(numbers, hotline) },
    open: plan.open,
    holiday: plan.holiday ?? null,
    prompts,
    then: plan.open ? 'queue' : plan.then,
    menu,
    priority: { total: hotline.priorityBoost + repeatBoost, hotlineBoost: hotline.priorityBoost, repeatCaller, repeatBoost },
    openOrders: q.openOrders,
    agents,
  };
}

/** Offered now, then free after the overflow, then the agents who are not free. */
function rank(a: { state: string; tier: 'first' | 'after_overflow' }): number {
  return a.state !== 'available' ? 2 : a.tier === 'first' ? 0 : 1;
}

/**
 * The instant of local wall-clock time "YYYY-MM-DD HH:MM" in `timeZone` (IANA), or undefined when
 * the text is not such a time. Found by correcting a UTC guess with the zone's offset at it.
 */
export function instantIn(text: string, timeZone: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return undefined;
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  if (new Date(wall).getUTCDate() !== d) return undefined; // 2026-02-30
  let at = wall;
  for (let i = 0; i < 2; i++) at = wall - offsetAt(at, timeZone);
  return at;
}

function offsetAt(at: number, timeZone: string): number {
  const local = localTime(at, timeZone);
  const [y, mo, d] = local.date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, mo - 1, d, Math.floor(local.minute / 60), local.minute % 60) - Math.floor(at / 60_000) * 60_000;
}
