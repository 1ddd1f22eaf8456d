/**
 * bench/fanout.ts `--nodes 2`: the second Sunline node and what the bench measures of the
 * processes other than its own.
 *
 * The first node is the bench's in-process server (the call-control node: buildApp with
 * telephony, the Asterisk sandbox and the calls). The second is `src/server.ts` through tsx in a
 * process of its own, on the same SQLite file (WAL) and the same Redis: its socket.io server
 * shares rooms with the first through the Redis adapter (docs/deployment.md "Several nodes").
 * It runs with SUNLINE_TELEPHONY=false — the app a standby runs (call-control-node.ts
 * standbyEnv) — because the in-process server is built without the call-control lease: a second
 * node with telephony would find the lease free and take the calls too.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../tools/sandbox-folders.js';
import type { Teardown } from './run.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface SecondNode {
  url: string;
  pid: number;
  /** Its log (JSON lines, warn and above). */
  logFile: string;
}

/** Starts the second node on the first one's data directory and Redis; resolves once it is ready. */
export async function startSecondNode(t: Teardown, o: { dataDir: string; redisUrl: string; leadUpdateMs?: string | undefined }): Promise<SecondNode> {
  const port = await freePort();
  const logFile = path.join(os.tmpdir(), `sunline-bench-node2-${process.pid}.log`);
  const log = fs.openSync(logFile, 'w');
  const { NODE_V8_COVERAGE: _coverage, ...parentEnv } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: REPO,
    env: {
      ...parentEnv,
      SUNLINE_DATA_DIR: o.dataDir,
      SUNLINE_REDIS_URL: o.redisUrl,
      SUNLINE_TELEPHONY: 'false',
      SUNLINE_CONFIG_WATCH: 'false',
      SUNLINE_WRAPUP_SECONDS: '60',
      SUNLINE_HOST: '127.0.0.1',
      SUNLINE_PORT: String(port),
      SUNLINE_LOG_LEVEL: process.env['SUNLINE_BENCH_LOG'] ?? 'warn',
      SUNLINE_LOG_FORMAT: 'json',
      ...(o.leadUpdateMs !== undefined ? { SUNLINE_LEAD_UPDATE_MS: o.leadUpdateMs } : {}),
    },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const url = `http://127.0.0.1:${port}`;
  const by = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`second node exited before it was ready:\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
    const status = await fetch(`${url}/health/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > by) throw new Error(`second node not ready after 120 s (last status ${status})`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, pid: child.pid!, logFile };
}

/** Log lines at warn or above in a JSON log, by message (the first few). */
export function warnLines(file: string): { count: number; top: Record<string, number> } {
  const top: Record<string, number> = {};
  let count = 0;
  for (const line of (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '').split('\n')) {
    try {
      const rec = JSON.parse(line) as { level?: number; msg?: string };
      if ((rec.level ?? 0) < 40) continue;
      count++;
      const msg = (rec.msg ?? '').slice(0, 120);
      top[msg] = (top[msg] ?? 0) + 1;
    } catch {
      /* not a log line */
    }
  }
  return { count, top: Object.fromEntries(Object.entries(top).slice(0, 6)) };
}

/** The pid of the redis-server listening on `port` (from /proc), or undefined. */
export function redisPid(port: number): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // redis-server rewrites its title ("/usr/bin/redis-server 127.0.0.1:PORT"); before that, its arguments.
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (/^\S*redis-server /.test(cmd) && new RegExp(`[: ]${port}(\\s|$)`).test(cmd)) return Number(entry);
    } catch {
      /* gone meanwhile */
    }
  }
  return undefined;
}

const TICKS_PER_S = 100; // USER_HZ on Linux

/** User + system CPU seconds of a process so far (/proc/PID/stat), or null once it is gone. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  } catch {
    return null;
  }
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU (% of one CPU) and peak RSS of other processes over a phase, by name. */
export class ProcessMeter {
  private cpu0: Record<string, number | null>;
  private wall0 = Date.now();
  private rssMax: Record<string, number> = {};
  private timer: NodeJS.Timeout;
  constructor(private readonly pids: Record<string, number>) {
    this.cpu0 = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
    const sample = () => {
      for (const [name, pid] of Object.entries(pids)) this.rssMax[name] = Math.max(this.rssMax[name] ?? 0, rssMb(pid));
    };
    sample();
    this.timer = setInterval(sample, 500);
  }
  stop(): Record<string, { cpu_pct_of_one: number | null; cpu_s: number | null; rss_max_mb: number }> {
    clearInterval(this.timer);
    const wall = (Date.now() - this.wall0) / 1000;
    return Object.fromEntries(
      Object.entries(this.pids).map(([name, pid]) => {
        const c0 = this.cpu0[name];
        const c1 = cpuSeconds(pid);
        const used = c0 === null || c0 === undefined || c1 === null ? null : c1 - c0;
        return [
          name,
          {
            cpu_pct_of_one: used === null ? null : Math.round((used / wall) * 100),
            cpu_s: used === null ? null : Math.round(used * 10) / 10,
            rss_max_mb: Math.round(this.rssMax[name] ?? 0),
          },
        ];
      }),
    );
  }
}
