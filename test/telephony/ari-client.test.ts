/**
 * ARI REST against a tiny local HTTP server: requests on the wire, and every failure mapped to
 * a fixed TelephonyError code.
 */
import t from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { AriClient } from '../../src/telephony/ari/index.js';
import { TelephonyError } from '../../src/telephony/errors.js';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: string;
}

/** Answers from a route table `METHOD /path` → [status, body]; records every request. */
async function fakeAri(routes: Record<string, [number, unknown] | 'hang'>) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      const route = routes[`${req.method} ${req.url!.split('?')[0]}`];
      if (route === 'hang') return; // never answer: timeout test
      const [status, payload] = route ?? [404, { message: 'Resource not found' }];
      if (status === 204) return res.writeHead(204).end();
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function client(url: string, timeoutMs = 2000) {
  return new AriClient({ url, username: 'sunline', password: 's3cret', app: 'sunline', logger: pino({ level: 'silent' }), requestTimeoutMs: timeoutMs });
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof TelephonyError ? `${e.code} ${e.statusCode}` : `other: ${String(e)}`;
  }
}

t.test('REST calls go out with basic auth, encoded query and JSON body', async (t) => {
  const srv = await fakeAri({
    'POST /ari/channels': [200, { id: 'c1', name: 'PJSIP/x-1' }],
    'POST /ari/channels/c%2F1/play': [201, { id: 'pb1', state: 'queued' }],
    'POST /ari/channels/c1/answer': [204, null],
    'GET /ari/asterisk/ping': [200, { ping: 'pong', asterisk_id: 'a', timestamp: 't' }],
  });
  t.teardown(srv.close);
  const ari = client(srv.url + '/ari/');
  const ch = await ari.channels.originate({ endpoint: 'PJSIP/100', app: 'sunline', callerId: '12345', variables: { HOTLINE: '12345' } });
  t.equal(ch.id, 'c1');
  const pb = await ari.channels.play('c/1', ['sound:hello-world', 'digits:12'], { lang: 'zh' });
  t.equal(pb.id, 'pb1');
  t.equal(await ari.channels.answer('c1'), undefined);
  t.equal((await ari.asterisk.ping()).ping, 'pong');

  const [orig, play, answer] = srv.seen;
  t.equal(orig?.auth, `Basic ${Buffer.from('sunline:s3cret').toString('base64')}`);
  t.equal(orig?.url, '/ari/channels?endpoint=PJSIP%2F100&app=sunline&callerId=12345');
  t.same(JSON.parse(orig!.body), { variables: { HOTLINE: '12345' } }, 'variables go in the body');
  t.equal(play?.url, '/ari/channels/c%2F1/play?media=sound%3Ahello-world%2Cdigits%3A12&lang=zh', 'list params comma-joined, ids encoded');
  t.equal(answer?.body, '', 'no body when there are no body params');
});

