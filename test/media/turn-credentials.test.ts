/**
 * TURN credentials (the TURN REST API scheme coturn's use-auth-secret checks) and the TURN /
 * ICE settings: format, HMAC against an independent computation (openssl), expiry, the env
 * refusals, and what `media:open` hands a console (real mediasoup worker; nothing logged).
 */
import { execFileSync } from 'node:child_process';
import { Writable } from 'node:stream';
import t from 'tap';
import { EnvError, loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logging/logger.js';
import { AgentSessions } from '../../src/media/agent-sessions.js';
import { MediaWorker } from '../../src/media/media-worker.js';
import { iceServersFor, mintTurnCredential } from '../../src/media/turn-credentials.js';
import { mediaEnv } from '../helpers/media.js';

const SECRET = 'north-gate-relay-secret-2026';

/** HMAC-SHA1 in base64 by openssl, not node:crypto. */
function opensslHmac(secret: string, data: string): string {
  const raw = execFileSync('openssl', ['dgst', '-sha1', '-hmac', secret, '-binary'], { input: data });
  return raw.toString('base64');
}

t.test('a credential is <expiry>:<user> with base64 HMAC-SHA1(secret, username)', async (t) => {
  const now = Date.UTC(2026, 10, 26, 22, 0, 0);
  const c = mintTurnCredential(SECRET, 'agent-7', 3600, now);
  t.equal(c.expiresAt, now / 1000 + 3600, 'expires ttl seconds from now (unix seconds)');
  t.equal(c.username, `${now / 1000 + 3600}:agent-7`);
  t.equal(c.credential, opensslHmac(SECRET, c.username), 'HMAC matches openssl');
  t.match(c.credential, /^[A-Za-z0-9+/]{27}=$/, '20 bytes of base64');
  t.not(c.credential, mintTurnCredential('another-secret-of-16+', 'agent-7', 3600, now).credential, 'depends on the secret');
  t.not(c.credential, mintTurnCredential(SECRET, 'agent-8', 3600, now).credential, 'and on the user');
  const later = mintTurnCredential(SECRET, 'agent-7', 3600, now + 1000);
  t.equal(later.expiresAt, c.expiresAt + 1, 'a later mint expires later');
  t.not(later.credential, c.credential, 'so its credential differs');
  t.notMatch(JSON.stringify(c), SECRET, 'the secret is not in what is handed out');
  t.throws(() => mintTurnCredential(SECRET, 'a:b', 60), /must be 1-64/, 'no ":" in the user part');
  t.throws(() => mintTurnCredential(SECRET, '', 60), /must be 1-64/);
});

t.test('iceServersFor: none without TURN; the relays with a fresh credential with it', async (t) => {
  t.same(iceServersFor(undefined, 'agent-1'), []);
  t.same(iceServersFor({ turn: null, policy: 'all' }, 'agent-1'), []);
  const now = 1_800_000_000_000;
  const urls = ['turn:turn.example.gov.cn:3478?transport=udp', 'turns:turn.example.gov.cn:443?transport=tcp'];
  const [s, ...more] = iceServersFor({ turn: { urls, secret: SECRET, ttlSeconds: 600 }, policy: 'relay' }, 'agent-1', now);
  t.same(more, []);
  t.same(s?.urls, urls);
  t.equal(s?.username, '1800000600:agent-1');
  t.equal(s?.credential, opensslHmac(SECRET, '1800000600:agent-1'));
});

const base = { SUNLINE_MEDIA: 'false' };
function envProblems(extra: Record<string, string>): string[] {
  try {
    loadEnv({ ...base, ...extra }, '/tmp');
  } catch (err) {
    if (err instanceof EnvError) return err.problems;
    throw err;
  }
  return [];
}

t.test('env: TURN settings parsed, defaults, and every bad value refused with the variable and why', async (t) => {
  const off = loadEnv({ SUNLINE_MEDIA_ANNOUNCED_IP: '203.0.113.5' }, '/tmp');
  if (off.media) t.same(off.media.ice, { turn: null, policy: 'all' }, 'default: no TURN, all candidates');

  const on = loadEnv(
    {
      SUNLINE_TURN_URLS: ' turn:turn.example.gov.cn:3478?transport=udp, turns:turn.example.gov.cn:443?transport=tcp,turn:[2001:db8::1]',
      SUNLINE_TURN_SECRET: SECRET,
      SUNLINE_ICE_POLICY: 'relay',
    },
    '/tmp',
  );
  if (on.media) {
    t.same(on.media.ice, {
      turn: {
        urls: ['turn:turn.example.gov.cn:3478?transport=udp', 'turns:turn.example.gov.cn:443?transport=tcp', 'turn:[2001:db8::1]'],
        secret: SECRET,
        ttlSeconds: 86400,
      },
      policy: 'relay',
    });
  } else {
    t.pass(`media off here (${on.mediaOff}): the values are checked below`);
  }

  t.match(envProblems({ SUNLINE_TURN_URLS: 'http://turn.example.gov.cn', SUNLINE_TURN_SECRET: SECRET }), [
    /^SUNLINE_TURN_URLS: 'http:\/\/turn.example.gov.cn' is not a turn: or turns: URL/,
  ]);
  t.match(
    envProblems({ SUNLINE_TURN_URLS: 'turn:a.example:99999', SUNLINE_TURN_SECRET: SECRET }),
    [/^SUNLINE_TURN_URLS: 'turn:a.example:99999'/],
    'port out of range',
  );
  t.match(envProblems({ SUNLINE_TURN_URLS: 'turns:a.example:443?transport=udp', SUNLINE_TURN_SECRET: SECRET }), [
    /^SUNLINE_TURN_URLS: .*TLS \(TCP\), not transport=udp/,
  ]);
  t.match(envProblems({ SUNLINE_TURN_URLS: 'turn:a.example:3478?transport=sctp', SUNLINE_TURN_SECRET: SECRET }), [
    /^SUNLINE_TURN_URLS: 'turn:a.example:3478\?transport=sctp' is not/,
  ]);
  t.match(envProblems({ SUNLINE_TURN_URLS: 'turn:a.example', SUNLINE_TURN_SECRET: 'short' }), [
    /^SUNLINE_TURN_SECRET: the TURN shared secret must be at least 16 characters/,
  ]);
  t.match(envProblems({ SUNLINE_TURN_URLS: 'turn:a.example' }), [/^SUNLINE_TURN_SECRET: required with SUNLINE_TURN_URLS/]);
  t.match(envProblems({ SUNLINE_TURN_SECRET: SECRET }), [/^SUNLINE_TURN_URLS: required with SUNLINE_TURN_SECRET/]);
  t.match(envProblems({ SUNLINE_ICE_POLICY: 'relay' }), [/^SUNLINE_ICE_POLICY: 'relay' needs a TURN relay/]);
  t.match(envProblems({ SUNLINE_ICE_POLICY: 'none' }), [/^SUNLINE_ICE_POLICY: must be 'all' or 'relay'/]);
  t.match(envProblems({ SUNLINE_TURN_TTL_SECONDS: '10' }), [/^SUNLINE_TURN_TTL_SECONDS: at least 60 seconds/]);
  t.match(envProblems({ SUNLINE_TURN_TTL_SECONDS: '999999' }), [/^SUNLINE_TURN_TTL_SECONDS: at most 7 days/]);
  t.match(envProblems({ SUNLINE_TURN_TTL_SECONDS: 'soon' }), [/^SUNLINE_TURN_TTL_SECONDS: /]);
  t.same(envProblems({ SUNLINE_TURN_URLS: 'turn:a.example', SUNLINE_TURN_SECRET: SECRET, SUNLINE_TURN_TTL_SECONDS: '3600' }), [], 'a valid set passes');
});

t.test('media:open hands each tab the relays with its own credential and the policy, and logs neither', async (t) => {
  const lines: string[] = [];
  const log = createLogger(
    { level: 'trace' },
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    }),
  );
  const env = { ...mediaEnv(), ice: { turn: { urls: ['turn:127.0.0.1:3478?transport=udp'], secret: SECRET, ttlSeconds: 120 }, policy: 'relay' as const } };
  const worker = new MediaWorker(env, log);
  await worker.start();
  t.teardown(() => worker.close());
  const sessions = new AgentSessions(worker, env, log);
  t.teardown(() => sessions.closeAll());
  const before = Math.floor(Date.now() / 1000);
  const a = await sessions.open('sock-a', 7);
  const b = await sessions.open('sock-b', 8);
  t.equal(a.iceTransportPolicy, 'relay');
  t.equal(a.iceServers.length, 1);
  const cred = a.iceServers[0]!;
  t.same(cred.urls, ['turn:127.0.0.1:3478?transport=udp']);
  const [expiry, user] = cred.username.split(':');
  t.equal(user, 'agent-7');
  t.ok(Number(expiry) >= before + 120 && Number(expiry) <= Math.floor(Date.now() / 1000) + 120, 'expires after the TTL');
  t.equal(cred.credential, opensslHmac(SECRET, cred.username));
  t.equal(b.iceServers[0]!.username.split(':')[1], 'agent-8', 'each tab its own');
  t.notMatch(JSON.stringify(a), SECRET, 'the secret is not sent');
  const logged = lines.join('');
  t.match(logged, /media session opened/, 'the log was captured');
  t.notMatch(logged, cred.credential, 'the credential is not logged');
  t.notMatch(logged, SECRET, 'nor the secret');

  const plain = new AgentSessions(worker, mediaEnv(), log);
  const p = await plain.open('sock-c', 9);
  t.same([p.iceServers, p.iceTransportPolicy], [[], 'all'], 'without TURN: no relays, all candidates');
  await plain.closeAll();
});
