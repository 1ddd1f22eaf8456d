/**
 * N shift-lead consoles in their own process (spawned by bench/fanout.ts), so their client work
 * does not share the server's event loop. Each console is a bare WebSocket speaking the
 * engine.io 4 / socket.io 5 protocol ("0" open, "40" connect, "2"/"3" ping/pong, "42[…]"
 * events): a socket.io-client per console would cost this process more than the server's
 * fan-out costs the server. Every console reads every frame; `sample` of them also parse it and
 * measure:
 * - `update_ms`: receive time − the update's `at` (its newest change, stamped by the server),
 * - `agent_change_ms`: receive time − `since` of each agent whose state changed (the time the
 *   change happened; a change merged into a tick waited for it),
 * - messages per console, seq gaps, snapshots, and the other events a lead console receives (by
 *   name: `desk:changed`, `queue:stats`, …; every console counts them).
 *
 * Options come as JSON in SUNLINE_BENCH_LEADS ({ url, tokens, count, sample, raw? }; console i uses
 * tokens[i % tokens.length]: an account may hold only a dozen consoles, src/realtime/connection-limits.ts). IPC: {type:'ready'}
 * once every console has its snapshot; {type:'phase', name} starts a new measuring phase;
 * {type:'stop'} → {type:'result', phases, others, loopDelayP99Ms} and exit; with `raw`, the result
 * also holds each phase's samples (`raw`: { update, agentChange } by phase), for percentiles over
 * several such processes (bench:fanout --nodes 2).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';

interface Options {
  url: string;
  tokens: string[];
  count: number;
  sample: number;
  raw?: boolean;
}
interface PhaseStats {
  update: number[];
  agentChange: number[];
  messages: number;
  gaps: number;
  snapshots: number;
  bytes: number;
  /** Events other than queue:delta and queue:snapshot, by name. */
  others: Record<string, number>;
}

const o = JSON.parse(process.env['SUNLINE_BENCH_LEADS'] ?? '{}') as Options;
const send = (m: unknown): void => {
  process.send?.(m);
};
process.on('disconnect', () => process.exit(0));

const newPhase = (): PhaseStats => ({ update: [], agentChange: [], messages: 0, gaps: 0, snapshots: 0, bytes: 0, others: {} });
const phases = new Map<string, PhaseStats>([['connect', newPhase()]]);
let phase = phases.get('connect')!;
const sockets: WebSocket[] = [];
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

interface Agent {
  state: string;
  since: number;
}
interface Update {
  seq: number;
  at: number;
  agents?: Array<{ agentId: number; state: string; since: number }>;
}

function open(i: number): Promise<void> {
  const sampled = i % Math.max(1, Math.round(o.count / Math.max(1, o.sample))) === 0;
  const agents = new Map<number, Agent>();
  let seq: number | null = null;
  const ws = new WebSocket(`${o.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
    headers: { cookie: `sunline_session=${encodeURIComponent(o.tokens[i % o.tokens.length]!)}` },
    perMessageDeflate: false,
  });
  sockets.push(ws);
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (raw: Buffer) => {
      const now = Date.now();
      const s = raw.toString();
      if (s === '2') return ws.send('3');
      if (s.startsWith('0')) return ws.send('40');
      if (!s.startsWith('42')) return;
      const isDelta = s.startsWith('42["queue:delta"');
      const isSnapshot = s.startsWith('42["queue:snapshot"');
      if (isSnapshot) {
        phase.snapshots++;
        const [, snap] = JSON.parse(s.slice(2)) as [string, { seq?: number; agents: Array<{ agentId: number; state: string; since: number }> }];
        seq = snap.seq ?? null;
        for (const a of snap.agents) agents.set(a.agentId, a);
        resolve();
        return;
      }
      if (!isDelta) {
        const name = s.slice(4, s.indexOf('"', 4));
        phase.others[name] = (phase.others[name] ?? 0) + 1;
        return;
      }
      phase.messages++;
      phase.bytes += s.length;
      if (!sampled) return;
      const [, d] = JSON.parse(s.slice(2)) as [string, Update];
      if (seq !== null && d.seq !== seq + 1) phase.gaps++;
      seq = d.seq;
      phase.update.push(now - d.at);
      for (const a of d.agents ?? []) {
        const before = agents.get(a.agentId);
        if (!before || before.state !== a.state) phase.agentChange.push(now - a.since);
        agents.set(a.agentId, a);
      }
    });
  });
}

function pct(xs: number[], p: number): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

process.on('message', (m: { type?: string; name?: string }) => {
  if (m.type === 'phase' && m.name) {
    phase = newPhase();
    phases.set(m.name, phase);
    loop.reset();
  } else if (m.type === 'stop') {
    const result: Record<string, unknown> = {};
    for (const [name, p] of phases) {
      result[name] = {
        update_p50_ms: pct(p.update, 50),
        update_p99_ms: pct(p.update, 99),
        update_max_ms: p.update.length ? Math.max(...p.update) : null,
        update_samples: p.update.length,
        agent_change_p50_ms: pct(p.agentChange, 50),
        agent_change_p99_ms: pct(p.agentChange, 99),
        agent_change_max_ms: p.agentChange.length ? Math.max(...p.agentChange) : null,
        agent_change_samples: p.agentChange.length,
        messages: p.messages,
        bytes: p.bytes,
        gaps: p.gaps,
        snapshots: p.snapshots,
      };
    }
    // The histogram holds resolution + delay (see bench/fanout.ts).
    const others = Object.fromEntries([...phases].map(([name, p]) => [name, p.others]));
    const raw = o.raw ? Object.fromEntries([...phases].map(([name, p]) => [name, { update: p.update, agentChange: p.agentChange }])) : undefined;
    send({ type: 'result', phases: result, others, raw, loopDelayP99Ms: Math.max(0, loop.percentile(99) / 1e6 - 10) });
    for (const ws of sockets) ws.terminate();
    setTimeout(() => process.exit(0), 200).unref();
  }
});

void (async () => {
  try {
    // A few at a time: a connect storm would measure the handshake, not the fan-out.
    for (let i = 0; i < o.count; i += 50) await Promise.all(Array.from({ length: Math.min(50, o.count - i) }, (_, k) => open(i + k)));
    send({ type: 'ready' });
  } catch (err) {
    send({ type: 'error', message: (err as Error).message });
    process.exit(1);
  }
})();
