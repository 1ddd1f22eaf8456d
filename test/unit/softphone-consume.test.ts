/**
 * The softphone's consumers (src/web/media/softphone-consumers.ts, used by softphone-session.ts)
 * with fakes for the recv transport, the server's resume and the <audio> element: an offer that
 * fails — the server closed that consumer while this tab was resuming it (MEDIA_CONSUMER_NOT_FOUND)
 * — is dropped alone; the session is not marked failed and the next offer plays. Before, the
 * failure rejected, the console marked its softphone `failed` for good and a shift lead's every
 * later 监听/耳语/强插 was refused with SUPERVISION_AUDIO_NOT_READY until a reload.
 */
import t from 'tap';
import { SoftphoneConsumers } from '../../src/web/media/softphone-consumers.js';

interface FakeConsumer {
  id: string;
  closed: boolean;
  close(): void;
}

function fixture() {
  const made: FakeConsumer[] = [];
  const events: string[] = [];
  let playing: string | null = null;
  let inCall = false;
  const consumers = new SoftphoneConsumers<FakeConsumer>({
    play: (c) => {
      playing = c?.id ?? null;
      return Promise.resolve();
    },
    inCall: (on) => {
      inCall = on;
    },
    dropped: (id, err) => events.push(`dropped ${id}: ${(err as Error).message}`),
  });
  const create = (id: string) => () => {
    const c: FakeConsumer = {
      id,
      closed: false,
      close() {
        this.closed = true;
      },
    };
    made.push(c);
    return Promise.resolve(c);
  };
  const resumed = (consumerId: string) => {
    events.push(`resume ${consumerId}`);
    return new Promise<void>((r) => setImmediate(r));
  };
  const refused = (consumerId: string) => {
    events.push(`resume ${consumerId}`);
    return new Promise<void>((_, reject) => setImmediate(() => reject(new Error('MEDIA_CONSUMER_NOT_FOUND'))));
  };
  return { consumers, made, events, create, resumed, refused, playing: () => playing, inCall: () => inCall };
}

t.test('an offer whose resume is refused is dropped alone; the next one plays', async (t) => {
  const f = fixture();
  await t.resolves(f.consumers.consume(f.create('c1'), f.refused), 'a refused resume does not reject (the softphone is not failed)');
  t.ok(f.made[0]!.closed, 'the local consumer of the refused offer is closed');
  t.equal(f.playing(), null, 'nothing plays');
  t.equal(f.inCall(), false);
  t.same(f.consumers.ids(), [], 'nothing is kept');

  await f.consumers.consume(f.create('c2'), f.resumed);
  t.same(f.events, ['resume c1', 'dropped c1: MEDIA_CONSUMER_NOT_FOUND', 'resume c2']);
  t.equal(f.playing(), 'c2', 'a later offer plays');
  t.equal(f.inCall(), true);
  t.equal(f.consumers.newest()?.id, 'c2', 'the stats read the consumer that plays');
});

t.test('the transport refuses the offer: dropped, nothing was made', async (t) => {
  const f = fixture();
  await t.resolves(
    f.consumers.consume(() => Promise.reject(new Error('no such producer')), f.resumed),
    'does not reject',
  );
  t.same(f.events, ['dropped null: no such producer'], 'no resume asked');
  await f.consumers.consume(f.create('c2'), f.resumed);
  t.equal(f.playing(), 'c2');
});

t.test('media:consumer_closed overtakes the resume: nothing is left behind', async (t) => {
  const f = fixture();
  const consuming = f.consumers.consume(f.create('c1'), f.refused);
  await new Promise((r) => setImmediate(r));
  f.consumers.closed('c1');
  await t.resolves(consuming);
  t.equal(f.playing(), null);
  t.equal(f.inCall(), false);

  // Closed while a resume that the server accepted was in flight: not in call either.
  const accepted = f.consumers.consume(f.create('c2'), f.resumed);
  await new Promise((r) => setImmediate(r));
  f.consumers.closed('c2');
  await accepted;
  t.equal(f.inCall(), false, 'not in call with a closed consumer');
  t.equal(f.playing(), null);
});

t.test('when the newest consumer closes, the one still open plays again', async (t) => {
  const f = fixture();
  await f.consumers.consume(f.create('c1'), f.resumed);
  await f.consumers.consume(f.create('c2'), f.resumed);
  t.equal(f.playing(), 'c2');
  f.consumers.closed('c2');
  t.equal(f.playing(), 'c1', 'back to the open consumer, not a closed track');
  t.equal(f.inCall(), true);
  f.consumers.closed('c1');
  t.equal(f.playing(), null);
  t.equal(f.inCall(), false);
  f.consumers.closed('c1');
  t.pass('a second close of the same consumer is a no-op');
});

t.test('local teardown closes every consumer', async (t) => {
  const f = fixture();
  await f.consumers.consume(f.create('c1'), f.resumed);
  await f.consumers.consume(f.create('c2'), f.resumed);
  f.consumers.closeAll();
  t.ok(f.made.every((c) => c.closed));
  t.same(f.consumers.ids(), []);
  t.equal(f.consumers.newest(), null);
});
