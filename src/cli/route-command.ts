/**
 * `sunline route NUMBER [--at "YYYY-MM-DD HH:MM"] [--from PHONE]` (issue 11 item 6): what the
 * front door would do with such a call, on the configuration folder (SUNLINE_CONFIG_DIR or
 * --config DIR) — the same decisions as the server's, and the agents logged in now from the
 * server's database (cli-database.ts: SUNLINE_DATABASE_URL's PostgreSQL, else SUNLINE_DB_FILE, or
 * --db FILE; none when there is no database file yet).
 * `--json` prints the answer as the API gives it.
 */
import fs from 'node:fs';
import { AgentSkillsService } from '../agents/skills.js';
import { formatProblem, loadConfigDir } from '../config/files/index.js';
import { instantIn, simulateWithFacts, type RouteAnswer } from '../calls/index.js';
import type { CliIo } from './io.js';
import { cliDatabaseWhere, openCliDatabase, type CliDatabaseEnv } from './cli-database.js';

export const ROUTE_USAGE = `  route NUMBER [--at "YYYY-MM-DD HH:MM"] [--from PHONE] [--json]
                       simulate a call to NUMBER: hotline, prompts, hours and holiday, menu,
                       skill and queue priority, agents who would be offered it now
                       (--at in ivr.yaml's hours.timezone, default now; also --config DIR, --db FILE)`;

export interface RouteCommandEnv extends CliDatabaseEnv {
  readonly configDir: string;
}

const VALUE_FLAGS = ['--at', '--from', '--config', '--db'];

export async function routeCommand(args: readonly string[], env: RouteCommandEnv, io: CliIo): Promise<number> {
  const flags = new Map<string, string>();
  const rest: string[] = [];
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    // A repeated option is refused rather than the last one silently taken (`--from A --from B`).
    if ((a === '--json' && json) || flags.has(a)) {
      io.err(`sunline route: ${a} is given twice: give it once`);
      io.err(ROUTE_USAGE);
      return 2;
    }
    if (a === '--json') json = true;
    else if (VALUE_FLAGS.includes(a) && args[i + 1] !== undefined) flags.set(a, args[++i]!);
    else rest.push(a);
  }
  const dialled = rest[0];
  const from = flags.get('--from') ?? null;
  if (rest.length !== 1 || dialled === undefined || !/^\+?\d{3,20}$/.test(dialled) || (from !== null && !/^\+?\d{3,20}$/.test(from))) {
    io.err(`sunline route: expected a number to call (digits) and options, got "${args.join(' ')}"`);
    io.err(ROUTE_USAGE);
    return 2;
  }
  const dir = flags.get('--config') ?? env.configDir;
  const loaded = await loadConfigDir(dir);
  if (!loaded.ok) {
    for (const p of loaded.problems) io.out(formatProblem(p));
    io.err(`sunline route: the configuration in ${dir} does not load`);
    return 1;
  }
  const atText = flags.get('--at');
  const at = atText === undefined ? Date.now() : instantIn(atText, loaded.config.ivr.hours.timezone);
  if (at === undefined) {
    io.err(`sunline route: --at "${atText}" is not a time (YYYY-MM-DD HH:MM)`);
    return 2;
  }
  const dbFlag = flags.get('--db');
  const where = cliDatabaseWhere(env, dbFlag);
  let answer: RouteAnswer;
  if (where.dialect === 'postgres' || fs.existsSync(where.where)) {
    const db = await openCliDatabase(env, dbFlag);
    try {
      const { orders, agentSessions, skills } = db.stores;
      answer = await simulateWithFacts({ orders, sessions: agentSessions, skills: new AgentSkillsService(skills) }, loaded.config, { dialled, from, at });
    } finally {
      await db.close();
    }
  } else {
    io.err(`sunline route: no database at ${where.where}: no agents or caller history shown`);
    answer = await simulateWithFacts(null, loaded.config, { dialled, from, at });
  }
  if (json) io.out(JSON.stringify(answer, null, 2));
  else for (const line of describe(answer)) io.out(line);
  return 0;
}

/** The answer as lines a person reads. */
function describe(r: RouteAnswer): string[] {
  const lines = [
    `call ${r.from ? `from ${r.from} ` : ''}to ${r.dialled} at ${r.local} (${r.timezone})`,
    `hotline: ${r.hotline.number} ${r.hotline.name.zh}${r.hotline.name.en ? ` / ${r.hotline.name.en}` : ''}${r.listed ? '' : ` (${r.dialled} is not in numbers.yaml: routed as the default number)`}`,
    `line: ${r.open ? 'open' : 'closed (outside hours)'}${r.holiday ? `; official holiday ${r.holiday}` : ''}`,
  ];
  for (const p of r.prompts) lines.push(`plays: ${p.kind} ${p.chain.join(' → ')}${p.chain.length > 1 ? ' (first that exists)' : ''}`);
  if (r.menu) {
    lines.push(`menu: ${r.menu.prompt}, ${r.menu.timeoutSeconds}s; ${r.menu.options.map((o) => `${o.digit} → ${o.number} ${o.name} (${o.skill})`).join(', ')}`);
  }
  lines.push(r.then === 'hangup' ? 'then: the call ends (missed-call order with a callback duty)' : `then: the 12345 queue, skill ${r.hotline.skill}`);
  lines.push(
    `priority: ${r.priority.total} (hotline boost ${r.priority.hotlineBoost}; repeat caller ${r.priority.repeatCaller ? `yes, ${r.openOrders} open order(s), +${r.priority.repeatBoost}` : 'no'})`,
  );
  if (r.then === 'queue') {
    const offered = r.agents.filter((a) => a.offered);
    const overflow = r.agents.filter((a) => a.state === 'available' && !a.offered);
    const others = r.agents.filter((a) => a.state !== 'available');
    const skill = (a: { skillLevel: number | null }) => (a.skillLevel === null ? '' : `${r.hotline.skill}:${a.skillLevel}, `);
    lines.push(
      `offered now to: ${offered.length ? offered.map((a) => `${a.displayName} (#${a.agentId}, ${skill(a)}penalty ${a.penalty})`).join(', ') : 'nobody free — the caller waits'}`,
    );
    if (overflow.length)
      lines.push(`after ${r.hotline.overflowSeconds} s waiting (skill overflow) also: ${overflow.map((a) => `${a.displayName} (#${a.agentId})`).join(', ')}`);
    if (others.length)
      lines.push(`not free: ${others.map((a) => `${a.displayName} (#${a.agentId}, ${a.state}${a.pauseReason ? ` ${a.pauseReason}` : ''})`).join(', ')}`);
  }
  return lines;
}
