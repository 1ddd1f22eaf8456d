/** Media socket events: agents and leads (supervision audio) only, payloads validated, a server without media says so with a fixed code. */
import t from 'tap';
import { rig } from '../realtime/fixtures.js';

t.test('media events: role check, validation, MEDIA_DISABLED without a media service', async (t) => {
  const r = await rig(t);
  const agent = await r.connect((await r.user('agent')).token);
  const lead = await r.connect((await r.user('shift_lead')).token);
  const dispatcher = await r.connect((await r.user('dispatcher')).token);
  t.match(await dispatcher.ask('media:open'), { ok: false, error: { code: 'FORBIDDEN' } }, 'a dispatcher may not open a softphone');
  t.match(await dispatcher.ask('media:close'), { ok: false, error: { code: 'FORBIDDEN' } });
  t.match(await lead.ask('media:open'), { ok: false, error: { code: 'MEDIA_DISABLED' } }, 'a shift lead may (its supervision audio), here without media');
  t.match(await agent.ask('media:open'), { ok: false, error: { code: 'MEDIA_DISABLED', message: /not available/ } });
  t.match(
    await agent.ask('media:connect', { transportId: 't', dtlsParameters: { fingerprints: [] } }),
    { ok: false, error: { code: 'VALIDATION_FAILED' } },
    'no fingerprint',
  );
  t.match(
    await agent.ask('media:produce', { transportId: 't', kind: 'audio', rtpParameters: { codecs: [] } }),
    { ok: false, error: { code: 'VALIDATION_FAILED' } },
    'no codec',
  );
  t.match(await agent.ask('media:resume', {}), { ok: false, error: { code: 'VALIDATION_FAILED' } });
  t.match(await agent.ask('media:resume', { consumerId: 'c' }), { ok: false, error: { code: 'MEDIA_DISABLED' } });
  t.match(
    await agent.ask('media:produce', {
      transportId: 't',
      kind: 'audio',
      rtpParameters: { codecs: [{ mimeType: 'audio/PCMU', payloadType: 0, clockRate: 8000 }] },
    }),
    { ok: false, error: { code: 'MEDIA_DISABLED' } },
    'valid payload reaches the (absent) service',
  );
  t.match(
    await agent.ask('media:connect', { transportId: 't', dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] } }),
    { ok: false, error: { code: 'MEDIA_DISABLED' } },
  );
  t.match(await agent.ask('media:close'), { ok: false, error: { code: 'MEDIA_DISABLED' } });
  t.match(await agent.ask('media:warmup'), { ok: false, error: { code: 'MEDIA_DISABLED' } });
  t.match(await dispatcher.ask('media:warmup'), { ok: false, error: { code: 'FORBIDDEN' } });
});
