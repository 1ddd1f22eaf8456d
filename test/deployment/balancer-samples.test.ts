/**
 * The load-balancer samples in docs/samples/ work as docs/deployment.md says (issue 16 item 2), with
 * the Debian 12 packages scripts/setup.sh installs (nginx 1.22, HAProxy 2.6): each file passes its
 * own check (`nginx -t`, `haproxy -c`), and then runs, with only its addresses, ports and
 * certificate paths rewritten, in front of two stand-in nodes (plain HTTP servers that answer
 * `/health/call-control` like a leader or a standby and say which node they are):
 *
 * - nginx: calls.12345.example always reaches node 1, desk.12345.example both nodes, a WebSocket
 *   upgrade reaches the node with its Upgrade/Connection headers, plain HTTP is redirected to https;
 * - HAProxy: calls.12345.example reaches only the node whose /health/call-control answers 200; when
 *   the lease moves (the old leader answers 503, the standby 200) the calls name follows, and a
 *   console's open WebSocket to the old leader is closed so that it reconnects to the new one.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';

const SAMPLES = path.join(import.meta.dirname, '../../docs/samples');
const NGINX = '/usr/sbin/nginx';
const HAPROXY = '/usr/sbin/haproxy';

for (const bin of [NGINX, HAPROXY]) if (!fs.existsSync(bin)) throw new Error(`no ${bin}: install the Debian packages nginx and haproxy (scripts/setup.sh)`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-balancers-'));
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

// A self-signed certificate for both names (the samples' certificate paths are rewritten to it).
const key = path.join(dir, 'key.pem');
const crt = path.join(dir, 'crt.pem');
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '2', '-subj', '/CN=calls.12345.example'], {
  stdio: 'ignore',
});
const pem = path.join(dir, 'combined.pem');
fs.writeFileSync(pem, fs.readFileSync(crt, 'utf8') + fs.readFileSync(key, 'utf8'));

/** A stand-in Sunline node: says its name, answers the health checks as told, accepts WebSocket upgrades. */
interface Node {
  name: string;
  port: number;
  leader: boolean;
  upgrades: Array<{ upgrade: string | undefined; connection: string | undefined; proto: string | undefined }>;
  sockets: Set<net.Socket>;
  server: http.Server;
}

