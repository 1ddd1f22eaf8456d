/**
 * docker-compose.yml, docker/haproxy.cfg and the Dockerfile say what docs/deployment.md says
 * (issue 16 item 6). No Docker engine runs here, so the files are checked for what would break a
 * start: every SUNLINE_ setting of the two nodes is one the server reads and loadEnv accepts (with
 * the file's ${VAR:-default}s filled in), both nodes share the database, Redis and the files they
 * serve, their ports do not collide on the one host network, HAProxy's config passes `haproxy -c`
 * and sends each name to exactly the two nodes, and the image carries what a node needs on
 * PostgreSQL (migrations-pg/) and checks its health on the port it listens on.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { SETTING_NAMES, loadEnv, unknownSettings } from '../../src/config/env.js';

const ROOT = path.join(import.meta.dirname, '../..');
const HAPROXY = '/usr/sbin/haproxy';

interface Service {
  image?: string;
  build?: unknown;
  network_mode?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  command?: string[];
  depends_on?: unknown;
}
const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const service = (name: string): Service => {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};
const services = compose.services;

/** Compose's `${NAME:-default}` with nothing set in the shell: the default. */
const interpolate = (v: string) => v.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
const envOf = (s: Service) => Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
const nodes = Object.entries(services).filter(([, s]) => Object.keys(s.environment ?? {}).some((k) => k.startsWith('SUNLINE_')));
const nodeEnv = (i: number): Record<string, string> => envOf(nodes[i]![1]);
const volumeAt = (s: Service, target: string) => (s.volumes ?? []).map((v) => v.split(':')).find(([, at]) => target === at || target.startsWith(`${at}/`))?.[0];

t.test('the services of a two-node centre', async (t) => {
  t.same(Object.keys(services).sort(), ['asterisk', 'haproxy', 'postgres', 'redis', 'sunline-1', 'sunline-2']);
  t.same(
    nodes.map(([name]) => name),
    ['sunline-1', 'sunline-2'],
    'two Sunline nodes',
  );
  for (const [name, s] of Object.entries(services)) t.equal(s.network_mode, 'host', `${name} on the host network`);
});

