/**
 * Channel bridges sign their requests (issue 9 item 5): POST /api/intake/wechat against the
 * real HTTP server, signed as docs/configuration.md "Channel bridges" tells a bridge developer
 * to — with node:crypto here, and once with `openssl dgst -sha256 -hmac`. Every refusal is a
 * 401 with a fixed code and writes no order.
 */
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { EnvError, loadEnv } from '../../src/config/env.js';
import { appQuery } from '../helpers/app-database.js';
import { testApp } from '../helpers/app.js';

const SECRET_A = 'wechat-a-' + 'k'.repeat(40);
const SECRET_B = randomBytes(32).toString('hex');

function secretsFile(t: { teardown(fn: () => void): void }, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-bridges-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'bridges.yaml');
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
}

const BRIDGES_YAML = `bridges:\n  - id: wechat-official\n    secret: ${SECRET_A}\n  - id: wechat-county\n    secret: "${SECRET_B}"\n`;

const message = { openid: 'o-abc123', msgType: 'text', content: '公交站台的广告牌松动了，很危险', phone: '13800002222', nickname: '微信用户' };

interface Signed {
  bridge?: string;
  secret?: string;
  timestamp?: number;
  nonce?: string;
  body?: string;
  signature?: string;
  omit?: string;
}

/** count(*) is a string on PostgreSQL. */
const orderCount = async (app: Awaited<ReturnType<typeof testApp>>) =>
  Number((await appQuery<{ n: number | string }>(app, 'select count(*) as n from work_orders'))[0]!.n);

/** The signature as the docs give it: hex HMAC-SHA256(secret, timestamp + "\n" + nonce + "\n" + body). */
const sign = (secret: string, timestamp: string, nonce: string, body: string) =>
  createHmac('sha256', secret).update(`${timestamp}\n${nonce}\n${body}`).digest('hex');