async function startNode(name: string, leader: boolean): Promise<Node> {
  const node = { name, leader, upgrades: [], sockets: new Set<net.Socket>() } as unknown as Node;
  node.server = http.createServer((req, res) => {
    if (req.url === '/health/call-control') {
      res.writeHead(node.leader ? 200 : 503).end();
      return;
    }
    if (req.url === '/health/ready') {
      res.writeHead(200).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`${name} ${String(req.headers['x-forwarded-proto'])}`);
  });
  node.server.on('upgrade', (req, socket: net.Socket) => {
    node.upgrades.push({ upgrade: req.headers.upgrade, connection: req.headers.connection, proto: req.headers['x-forwarded-proto'] as string | undefined });
    node.sockets.add(socket);
    socket.on('close', () => node.sockets.delete(socket));
    socket.on('error', () => undefined);
    const accept = createHash('sha1')
      .update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  });
  await new Promise<void>((r) => node.server.listen(0, '127.0.0.1', r));
  node.port = (node.server.address() as AddressInfo).port;
  t.teardown(() => {
    for (const s of node.sockets) s.destroy();
    node.server.close();
  });
  return node;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** GET over TLS to 127.0.0.1:port with `host` as SNI and Host header; the body. */
function get(port: number, host: string, url = '/'): Promise<{ status: number; body: string; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path: url, servername: host, headers: { host }, rejectUnauthorized: false, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ...(res.headers.location ? { location: res.headers.location } : {}) }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${host}${url} timed out`)));
    req.end();
  });
}

function plainGet(port: number, host: string): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/desk', headers: { host }, agent: false }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, ...(res.headers.location ? { location: res.headers.location } : {}) });
      })
      .on('error', reject);
  });
}

/** A console's WebSocket handshake over TLS (socket.io's path); resolves with the open socket once 101 came. */
function openUpgrade(port: number, host: string): Promise<import('node:tls').TLSSocket> {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1',
      port,
      path: '/socket.io/?EIO=4&transport=websocket',
      servername: host,
      rejectUnauthorized: false,
      agent: false,
      headers: { host, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    req.on('upgrade', (_res, socket) => resolve(socket as import('node:tls').TLSSocket));
    req.on('response', (res) => reject(new Error(`no upgrade: HTTP ${res.statusCode}`)));
    req.on('error', reject);
    req.end();
  });
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const by = Date.now() + ms;
  for (;;) {
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return;
    if (Date.now() > by) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function run(bin: string, args: string[], name: string): ChildProcess {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGTERM');
  });
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) t.comment(`${name} exited ${code}: ${out.slice(-2000)}`);
  });
  return child;
}

t.test('nginx sample: nginx -t, then calls to node 1 only, desk to both, WebSocket upgrade, http → https', async (t) => {
  const ng = path.join(dir, 'nginx');
  fs.mkdirSync(ng, { recursive: true });
  const [node1, node2] = [await startNode('node1', true), await startNode('node2', false)];
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const sample = fs.readFileSync(path.join(SAMPLES, 'nginx-sunline.conf'), 'utf8');
  const rewritten = sample
    .replace(/\/etc\/ssl\/sunline\/\w+\.crt/g, crt)
    .replace(/\/etc\/ssl\/sunline\/\w+\.key/g, key)
    .replaceAll('10.0.0.11:8080', `127.0.0.1:${node1.port}`)
    .replaceAll('10.0.0.12:8080', `127.0.0.1:${node2.port}`)
    .replaceAll('listen 80;', `listen 127.0.0.1:${httpPort};`)
    .replaceAll('listen 443 ssl', `listen 127.0.0.1:${httpsPort} ssl`);
  t.not(rewritten, sample);
  t.notMatch(rewritten, /10\.0\.0\.|\/etc\/ssl/, 'every address and path of the sample was rewritten');
  fs.writeFileSync(path.join(ng, 'sample.conf'), rewritten);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `  ${k}_temp_path ${path.join(ng, k)};`).join('\n');
  fs.writeFileSync(
    path.join(ng, 'nginx.conf'),
    `pid ${path.join(ng, 'nginx.pid')};\nerror_log ${path.join(ng, 'error.log')};\nevents {}\nhttp {\n  access_log ${path.join(ng, 'access.log')};\n${temp}\n  include ${path.join(ng, 'sample.conf')};\n}\n`,
  );
  const args = ['-e', path.join(ng, 'error.log'), '-p', ng, '-c', path.join(ng, 'nginx.conf')];
  const check = execFileSync(NGINX, ['-t', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  t.equal(check, '', 'nginx -t passes (it prints its verdict on stderr and exits 0)');

  run(NGINX, ['-g', 'daemon off;', ...args], 'nginx');
  await until('nginx to listen', async () => (await get(httpsPort, 'desk.12345.example', '/')).status === 200);

  const calls = new Set<string>();
  for (let i = 0; i < 8; i++) calls.add((await get(httpsPort, 'calls.12345.example', `/api/x${i}`)).body);
  t.same([...calls], ['node1 https'], 'calls.12345.example: always the call-control node, X-Forwarded-Proto https');
  const desk = new Set<string>();
  for (let i = 0; i < 16 && desk.size < 2; i++) desk.add((await get(httpsPort, 'desk.12345.example', `/api/y${i}`)).body.split(' ')[0]!);
  t.same([...desk].sort(), ['node1', 'node2'], 'desk.12345.example: both nodes');

  const ws = await openUpgrade(httpsPort, 'calls.12345.example');
  t.match(node1.upgrades.at(-1), { upgrade: 'websocket', connection: 'upgrade', proto: 'https' }, 'a console’s WebSocket reaches node 1 upgraded');
  ws.destroy();
  t.match(await plainGet(httpPort, 'desk.12345.example'), { status: 301, location: 'https://desk.12345.example/desk' }, 'plain HTTP is sent to https');
});

t.test('HAProxy sample: haproxy -c, then calls follow the lease holder and consoles on the old leader are closed', async (t) => {
  const [node1, node2] = [await startNode('node1', true), await startNode('node2', false)];
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const sample = fs.readFileSync(path.join(SAMPLES, 'haproxy-sunline.cfg'), 'utf8');
  const rewritten = sample
    .replace('/etc/ssl/sunline/sunline.pem', pem)
    .replaceAll('10.0.0.11:8080', `127.0.0.1:${node1.port}`)
    .replaceAll('10.0.0.12:8080', `127.0.0.1:${node2.port}`)
    .replace('bind :443 ', `bind 127.0.0.1:${httpsPort} `)
    .replace('bind :80', `bind 127.0.0.1:${httpPort}`);
  t.notMatch(rewritten, /10\.0\.0\.|\/etc\/ssl|bind :/, 'every address, port and path of the sample was rewritten');
  const cfg = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(cfg, rewritten);
  t.match(execFileSync(HAPROXY, ['-c', '-f', cfg], { encoding: 'utf8' }), /Configuration file is valid/, 'haproxy -c passes');

  run(HAPROXY, ['-db', '-f', cfg], 'haproxy');
  // HAProxy counts each server up until its first check (inter 1 s): wait for the standby's.
  await until('HAProxy to route calls to the leader only', async () => {
    for (let i = 0; i < 6; i++) if ((await get(httpsPort, 'calls.12345.example')).body !== 'node1 https') return false;
    return true;
  });
  const first = new Set<string>();
  for (let i = 0; i < 8; i++) first.add((await get(httpsPort, 'calls.12345.example', `/api/x${i}`)).body);
  t.same([...first], ['node1 https'], 'calls.12345.example: only the node whose /health/call-control answers 200');
  const desk = new Set<string>();
  await until('desk.12345.example to reach both ready nodes', async () => {
    desk.add((await get(httpsPort, 'desk.12345.example')).body.split(' ')[0]!);
    return desk.size === 2;
  });
  t.pass('desk.12345.example: both nodes');

  const ws = await openUpgrade(httpsPort, 'calls.12345.example');
  t.equal(node1.sockets.size, 1, 'a console’s WebSocket is open to the leader');
  const closed = new Promise<void>((r) => ws.on('close', () => r()));
  ws.on('error', () => undefined);

  // The lease moves: node 2 takes it, node 1 (fenced, still running) answers 503.
  node2.leader = true;
  node1.leader = false;
  const movedAt = Date.now();
  await until('calls.12345.example to reach node 2', async () => (await get(httpsPort, 'calls.12345.example')).body === 'node2 https');
  t.comment(`calls name moved ${Date.now() - movedAt} ms after the lease (checks every 1 s, fall 1, rise 1)`);
  // The old leader is out at its first 503 (≤ 1 s, as the new one is in at its first 200).
  await until(
    'node 1 to be out of the calls backend',
    async () => {
      for (let i = 0; i < 6; i++) if ((await get(httpsPort, 'calls.12345.example')).body !== 'node2 https') return false;
      return true;
    },
    5_000,
  );
  t.ok(Date.now() - movedAt < 5_000, 'within 5 s of the lease moving, only the new leader gets the calls name');
  for (let i = 0; i < 6; i++) t.equal((await get(httpsPort, 'calls.12345.example', `/api/z${i}`)).body, 'node2 https', 'then only node 2');
  await Promise.race([closed, new Promise((_r, reject) => setTimeout(() => reject(new Error('the console on the old leader was not closed')), 15_000))]);
  t.pass('the console’s WebSocket to the old leader was closed (on-marked-down shutdown-sessions): it reconnects to node 2');
  t.match(await plainGet(httpPort, 'desk.12345.example'), { status: 301, location: 'https://desk.12345.example/desk' }, 'plain HTTP is sent to https');
});
