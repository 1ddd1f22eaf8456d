/**
 * AmiGateway against a tiny fake AMI TCP server: banner, Login, ActionID echo, list actions
 * with EventList start/Complete, Response: Error, timeouts, pending actions failed on close,
 * reconnect + re-login, keepalive, and events forwarded by name.
 */
import t, { type Test } from 'tap';
import net from 'node:net';
import { once } from 'node:events';
import { pino } from 'pino';
import { AmiGateway, type AmiGatewayEvents } from '../../src/telephony/ami/index.js';
import { TelephonyError } from '../../src/telephony/errors.js';

type Block = Record<string, string>;

class FakeAmi {
  secret = 'pw';
  answerPing = true;
  logins = 0;
  actions: Block[] = [];
  members = new Set<string>();
  port = 0;
  #server: net.Server | undefined;
  #sockets = new Set<net.Socket>();

  async start(): Promise<void> {
    this.#server = net.createServer((sock) => {
      this.#sockets.add(sock);
      sock.on('close', () => this.#sockets.delete(sock));
      sock.write('Asterisk Call Manager/9.0.0\r\n');
      let buf = '';
      sock.on('data', (d) => {
        buf += d.toString();
        let i;
        while ((i = buf.indexOf('\r\n\r\n')) >= 0) {
          const block: Block = {};
          for (const line of buf.slice(0, i).split('\r\n')) {
            const [k, ...v] = line.split(': ');
            block[k!.toLowerCase()] = v.join(': ');
          }
          buf = buf.slice(i + 4);
          this.#handle(sock, block);
        }
      });
    });
    await new Promise<void>((r) => this.#server!.listen(this.port, '127.0.0.1', r));
    this.port = (this.#server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((r) => this.#server!.close(() => r()));
  }

  /** Send an unsolicited event to every client. */
  event(fields: Block): void {
    for (const s of this.#sockets) s.write(fmt(fields));
  }

  #handle(sock: net.Socket, a: Block): void {
    this.actions.push(a);
    const id = { ActionID: a.actionid ?? '' };
    switch (a.action?.toLowerCase()) {
      case 'login':
        if (a.username === 'sunline' && a.secret === this.secret) {
          this.logins++;
          return void sock.write(fmt({ Response: 'Success', ...id, Message: 'Authentication accepted' }));
        }
        sock.write(fmt({ Response: 'Error', ...id, Message: 'Authentication failed' }));
        return void setTimeout(() => sock.destroy(), 10);
      case 'ping':
        if (this.answerPing) sock.write(fmt({ Response: 'Success', ...id, Ping: 'Pong', Timestamp: '1.0' }));
        return;
      case 'queueadd': {
        const key = `${a.queue}/${a.interface}`;
        if (this.members.has(key)) return void sock.write(fmt({ Response: 'Error', ...id, Message: 'Unable to add interface: Already there' }));
        this.members.add(key);
        return void sock.write(fmt({ Response: 'Success', ...id, Message: 'Added interface to queue' }));
      }
      case 'queuestatus':
        sock.write(fmt({ Response: 'Success', ...id, EventList: 'start', Message: 'Queue status will follow' }));
        sock.write(fmt({ Event: 'QueueParams', Queue: '12345', Max: '0', Strategy: 'rrmemory', Calls: '1', ...id }));
        for (const m of this.members)
          sock.write(fmt({ Event: 'QueueMember', Queue: '12345', Name: 'agent', Location: m.split('/').slice(1).join('/'), Paused: '0', ...id }));
        sock.write(fmt({ Event: 'QueueEntry', Queue: '12345', Position: '1', CallerIDNum: '13812345678', ...id }));
        return void sock.write(fmt({ Event: 'QueueStatusComplete', ...id, EventList: 'Complete', ListItems: String(2 + this.members.size) }));
      case 'hang':
        return; // never answered
      default:
        sock.write(fmt({ Response: 'Error', ...id, Message: 'Invalid/unknown command' }));
    }
  }
}

function fmt(fields: Block): string {
  return (
    Object.entries(fields)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n') + '\r\n\r\n'
  );
}

function gateway(port: number, extra: Partial<ConstructorParameters<typeof AmiGateway>[0]> = {}) {
  return new AmiGateway({
    host: '127.0.0.1',
    port,
    username: 'sunline',
    password: 'pw',
    logger: pino({ level: 'silent' }),
    backoff: { initialMs: 20, maxMs: 200 },
    actionIdPrefix: 'test',
    keepAliveMs: 0,
    ...extra,
  });
}

function next<K extends keyof AmiGatewayEvents>(ami: AmiGateway, name: K): Promise<AmiGatewayEvents[K]> {
  return once(ami, name) as Promise<AmiGatewayEvents[K]>;
}

async function setup(t: Test, extra: Parameters<typeof gateway>[1] = {}) {
  const srv = new FakeAmi();
  await srv.start();
  const ami = gateway(srv.port, extra);
  t.teardown(async () => {
    await ami.close();
    await srv.stop();
  });
  const connected = next(ami, 'connected');
  ami.start();
  await connected;
  return { srv, ami };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof TelephonyError ? e.code : `other: ${String(e)}`),
  );
}