t.test('ARI statuses become fixed codes', async (t) => {
  const srv = await fakeAri({
    'POST /ari/channels/gone/answer': [404, { message: 'Channel not found' }],
    'DELETE /ari/bridges/gone': [404, { message: 'Bridge not found' }],
    'POST /ari/channels/c1/hold': [409, { message: 'Channel not in Stasis application' }],
    'POST /ari/channels/c1/ring': [412, { message: 'Channel in invalid state' }],
    'POST /ari/bridges/b1/addChannel': [422, { message: 'Channel not in Stasis application' }],
    'POST /ari/channels/c1/dtmf': [400, { message: 'DTMF is required' }],
    'POST /ari/bridges/b2/addChannel': [400, { message: 'Channel not found' }],
    'GET /ari/channels': [500, { message: 'Internal Server Error' }],
    'GET /ari/bridges': [401, { message: 'Authentication required' }],
    'GET /ari/channels/c1/variable': [404, { message: 'Provided variable was not found' }],
  });
  t.teardown(srv.close);
  const ari = client(srv.url);
  t.equal(await codeOf(ari.channels.answer('gone')), 'CHANNEL_GONE 404');
  t.equal(await codeOf(ari.bridges.destroy('gone')), 'ARI_NOT_FOUND 404');
  t.equal(await codeOf(ari.channels.hold('c1')), 'ARI_CONFLICT 409');
  t.equal(await codeOf(ari.channels.ring('c1')), 'ARI_PRECONDITION_FAILED 412');
  t.equal(await codeOf(ari.bridges.addChannel('b1', 'c1')), 'ARI_UNPROCESSABLE 422');
  t.equal(await codeOf(ari.channels.sendDTMF('c1', '')), 'ARI_BAD_REQUEST 400');
  t.equal(await codeOf(ari.bridges.addChannel('b2', 'gone')), 'CHANNEL_GONE 404', 'bridges answer a gone channel with 400');
  t.equal(await codeOf(ari.channels.list()), 'ARI_ERROR 502');
  t.equal(await codeOf(ari.bridges.list()), 'ASTERISK_AUTH_FAILED 503');
  t.equal(await ari.channels.getChannelVar('c1', 'NOPE'), undefined, 'unset variable is undefined, not CHANNEL_GONE');

  const err = await ari.channels.answer('gone').catch((e: unknown) => e);
  t.ok(err instanceof TelephonyError);
  t.equal((err as TelephonyError).detail, 'Channel not found', "Asterisk's words kept as detail");
  t.equal((err as TelephonyError).message, 'The call leg is gone', 'message is the fixed text');
  t.equal((err as TelephonyError).ariStatus, 404);
});

t.test('a missing path parameter is refused before any request', async (t) => {
  const srv = await fakeAri({});
  t.teardown(srv.close);
  const ari = client(srv.url);
  t.equal(await codeOf(ari.channels.answer('')), 'ARI_BAD_REQUEST 400');
  t.equal(srv.seen.length, 0);
});

t.test('no answer in time → ASTERISK_TIMEOUT', async (t) => {
  const srv = await fakeAri({ 'GET /ari/channels': 'hang' });
  t.teardown(srv.close);
  const started = Date.now();
  t.equal(await codeOf(client(srv.url, 200).channels.list()), 'ASTERISK_TIMEOUT 504');
  t.ok(Date.now() - started < 1500);
});

t.test('connection refused → ASTERISK_UNAVAILABLE', async (t) => {
  const srv = await fakeAri({});
  await srv.close(); // the port is now free: nothing listens there
  const err = await client(srv.url)
    .asterisk.info()
    .catch((e: unknown) => e);
  t.equal((err as TelephonyError).code, 'ASTERISK_UNAVAILABLE');
  t.equal((err as TelephonyError).statusCode, 503);
  t.equal((err as TelephonyError).detail, 'ECONNREFUSED');
});

t.test('after close(), calls are refused with ASTERISK_UNAVAILABLE and in-flight ones aborted', async (t) => {
  const srv = await fakeAri({ 'GET /ari/channels': 'hang' });
  t.teardown(srv.close);
  const ari = client(srv.url, 5000);
  const inflight = codeOf(ari.channels.list());
  await new Promise((r) => setTimeout(r, 50));
  await ari.close();
  t.equal(await inflight, 'ASTERISK_UNAVAILABLE 503');
  t.equal(await codeOf(ari.channels.list()), 'ASTERISK_UNAVAILABLE 503');
});

t.test('generic call() reaches any swagger operation', async (t) => {
  const srv = await fakeAri({ 'PUT /ari/deviceStates/Stasis%3Aagent-1': [204, null] });
  t.teardown(srv.close);
  const ari = client(srv.url);
  await ari.call('deviceStates.update', { deviceName: 'Stasis:agent-1', deviceState: 'INUSE' });
  t.equal(srv.seen[0]?.url, '/ari/deviceStates/Stasis%3Aagent-1?deviceState=INUSE');
  t.equal(srv.seen[0]?.method, 'PUT');
});