t.test('a signed bridge request is taken; missing, wrong, stale and replayed signatures are 401 with fixed codes', async (t) => {
  const app = await testApp(t, { env: { SUNLINE_BRIDGE_SECRETS_FILE: secretsFile(t, BRIDGES_YAML) } });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}/api/intake/wechat`;
  const orders = () => orderCount(app);

  const post = async (s: Signed = {}) => {
    const timestamp = String(s.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = s.nonce ?? randomBytes(12).toString('base64url');
    const body = s.body ?? JSON.stringify(message);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-sunline-bridge': s.bridge ?? 'wechat-official',
      'x-sunline-timestamp': timestamp,
      'x-sunline-nonce': nonce,
      'x-sunline-signature': s.signature ?? sign(s.secret ?? SECRET_A, timestamp, nonce, body),
    };
    if (s.omit) delete headers[s.omit];
    const res = await fetch(url, { method: 'POST', headers, body });
    return { status: res.status, body: (await res.json()) as { number?: string; lookupCode?: string; error?: { code: string } }, nonce, timestamp };
  };

  const ok = await post();
  t.equal(ok.status, 201, JSON.stringify(ok.body));
  t.match(ok.body, { number: /^HZ-\d{8}-\d{6}$/, lookupCode: /^[2-9A-HJKMNP-Z]{6}$/ });
  t.equal(await orders(), 1);

  const refusals: Array<[string, Signed, string]> = [
    ['no signature header', { omit: 'x-sunline-signature' }, 'BRIDGE_AUTH_MISSING'],
    ['no bridge header', { omit: 'x-sunline-bridge' }, 'BRIDGE_AUTH_MISSING'],
    ['no timestamp', { omit: 'x-sunline-timestamp' }, 'BRIDGE_AUTH_MISSING'],
    ['no nonce', { omit: 'x-sunline-nonce' }, 'BRIDGE_AUTH_MISSING'],
    ['a short nonce', { nonce: 'abc' }, 'BRIDGE_AUTH_MISSING'],
    ['a signature that is not hex', { signature: 'sha1=zz' }, 'BRIDGE_AUTH_MISSING'],
    ['the wrong secret', { secret: SECRET_B }, 'BRIDGE_SIGNATURE_INVALID'],
    ['an unknown bridge', { bridge: 'wechat-rogue' }, 'BRIDGE_SIGNATURE_INVALID'],
    [
      'a body changed after signing',
      { signature: sign(SECRET_A, String(Math.floor(Date.now() / 1000)), 'n'.repeat(20), '{}'), nonce: 'n'.repeat(20) },
      'BRIDGE_SIGNATURE_INVALID',
    ],
    ['a timestamp 6 minutes old', { timestamp: Math.floor(Date.now() / 1000) - 360 }, 'BRIDGE_TIMESTAMP_STALE'],
    ['a timestamp 6 minutes ahead', { timestamp: Math.floor(Date.now() / 1000) + 360 }, 'BRIDGE_TIMESTAMP_STALE'],
    ['the nonce of the request taken above', { nonce: ok.nonce, timestamp: Number(ok.timestamp) }, 'BRIDGE_NONCE_REPLAYED'],
  ];
  for (const [what, s, code] of refusals) {
    const res = await post(s);
    t.equal(res.status, 401, `${what}: ${JSON.stringify(res.body)}`);
    t.equal(res.body.error?.code, code, what);
  }
  t.equal(await orders(), 1, 'no refused request wrote an order');

  // Every bridge has its own secret; a replay of the exact bytes is refused too.
  const county = await post({ bridge: 'wechat-county', secret: SECRET_B });
  t.equal(county.status, 201, 'the second bridge with its own secret');
  const replayHeaders = {
    'content-type': 'application/json',
    'x-sunline-bridge': 'wechat-county',
    'x-sunline-timestamp': county.timestamp,
    'x-sunline-nonce': county.nonce,
    'x-sunline-signature': sign(SECRET_B, county.timestamp, county.nonce, JSON.stringify(message)),
  };
  const replay = await fetch(url, { method: 'POST', headers: replayHeaders, body: JSON.stringify(message) });
  t.equal(replay.status, 401);
  t.equal(((await replay.json()) as { error: { code: string } }).error.code, 'BRIDGE_NONCE_REPLAYED');
  t.equal(await orders(), 2);

  // A signed request without a body (nothing for the signature to cover) is not taken.
  const ts = String(Math.floor(Date.now() / 1000));
  const bodiless = await fetch(url, {
    method: 'POST',
    headers: {
      'x-sunline-bridge': 'wechat-official',
      'x-sunline-timestamp': ts,
      'x-sunline-nonce': 'b'.repeat(16),
      'x-sunline-signature': sign(SECRET_A, ts, 'b'.repeat(16), ''),
    },
  });
  t.equal(bodiless.status, 401);
  t.equal(((await bodiless.json()) as { error: { code: string } }).error.code, 'BRIDGE_AUTH_MISSING');

  // Signed correctly but invalid: the body is still validated (400), and nothing is written.
  const invalid = await post({ body: JSON.stringify({ ...message, msgType: 'image' }) });
  t.equal(invalid.status, 400);
  t.equal(invalid.body.error?.code, 'VALIDATION_FAILED');
  t.equal(await orders(), 2);
});

t.test('the worked example of the docs: a signature computed with openssl dgst -sha256 -hmac is accepted', async (t) => {
  let openssl = '';
  try {
    openssl = execFileSync('openssl', ['version'], { encoding: 'utf8' });
  } catch {
    t.comment('no openssl on this machine: the openssl check is not run');
    return;
  }
  t.ok(openssl);
  const app = await testApp(t, { env: { SUNLINE_BRIDGE_SECRETS_FILE: secretsFile(t, BRIDGES_YAML) } });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}/api/intake/wechat`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = 'Xq3v9LmT2bR8sW1z';
  const body = JSON.stringify(message);
  // As in docs/configuration.md: printf '%s\n%s\n%s' "$TS" "$NONCE" "$BODY" | openssl dgst -sha256 -hmac "$SECRET"
  const out = execFileSync('sh', ['-c', `printf '%s\\n%s\\n%s' "$TS" "$NONCE" "$BODY" | openssl dgst -sha256 -hmac "$SECRET"`], {
    env: { ...process.env, TS: timestamp, NONCE: nonce, BODY: body, SECRET: SECRET_A },
    encoding: 'utf8',
  });
  const signature = out.trim().split(/\s+/).pop()!;
  t.equal(signature, sign(SECRET_A, timestamp, nonce, body), 'openssl and node:crypto agree');
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-sunline-bridge': 'wechat-official',
      'x-sunline-timestamp': timestamp,
      'x-sunline-nonce': nonce,
      'x-sunline-signature': signature,
    },
    body,
  });
  t.equal(res.status, 201, await res.clone().text());
});

