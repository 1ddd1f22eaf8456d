/**
 * A QA inspector's access to recordings is a read of the QA store (src/qa, on the async port):
 * RecordingPlayback awaits it before it lists or opens anything, and a failed read refuses
 * (fails closed) instead of showing the recording. Fakes for the repository and storage: what is
 * under test is the order of the check and the answer.
 */
import t from 'tap';
import { RecordingPlayback, type Reader } from '../../src/recordings/playback.js';
import type { RecordingRow, RecordingsRepository } from '../../src/recordings/repository.js';
import type { RecordingStorage } from '../../src/recordings/storage.js';

const row = (id: string, callId: string): RecordingRow =>
  ({
    id,
    callId,
    orderId: null,
    agentId: 2,
    hotline: '12345',
    state: 'stored',
    channels: 2,
    startedAt: 1,
    durationMs: 1000,
    sizeBytes: 10,
    sha256: null,
    purgedAt: null,
    storageKey: `k-${id}`,
  }) as RecordingRow;
const rows = [row('r1', 'c1'), row('r2', 'c2')];
/** The list audit rows the playback asked for. */
const audited: Array<{ recordingId: string; action: string; details: unknown }> = [];
const repo = {
  ofCall: (callId: string) => rows.filter((r) => r.callId === callId),
  ofOrder: () => rows,
  ofAgent: () => rows,
  get: (id: string) => rows.find((r) => r.id === id),
  holdEvents: () => [],
  audit: () => undefined,
  auditAll: (audits: typeof audited) => void audited.push(...audits),
} as unknown as RecordingsRepository;
const storage = { size: async () => 10, get: () => undefined } as unknown as RecordingStorage;
const inspector: Reader = { id: 3, role: 'qa', unitId: null };

const playbackWith = (qaMayHear?: (callId: string) => Promise<boolean>) =>
  new RecordingPlayback({ repo, storage, unitHandlersMayPlay: () => false, ...(qaMayHear ? { qaMayHear } : {}) });

t.test('the inspector hears the calls the QA store says, once it has said so', async (t) => {
  const pending = new Map<string, (v: boolean) => void>();
  const playback = playbackWith((callId) => new Promise((resolve) => pending.set(callId, resolve)));
  let listed: unknown;
  const list = playback.list(inspector, { orderId: 1 }).then((v) => (listed = v));
  await new Promise((r) => setImmediate(r));
  t.equal(listed, undefined, 'nothing is listed while the check is pending');
  pending.get('c1')!(true);
  pending.get('c2')!(false);
  await list;
  t.same(
    (listed as Array<{ id: string }>).map((v) => v.id),
    ['r1'],
    'only the call the store allows',
  );
  t.same(
    audited.map((a) => [a.recordingId, a.action, a.details]),
    [['r1', 'list', { role: 'qa', list: 'order', orderId: 1 }]],
    'and only it is audited',
  );
});

t.test('a failed check refuses: a rejection, never the recording', async (t) => {
  const playback = playbackWith(() => Promise.reject(new Error('database is locked')));
  await t.rejects(playback.list(inspector, { callId: 'c1' }), { message: 'database is locked' });
  await t.rejects(playback.find(inspector, 'r1'), { message: 'database is locked' });
  await t.rejects(playback.open(inspector, 'r1', undefined, 'play'), { message: 'database is locked' });
});

t.test('without the QA check an inspector hears nothing', async (t) => {
  const playback = playbackWith();
  t.same(await playback.list(inspector, { orderId: 1 }), []);
  await t.rejects(playback.find(inspector, 'r1'), { code: 'RECORDING_NOT_FOUND' });
});
