/**
 * SwitchboardControls against a fake ARI/AMI (the real Asterisk path is in
 * call-controls.real.test.ts): the ARI/AMI requests each control makes, the hold rollback when
 * a step fails, and channels or bridges already gone.
 */
import t from 'tap';
import pino from 'pino';
import { SwitchboardControls } from '../../src/telephony/switchboard-controls.js';
import { TelephonyError } from '../../src/telephony/errors.js';
import type { AriClient } from '../../src/telephony/ari/index.js';
import type { AmiGateway } from '../../src/telephony/ami/index.js';

function rig(fail: Record<string, unknown> = {}) {
  const calls: string[] = [];
  const leaving: string[] = [];
  const op =
    (name: string, result?: unknown) =>
    async (...args: unknown[]) => {
      const line = `${name} ${args.filter((a) => typeof a !== 'object').join(' ')}`.trim();
      calls.push(line);
      if (line in fail) throw fail[line];
      return result;
    };
  const ari = {
    app: 'sunline',
    bridges: {
      create: op('bridges.create', { id: 'hb' }),
      addChannel: op('bridges.addChannel'),
      removeChannel: op('bridges.removeChannel'),
      startMoh: op('bridges.startMoh'),
      destroy: op('bridges.destroy'),
    },
    channels: {
      mute: op('channels.mute'),
      unmute: op('channels.unmute'),
      sendDTMF: op('channels.sendDTMF'),
      continueInDialplan: op('channels.continue'),
      get: op('channels.get', { name: 'PJSIP/trunk-0001' }),
      originate: op('channels.originate', { id: 'unit-1' }),
    },
  } as unknown as AriClient;
  const ami = { action: op('ami') } as unknown as AmiGateway;
  const ctl = new SwitchboardControls(ari, ami, pino({ level: 'silent' }), (id, on) => leaving.push(`${on ? '+' : '-'}${id}`));
  return { ctl, calls, leaving };
}

const gone = new TelephonyError('CHANNEL_GONE');
const down = new TelephonyError('ASTERISK_UNAVAILABLE');

t.test('hold moves the leg to a holding bridge with MOH; unhold brings it back', async (t) => {
  const { ctl, calls } = rig();
  t.equal(await ctl.hold('leg', 'ab'), 'hb');
  await ctl.unhold('leg', 'ab', 'hb');
  t.same(calls, [
    'bridges.create',
    'bridges.removeChannel ab leg',
    'bridges.addChannel hb leg',
    'bridges.startMoh hb default',
    'bridges.removeChannel hb leg',
    'bridges.addChannel ab leg',
    'bridges.destroy hb',
  ]);
});

t.test('a failed hold puts the leg back and removes the holding bridge', async (t) => {
  const { ctl, calls } = rig({ 'bridges.startMoh hb default': down });
  await t.rejects(ctl.hold('leg', 'ab'), { code: 'ASTERISK_UNAVAILABLE' });
  t.same(calls.slice(-2), ['bridges.addChannel ab leg', 'bridges.destroy hb']);
});

t.test('unhold of a leg already out of the holding bridge, and a bridge already gone, are fine', async (t) => {
  const { ctl, calls } = rig({ 'bridges.removeChannel hb leg': gone, 'bridges.destroy hb': new TelephonyError('ARI_NOT_FOUND') });
  await ctl.unhold('leg', 'ab', 'hb');
  t.same(calls, ['bridges.removeChannel hb leg', 'bridges.addChannel ab leg', 'bridges.destroy hb']);
  const other = rig({ 'bridges.removeChannel hb leg': down });
  await t.rejects(other.ctl.unhold('leg', 'ab', 'hb'), { code: 'ASTERISK_UNAVAILABLE' }, 'other failures still fail');
  const destroy = rig({ 'bridges.destroy x': down });
  await t.rejects(destroy.ctl.destroy('x'), { code: 'ASTERISK_UNAVAILABLE' });
});

t.test('mute, DTMF, dialling the unit, joining the bridge', async (t) => {
  const { ctl, calls } = rig();
  await ctl.mute('leg', true);
  await ctl.mute('leg', false);
  await ctl.sendDigits('leg', '12#');
  t.equal(await ctl.dialUnit('05722399003', 'c1', '12345'), 'unit-1');
  await ctl.joinBridge('ab', 'unit-1');
  t.same(calls, ['channels.mute leg out', 'channels.unmute leg out', 'channels.sendDTMF leg 12#', 'channels.originate', 'bridges.addChannel ab unit-1']);
});

t.test('transfer: AMI Redirect of a queued caller, ARI continue of a caller in Stasis', async (t) => {
  const q = rig();
  await q.ctl.transfer('caller', '05722399003', false);
  t.same(q.calls, ['channels.get caller', 'ami Redirect']);
  const s = rig();
  await s.ctl.transfer('caller', '05722399003', true);
  t.same(s.calls, ['channels.continue caller']);
  t.same(s.leaving, ['+caller'], 'its StasisEnd is a move, not a hang-up');
  const f = rig({ 'channels.continue caller': down });
  await t.rejects(f.ctl.transfer('caller', '05722399003', true), { code: 'ASTERISK_UNAVAILABLE' });
  t.same(f.leaving, ['+caller', '-caller'], 'a failed continue is unmarked');
});