t.test('without SUNLINE_BRIDGE_SECRETS_FILE no bridge is accepted', async (t) => {
  const app = await testApp(t);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = 'n'.repeat(16);
  const body = JSON.stringify(message);
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/intake/wechat',
    headers: {
      'content-type': 'application/json',
      'x-sunline-bridge': 'wechat-official',
      'x-sunline-timestamp': timestamp,
      'x-sunline-nonce': nonce,
      'x-sunline-signature': sign(SECRET_A, timestamp, nonce, body),
    },
    payload: body,
  });
  t.equal(res.statusCode, 401);
  t.equal(res.json().error.code, 'BRIDGE_SIGNATURE_INVALID');
  t.equal(await orderCount(app), 0);
});

t.test('the secrets file is checked at start, and no secret reaches a message or the Env as JSON', async (t) => {
  const base = { SUNLINE_TELEPHONY: 'false' };
  const env = loadEnv({ ...base, SUNLINE_BRIDGE_SECRETS_FILE: secretsFile(t, BRIDGES_YAML) });
  t.same(
    env.bridges.map((b) => b.id),
    ['wechat-official', 'wechat-county'],
  );
  t.notMatch(JSON.stringify(env), SECRET_A, 'the Env as JSON (a log line) holds no secret');
  t.notMatch(JSON.stringify(env), SECRET_B);
  const problems = (text: string) => {
    try {
      loadEnv({ ...base, SUNLINE_BRIDGE_SECRETS_FILE: secretsFile(t, text) });
      return [];
    } catch (err) {
      t.type(err, EnvError);
      return (err as EnvError & { problems?: string[] }).message;
    }
  };
  const short = problems('bridges:\n  - id: wechat-official\n    secret: short-secret-123\n');
  t.match(short, /SUNLINE_BRIDGE_SECRETS_FILE .*bridges\.0\.secret: at least 32 characters/);
  t.notMatch(short, 'short-secret-123', 'the message does not repeat the secret');
  t.match(problems(`bridges:\n  - id: a\n    secret: ${SECRET_A}\n  - id: a\n    secret: ${SECRET_B}\n`), /bridge id a is listed twice/);
  const broken = problems(`bridges: [ { id: a, secret: "${SECRET_A}" `);
  t.match(broken, /not valid YAML/);
  t.notMatch(broken, SECRET_A);
  t.throws(() => loadEnv({ ...base, SUNLINE_BRIDGE_SECRETS_FILE: '/nonexistent/bridges.yaml' }), /SUNLINE_BRIDGE_SECRETS_FILE .*cannot be read \(ENOENT\)/);
});

t.test('the worked example in docs/configuration.md gives the signature it states', async (t) => {
  const docs = fs.readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  const section = docs.slice(docs.indexOf('**Worked example.**'), docs.indexOf('## Citizen lookup'));
  const value = (re: RegExp) => re.exec(section)?.[1] ?? '';
  const secret = value(/^SECRET=(\S+)$/m);
  const body = value(/^BODY='(.+)'$/m);
  const stated = value(/signature is\s+`([0-9a-f]{64})`/);
  t.equal(secret.length, 32);
  t.match(body, /^\{"openid"/);
  t.equal(sign(secret, value(/TS=(\d+)`/), value(/NONCE=([\w-]+)`/), body), stated, 'HMAC-SHA256 of the example is the one the docs give');
});

t.test('a replay is refused by another node on the same database and after a restart (the nonces are in the database)', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-bridge-nodes-'));
  t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const env = { SUNLINE_BRIDGE_SECRETS_FILE: secretsFile(t, BRIDGES_YAML), SUNLINE_DATA_DIR: dataDir };
  const nodeA = await testApp(t, { env });
  const nodeB = await testApp(t, { env });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(12).toString('base64url');
  const body = JSON.stringify(message);
  const headers = {
    'content-type': 'application/json',
    'x-sunline-bridge': 'wechat-official',
    'x-sunline-timestamp': timestamp,
    'x-sunline-nonce': nonce,
    'x-sunline-signature': sign(SECRET_A, timestamp, nonce, body),
  };
  const send = (app: typeof nodeA) => app.http.inject({ method: 'POST', url: '/api/intake/wechat', headers, payload: body });
  t.equal((await send(nodeA)).statusCode, 201, 'taken by node A');
  const onB = await send(nodeB);
  t.equal(onB.statusCode, 401, 'the same bytes sent to node B');
  t.equal(onB.json().error.code, 'BRIDGE_NONCE_REPLAYED');
  await nodeA.close();
  const restarted = await testApp(t, { env });
  const afterRestart = await send(restarted);
  t.equal(afterRestart.statusCode, 401, 'and to node A once restarted');
  t.equal(afterRestart.json().error.code, 'BRIDGE_NONCE_REPLAYED');
  t.equal(await orderCount(restarted), 1, 'one order');
});