t.test('logs in, sends our ActionIDs and typed queue fields, returns the response', async (t) => {
  const { srv, ami } = await setup(t);
  t.match(ami.health(), { ok: true, state: 'open' });
  const res = await ami.queues.add({
    queue: '12345',
    interface: 'Local/agent-7@agents',
    memberName: '李四',
    stateInterface: 'Stasis:agent-7',
    penalty: 1,
    paused: true,
    reason: 'training',
  });
  t.equal(res.response.response, 'Success');
  t.match(res.response.actionid, /^test-\d+$/);
  const sent = srv.actions.at(-1)!;
  t.match(sent, {
    action: 'QueueAdd',
    queue: '12345',
    interface: 'Local/agent-7@agents',
    membername: '李四',
    stateinterface: 'Stasis:agent-7',
    penalty: '1',
    paused: 'true',
    reason: 'training',
  });
  t.equal(sent.actionid, res.response.actionid, 'ActionID echoed and matched');
  const login = srv.actions.find((a) => a.action?.toLowerCase() === 'login')!;
  t.match(login, { event: 'on' }, 'asterisk-manager quirk: it sends `Event: on`…');
  t.notOk('events' in login, '…never `Events:`, which is what Asterisk reads');
});

t.test('Response: Error rejects AMI_ACTION_FAILED with Asterisk’s message', async (t) => {
  const { ami } = await setup(t);
  await ami.queues.add({ queue: '12345', interface: 'Local/a@x' });
  const err = (await ami.queues.add({ queue: '12345', interface: 'Local/a@x' }).catch((e: unknown) => e)) as TelephonyError;
  t.equal(err.code, 'AMI_ACTION_FAILED');
  t.match(err.detail, /Already there/);
});

t.test('list actions are collected until EventList: Complete and not forwarded as events', async (t) => {
  const { ami } = await setup(t);
  const forwarded: string[] = [];
  ami.on('event', (e) => forwarded.push(e.event));
  await ami.queues.add({ queue: '12345', interface: 'Local/a@x' });
  const st = await ami.queues.status('12345');
  t.equal(st.queues[0]?.strategy, 'rrmemory');
  t.same(
    st.members.map((m) => m.location),
    ['Local/a@x'],
  );
  t.equal(st.entries[0]?.position, '1');
  t.same(forwarded, []);
  t.equal((await ami.list('QueueStatus')).length, 3, 'generic list() returns the items only');
});

