/**
 * A real CallCenter (real SQLite database, repositories, agents service and configuration) over
 * a fake switchboard that records what it was asked to do: for the call logic's decisions
 * without Asterisk (the real Asterisk path is in test/telephony/*.real.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { AgentsService } from '../../src/agents/agents-service.js';
import type { AgentSkillsSource } from '../../src/agents/skills.js';
import { CallCenter } from '../../src/calls/call-center.js';
import { CallsRepository } from '../../src/calls/calls-repository.js';
import { ConfigStore } from '../../src/config/files/index.js';
import { openDb } from '../../src/db/connection.js';
import { DomainEvents } from '../../src/events/domain-events.js';
import type { OutageRecord, OwnBridge, StasisChannel, Switchboard, SwitchboardListener } from '../../src/telephony/switchboard.js';
import type { QueueEntry } from '../../src/telephony/switchboard-queue.js';
import { usersOn } from './users.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';

const log = pino({ level: process.env['SUNLINE_TEST_LOG'] ?? 'silent' });

export interface Asterisk {
  stasis: StasisChannel[];
  queue: QueueEntry[];
  channels: Set<string>;
  outage: Map<string, OutageRecord>;
  /** Channel ids whose sendToQueue fails (ARI down for them). */
  failSend: Set<string>;
  ops: string[];
  digits: string[];
  /** Our bridges as the snapshot lists them (none by default). */
  bridges?: OwnBridge[];
}

export function fakeSwitchboard(a: Asterisk): Switchboard {
  const sw = {
    queue: '12345',
    listener: null as SwitchboardListener | null,
    listen(l: SwitchboardListener) {
      sw.listener = l;
    },
    isUp: () => true,
    snapshot: async () => ({
      channels: a.channels,
      stasis: a.stasis,
      agentLegs: [],
      // As asterisk-snapshot.ts lists them: Stasis `unit,<call id>,<unit id>`.
      unitLegs: a.stasis.filter((c) => c.kind === 'unit').map((c) => ({ channelId: c.channelId, callId: c.args[0] ?? '', unitId: c.args[1] || null })),
      bridges: a.bridges ?? [],
      queue: a.queue,
    }),
    queueEntries: async () => a.queue,
    outageRecords: async () => [...a.outage.values()],
    forgetOutageRecord: async (id: string) => {
      a.ops.push(`forget ${id}`);
      a.outage.delete(id);
    },
    async sendToQueue(channelId: string, opts: { callId: string }) {
      if (a.failSend.has(channelId)) throw Object.assign(new Error('socket closed'), { code: 'ASTERISK_UNAVAILABLE' });
      a.ops.push(`queue ${channelId} ${opts.callId}`);
      a.stasis = a.stasis.filter((c) => c.channelId !== channelId);
    },
    async hangup(channelId: string, reason = 'normal') {
      a.ops.push(`hangup ${channelId} ${reason}`);
      a.stasis = a.stasis.filter((c) => c.channelId !== channelId);
    },
    getVar: async () => '12315',
    markForAgents: async (_name: string, callId: string, channelId: string) => void a.ops.push(`mark ${channelId} ${callId}`),
    async collectDigit(channelId: string) {
      a.ops.push(`survey prompt ${channelId}`);
      const digit = a.digits.shift() ?? null;
      return digit === null ? { digit: null, reason: 'timeout' } : { digit, reason: 'digit' };
    },
    playFirst: async () => true,
    playFirstOrKey: async () => ({ played: true, digit: null }),
    afterAgent: async () => undefined,
    destroyBridge: async () => undefined,
    setAgentDevice: async () => undefined,
    addAgent: async (id: number) => void a.ops.push(`member ${id}`),
    removeAgent: async () => undefined,
    pauseAgent: async () => undefined,
    queueAgentIds: async () => [],
    answer: async (id: string) => void a.ops.push(`answer ${id}`),
  };
  return sw as unknown as Switchboard;
}

/**
 * `switchboard`: instead of the fake one (e.g. the real Switchboard over fake ARI and AMI clients).
 * `opts.skills`: skill routing on, with these skills (off by default).
 */
export async function fakeCallCenter(
  t: { teardown(fn: () => unknown): void },
  a: Partial<Asterisk> = {},
  switchboardOf?: (a: Asterisk) => Switchboard,
  opts: { skills?: AgentSkillsSource } = {},
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-reconcile-'));
  const handle = openDb({ file: path.join(dir, 'db.sqlite'), synchronous: 'normal' });
  const config = await ConfigStore.open({ dir: 'config', watch: false, log });
  t.teardown(() => {
    center.presence.close();
    center.frontDoorWatchdog.close();
    center.reconciler.close();
    agents.close();
    config.close();
    handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const asterisk: Asterisk = { stasis: [], queue: [], channels: new Set(), outage: new Map(), failSend: new Set(), ops: [], digits: [], ...a };
  const switchboard = switchboardOf ? switchboardOf(asterisk) : fakeSwitchboard(asterisk);
  const events = new DomainEvents();
  const agents = new AgentsService({ switchboard, events, log, wrapUpMs: 60_000 });
  const orders = new WorkOrdersService(sqliteOrdersStoreOn(handle.db));
  const users = usersOn(t, handle, 3600_000);
  const system = await users.systemUser();
  const repo = new CallsRepository(orders);
  const center = new CallCenter({
    switchboard,
    agents,
    events,
    log,
    config,
    repo,
    systemActor: { id: system.id, role: 'admin', unitId: null },
    ...(opts.skills ? { skills: opts.skills } : {}),
  });
  const sql = handle.sqlite;
  return { asterisk, center, repo, sql, users };
}
