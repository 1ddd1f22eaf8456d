/**
 * kill -9 of our server during an answered outbound call (issue 12; issue 16 item 3: answered
 * calls go on; docs/call-path.md §11, decision 0007): the call is taken over. Asterisk keeps the
 * citizen's channel and its `outbound-` bridge while we are down; the next process finds them,
 * the agent still logged in on the call, and tracks the call again under its id: the agent's
 * console shows it answered, the citizen never hears a hang-up, the recording Asterisk went on
 * writing stays the call's one recording. The agent then hangs up from the console: the call ends
 * as answered / agent_hangup, the agent wraps up, the recording is stored. The same with the
 * citizen on hold at the kill: still in its holding bridge after the takeover, and the agent takes
 * it back into the call's bridge from the console. The same in a three-way call with a unit
 * (三方通话): the unit stays in the call's bridge across the kill, the console shows it and the
 * agent drops it. The server runs as a real child process (src/server.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { citizenPhone } from '../../tools/citizen-phone.js';
import { sandboxEnv } from '../../tools/asterisk-sandbox.js';
import { toneFile } from '../../tools/sipp.js';
import { openDb } from '../../src/db/connection.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { OutboundCallView } from '../../src/contract/index.js';
import { ari, command, next, sandbox, until } from '../helpers/call-path.js';
import { Agent } from '../helpers/restart-matrix.js';
import { startTelephonyProcess } from '../helpers/server-process.js';
import { usersOn } from '../helpers/users.js';

type AriBridge = { id: string; name: string; channels: string[] };

for (const mode of ['talking', 'held', 'three-way'] as const)
  t.test(
    `kill -9 during an answered outbound call${mode === 'talking' ? '' : mode === 'held' ? ' on hold' : ' in a three-way call with a unit'}: the next process takes it over, the agent hangs up later`,
    async (t) => {
      const held = mode === 'held';
      const asterisk = await sandbox(t);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-out-restart-'));
      t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
      // The unit's number goes out through the same trunk: the same sipp answers as the unit's phone.
      const citizen = await citizenPhone(asterisk, 3, { audioFile: toneFile(dir, 440, 2) });
      t.teardown(() => citizen.kill());

      const handle = openDb({ file: path.join(dir, 'sunline.db') });
      const user = await usersOn(t, handle, 3600_000).upsert({ username: 'out-kill', displayName: 'out-kill', role: 'agent', password: 'out-kill-pw' });
      const order = await new WorkOrdersService(sqliteOrdersStoreOn(handle.db)).createMissedCall({ channel: '12345', callerPhone: '13800138000' });
      handle.close();

      const start = () =>
        startTelephonyProcess(t, {
          ...sandboxEnv(asterisk),
          SUNLINE_DATA_DIR: dir,
          SUNLINE_CONFIG_WATCH: 'false',
          SUNLINE_MEDIA: 'false',
          SUNLINE_WRAPUP_SECONDS: '300',
          SUNLINE_LOG_LEVEL: process.env['SUNLINE_TEST_LOG'] ?? 'info',
        });

      const first = await start();
      const agent = new Agent('spare1', 'out-kill', user.id, []);
      await agent.attach(t, first.url);
      await command(agent.console, 'agent:login', {});
      const answered = next(agent.console, 'call:outbound', (v) => v.state === 'answered', 20_000);
      const dialled = await command<OutboundCallView>(agent.console, 'call:dial', { orderId: order.id, number: '13800138000' });
      await answered;
      const callId = dialled.callId;
      const channelId = `out-${callId}`;
      const bridgeOf = async (channel: string) => (await ari<AriBridge[]>(asterisk, 'GET', '/bridges')).find((b) => b.channels.includes(channel))?.name;
      if (held) {
        t.match(await command(agent.console, 'call:hold', { callId, held: true }), { held: true });
        t.equal(await bridgeOf(channelId), `hold-${channelId}`, 'the citizen is on hold before the kill');
      }
      let unitLeg = '';
      if (mode === 'three-way') {
        const up = next(agent.console, 'call:controls', (v) => v.callId === callId && v.conference?.state === 'up', 20_000);
        await command(agent.console, 'call:conference', { callId, unitId: 'city-amr' });
        await up;
        const bridge = (await ari<AriBridge[]>(asterisk, 'GET', '/bridges')).find((b) => b.name === `outbound-${channelId}`)!;
        const channels = await ari<Array<{ id: string; name: string }>>(asterisk, 'GET', '/channels');
        unitLeg = channels.find((c) => bridge.channels.includes(c.id) && c.id !== channelId && c.name.startsWith('PJSIP/'))!.id;
        t.ok(unitLeg, "the unit's leg is in the call's bridge before the kill");
      }
      const db = new Database(path.join(dir, 'sunline.db'));
      t.teardown(() => db.close());
      const rec = await until(
        'recording row',
        () => db.prepare("select id from recordings where call_id = ? and state = 'recording'").get(callId) as { id: string } | undefined,
      );
      // The row is written before MixMonitor starts: kill only once Asterisk is writing the file.
      const spool = path.join(asterisk.instDir, 'spool', 'monitor', 'sunline', `${rec.id}.raw`);
      await until('MixMonitor writing in the spool', () => fs.existsSync(spool) || undefined);

      first.child.kill('SIGKILL');
      await first.exited;
      agent.socket?.disconnect();
      t.ok(await ari(asterisk, 'GET', `/channels/${channelId}`), "Asterisk keeps the citizen's channel while we are down");

      const second = await start();
      await agent.attach(t, second.url);
      const onCall = await agent.settled('still on the outbound call', (a) =>
        a.state?.state === 'outbound' && a.state.callId === callId ? a.state : undefined,
      );
      t.equal(onCall.callId, callId, "the agent's console shows the call going on");
      await until('the next process took the call over', () => second.output().includes('an answered outbound call goes on after our restart') || undefined);
      t.match(db.prepare('select state, outcome from calls where id = ?').get(callId), { state: 'answered', outcome: null }, 'not ended');
      t.ok(await ari(asterisk, 'GET', `/channels/${channelId}`), "the citizen's channel is still up");
      if (held) {
        t.equal(await bridgeOf(channelId), `hold-${channelId}`, 'the citizen is still on hold');
        t.match(await command(agent.console, 'call:hold', { callId, held: false }), { held: false }, 'the agent takes the citizen back');
      }
      t.equal(await bridgeOf(channelId), `outbound-${channelId}`, 'the citizen is in its outbound bridge');
      if (mode === 'three-way') {
        t.equal(await bridgeOf(unitLeg), `outbound-${channelId}`, "the unit is still in the call's bridge");
        const controls = next(agent.console, 'call:controls', (v) => v.callId === callId);
        await command(agent.console, 'sync');
        t.match((await controls).conference, { unitId: 'city-amr', state: 'up' }, "the agent's console shows the three-way call");
        t.match(await command(agent.console, 'call:conference_drop', { callId }), { conference: null }, 'the agent drops the unit');
        await until('the unit leg hung up', async () => ((await ari(asterisk, 'GET', `/channels/${unitLeg}`).catch(() => null)) === null ? true : undefined));
        t.equal(await bridgeOf(channelId), `outbound-${channelId}`, 'the citizen and the agent go on');
      }

      const ended = next(agent.console, 'call:outbound', (v) => v.callId === callId && v.state === 'ended', 20_000);
      await command(agent.console, 'call:hangup', { callId });
      t.match(await ended, { result: 'answered', reason: 'agent_hangup' }, 'the agent ends it later, from the console');
      const row = await until('the call ended', () => db.prepare("select state, outcome from calls where id = ? and state = 'ended'").get(callId));
      t.same(row, { state: 'ended', outcome: 'answered' });
      const ends = db.prepare("select data from call_events where call_id = ? and type = 'hung_up'").all(callId) as { data: string }[];
      t.equal(ends.length, 1, 'one end');
      t.match(JSON.parse(ends[0]!.data), { result: 'answered', reason: 'agent_hangup' }, 'not server_restart');
      await until('the citizen hung up', async () => ((await ari(asterisk, 'GET', `/channels/${channelId}`).catch(() => null)) === null ? true : undefined));
      await until('the outbound and holding bridges removed', async () =>
        (await ari<AriBridge[]>(asterisk, 'GET', '/bridges')).some((b) => b.name.startsWith('outbound-') || b.name.startsWith('hold-')) ? undefined : true,
      );
      const v = await agent.settled('in wrap-up after the answered call', (a) => (a.state?.state === 'wrap_up' ? a.state : undefined));
      t.equal(v.callId, callId);
      await until('the recording stored', () => db.prepare("select id from recordings where call_id = ? and state = 'stored'").get(callId), 30_000);
      t.equal(
        (db.prepare('select count(*) n from recordings where call_id = ?').get(callId) as { n: number }).n,
        1,
        'one recording for the whole call, across the restart',
      );
    },
  );
