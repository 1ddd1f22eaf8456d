/** Masking of citizens' numbers and names before ARI/AMI events reach the logs. */
import t from 'tap';
import { maskNumber, redactNumbers } from '../../src/telephony/ari/index.js';

t.test('maskNumber keeps a mobile number recognisable but not usable', async (t) => {
  t.equal(maskNumber('13812345678'), '138****5678');
  t.equal(maskNumber('+8613812345678'), '+86*******5678');
  t.equal(maskNumber('87654321'), '******21', 'landline');
  t.equal(maskNumber('1234'), '****');
});

t.test('ARI events: caller/connected numbers and names, free text; ids untouched', async (t) => {
  const e = {
    type: 'StasisStart',
    args: ['inbound', '12315', 'cb:13812345678'],
    channel: {
      id: '1700000000.12',
      name: 'PJSIP/trunk-00000000',
      state: 'Ring',
      caller: { name: '张三', number: '13812345678' },
      connected: { name: '', number: '' },
      dialplan: { context: 'from-trunk', exten: '12315', priority: 3, app_name: 'NoOp', app_data: 'from 13812345678' },
      channelvars: { SUNLINE_CALLER: '13812345678' },
    },
  };
  const r = redactNumbers(e);
  t.same(r.channel.caller, { name: '***', number: '138****5678' });
  t.same(r.channel.connected, { name: '', number: '' });
  t.same(r.args, ['inbound', '12315', 'cb:138****5678']);
  t.equal(r.channel.dialplan.exten, '12315', 'service numbers stay readable');
  t.equal(r.channel.dialplan.app_data, 'from 138****5678');
  t.equal(r.channel.channelvars.SUNLINE_CALLER, '138****5678');
  t.equal(r.channel.id, '1700000000.12');
  t.equal(r.channel.name, 'PJSIP/trunk-00000000');
  t.equal(e.channel.caller.number, '13812345678', 'the event itself is not modified');
});

t.test('AMI events (lower-cased keys)', async (t) => {
  const r = redactNumbers({
    event: 'QueueCallerJoin',
    uniqueid: '1700000000.12',
    calleridnum: '13812345678',
    calleridname: 'Wang',
    connectedlinenum: '<unknown>',
    exten: 'agent-7',
    appdata: 'Sunline inbound: 12315 from 13812345678',
  });
  t.match(r, { calleridnum: '138****5678', calleridname: '***', connectedlinenum: '<unknown>', exten: 'agent-7', uniqueid: '1700000000.12' });
  t.equal(r.appdata, 'Sunline inbound: 12315 from 138****5678');
});