t.test('an unanswered action times out with ASTERISK_TIMEOUT; the connection stays usable', async (t) => {
  const { ami } = await setup(t);
  t.equal(await codeOf(ami.action('Hang', {}, { timeoutMs: 100 })), 'ASTERISK_TIMEOUT');
  t.equal((await ami.action('Ping')).response.ping, 'Pong');
});

t.test('CR/LF in a field is refused (AMI header injection)', async (t) => {
  const { srv, ami } = await setup(t);
  const before = srv.actions.length;
  t.equal(await codeOf(ami.queues.pause({ interface: 'Local/a@x', paused: true, reason: 'x\r\nAction: Logoff' })), 'AMI_INVALID_FIELD');
  t.equal(await codeOf(ami.action('Ping', { ActionID: 'mine' })), 'AMI_INVALID_FIELD');
  t.equal(srv.actions.length, before, 'nothing written');
});

t.test('events are forwarded by name and on the catch-all', async (t) => {
  const { srv, ami } = await setup(t);
  const typed = next(ami, 'QueueMemberStatus');
  const all = next(ami, 'event');
  srv.event({ Event: 'QueueMemberStatus', Queue: '12345', Interface: 'Local/a@x', Status: '2', Paused: '0' });
  const [e] = await typed;
  t.equal(e.interface, 'Local/a@x');
  t.equal(e.status, '2');
  t.equal((await all)[0].event, 'QueueMemberStatus');
});

t.test('socket close fails pending actions with ASTERISK_UNAVAILABLE, then reconnects and logs in again', async (t) => {
  const { srv, ami } = await setup(t);
  const pending = codeOf(ami.action('Hang', {}, { timeoutMs: 5000 }));
  const down = next(ami, 'disconnected');
  await srv.stop();
  t.equal(await pending, 'ASTERISK_UNAVAILABLE');
  await down;
  t.equal(await codeOf(ami.action('Ping')), 'ASTERISK_UNAVAILABLE', 'no holding actions while disconnected');
  t.equal(ami.health().state, 'connecting');
  await new Promise((r) => setTimeout(r, 300));
  const again = next(ami, 'connected');
  await srv.start();
  await again;
  t.equal(srv.logins, 2, 're-login on the new socket');
  t.equal((await ami.action('Ping')).response.response, 'Success');
});

t.test('a rejected login is retried with backoff until the credentials work', async (t) => {
  const srv = new FakeAmi();
  srv.secret = 'other';
  await srv.start();
  const ami = gateway(srv.port);
  t.teardown(async () => {
    await ami.close();
    await srv.stop();
  });
  ami.start();
  await new Promise((r) => setTimeout(r, 300));
  t.match(ami.health(), { ok: false, state: 'connecting', lastError: /login failed: Authentication failed/ });
  const tries = srv.actions.filter((a) => a.action?.toLowerCase() === 'login').length;
  t.ok(tries >= 2, `retried (${tries} logins)`);
  srv.secret = 'pw';
  await next(ami, 'connected');
  t.equal(ami.health().ok, true);
});

t.test('keepalive: no answer to Ping → the connection is dropped and re-opened', async (t) => {
  const { srv, ami } = await setup(t, { keepAliveMs: 100 });
  srv.answerPing = false;
  const [reason] = await next(ami, 'disconnected');
  t.equal(reason, 'keepalive timeout');
  srv.answerPing = true;
  await next(ami, 'connected');
  t.equal(srv.logins, 2);
});

t.test('close() fails pending actions and stops reconnecting', async (t) => {
  const srv = new FakeAmi();
  await srv.start();
  const ami = gateway(srv.port);
  ami.start();
  await next(ami, 'connected');
  const pending = codeOf(ami.action('Hang', {}, { timeoutMs: 5000 }));
  await ami.close();
  t.equal(await pending, 'ASTERISK_UNAVAILABLE');
  t.equal(ami.health().state, 'closed');
  await new Promise((r) => setTimeout(r, 200));
  t.equal(srv.logins, 1, 'no reconnect');
  await srv.stop();
});