t.test("each node's settings are the server's and load", async (t) => {
  for (const [name, s] of nodes) {
    const env = envOf(s);
    t.same(unknownSettings(env), [], `${name}: no name the server does not read`);
    t.ok([...Object.keys(env)].every((k) => SETTING_NAMES.has(k)));
    const loaded = loadEnv({ ...env, SUNLINE_CONFIG_DIR: path.join(ROOT, 'config') }, ROOT);
    t.match(loaded.databaseUrl, /^postgres:\/\//, `${name} runs on PostgreSQL`);
    t.ok(loaded.redisUrl, `${name} shares Redis`);
    t.equal(loaded.telephony, true, `${name} may control calls (leader or standby)`);
  }
  const [a, b] = [nodeEnv(0), nodeEnv(1)];
  for (const same of ['SUNLINE_DATABASE_URL', 'SUNLINE_REDIS_URL', 'SUNLINE_ARI_URL', 'SUNLINE_AMI_HOST', 'SUNLINE_AMI_PORT', 'SUNLINE_TRUST_PROXY']) {
    t.equal(a[same], b[same], `both nodes: the same ${same}`);
  }
  t.not(a.SUNLINE_PORT, b.SUNLINE_PORT, 'one host network: each node its own port');
  const [a0, a1, b0, b1] = [a.SUNLINE_MEDIA_RTC_MIN_PORT, a.SUNLINE_MEDIA_RTC_MAX_PORT, b.SUNLINE_MEDIA_RTC_MIN_PORT, b.SUNLINE_MEDIA_RTC_MAX_PORT].map(
    Number,
  ) as [number, number, number, number];
  t.ok(a1 < b0 || b1 < a0, `their mediasoup port ranges do not overlap (${a0}-${a1}, ${b0}-${b1})`);
});

t.test('the database and Redis the nodes name are the ones the file starts', async (t) => {
  const pg = service('postgres').environment ?? {};
  const url = new URL(nodeEnv(0).SUNLINE_DATABASE_URL ?? '');
  t.equal(url.username, pg.POSTGRES_USER);
  t.equal(decodeURIComponent(url.password), interpolate(pg.POSTGRES_PASSWORD ?? ''));
  t.equal(url.pathname.slice(1), pg.POSTGRES_DB);
  t.equal(url.port, '5432');
  t.match(pg.POSTGRES_INITDB_ARGS, /--encoding=UTF8/, 'a UTF-8 database (the server refuses any other: DB_LOCALE_NOT_UTF8)');
  t.match(pg.POSTGRES_INITDB_ARGS, /--locale=C\.UTF-8/);
  const redis = service('redis').command ?? [];
  t.equal(new URL(nodeEnv(0).SUNLINE_REDIS_URL ?? '').port, redis[redis.indexOf('--port') + 1]);
});

t.test('the files both nodes serve live on one shared volume', async (t) => {
  for (const setting of ['SUNLINE_ATTACHMENTS_DIR', 'SUNLINE_RECORDINGS_DIR', 'SUNLINE_REPORTS_DIR', 'SUNLINE_SOUNDS_DIR']) {
    const sources = nodes.map(([, s]) => {
      const dir = envOf(s)[setting] ?? '';
      // The sounds folder is shared for its sunline/ part, which the server writes.
      return volumeAt(s, setting === 'SUNLINE_SOUNDS_DIR' ? `${dir}/sunline` : dir);
    });
    t.ok(sources[0], `${setting} is on a volume`);
    t.equal(sources[0], sources[1], `${setting}: the same volume on both nodes`);
    t.ok(sources[0] && sources[0] in compose.volumes, `${setting}: a named volume`);
  }
  const [asterisk, node] = [service('asterisk'), service('sunline-1')];
  t.equal(
    volumeAt(asterisk, '/usr/share/asterisk/sounds/sunline'),
    volumeAt(node, '/var/lib/asterisk/sounds/sunline'),
    'the prompts Asterisk plays are the ones uploaded',
  );
  t.equal(volumeAt(asterisk, '/var/spool/asterisk/monitor'), volumeAt(node, '/var/spool/asterisk/monitor'), "MixMonitor's recordings reach the nodes");
  for (const s of [...nodes.map(([, n]) => n), service('haproxy')]) {
    for (const v of s.volumes ?? []) {
      const from = v.split(':')[0] ?? '';
      if (from.startsWith('./')) t.ok(fs.existsSync(path.join(ROOT, from)), `${from} exists in the repository`);
    }
  }
});

t.test("HAProxy's config passes its check and names exactly the two nodes", async (t) => {
  const cfgPath = path.join(ROOT, 'docker/haproxy.cfg');
  t.ok(
    (service('haproxy').volumes ?? []).some((v) => v.startsWith('./docker/haproxy.cfg:')),
    'the compose file mounts it',
  );
  if (!fs.existsSync(HAPROXY)) throw new Error(`no ${HAPROXY}: install the Debian package haproxy (scripts/setup.sh)`);
  t.doesNotThrow(() => execFileSync(HAPROXY, ['-c', '-q', '-f', cfgPath], { stdio: 'pipe' }), 'haproxy -c');
  const cfg = fs.readFileSync(cfgPath, 'utf8');
  const nodeAddresses = nodes.map(([, s]) => `127.0.0.1:${envOf(s).SUNLINE_PORT}`).sort();
  const backends = cfg.split(/^backend /m).slice(1);
  t.equal(backends.length, 2);
  for (const b of backends) {
    const servers = [...b.matchAll(/^\s+server \S+ (\S+)/gm)].map((m) => m[1]).sort();
    t.same(servers, nodeAddresses, `backend ${b.split('\n')[0]}: the two nodes`);
  }
  t.match(backends.find((b) => b.startsWith('sunline_calls')) ?? '', /httpchk GET \/health\/call-control/, 'the calls port follows the lease');
  const binds = [...cfg.matchAll(/^\s+bind :(\d+)/gm)].map((m) => m[1]);
  t.same(binds, ['8080', '8090']);
  for (const [name, s] of nodes) t.notOk(binds.includes(envOf(s).SUNLINE_PORT ?? ''), `${name}'s port is not one HAProxy binds`);
  t.notOk(binds.includes(new URL(nodeEnv(0).SUNLINE_ARI_URL ?? '').port), "nor is Asterisk's HTTP port");
});

t.test('the image runs a node on PostgreSQL', async (t) => {
  const docker = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  for (const dir of ['migrations', 'migrations-pg', 'config']) t.match(docker, new RegExp(`^COPY ${dir} \\./${dir}$`, 'm'), `the image has ${dir}/`);
  t.match(docker, /HEALTHCHECK[^\n]*process\.env\.SUNLINE_PORT/, 'its health check asks the port the node listens on');
  t.match(docker, /chown node:node [^\n]*\/var\/lib\/sunline-files/, 'the shared files folder belongs to the user the server runs as');
});
