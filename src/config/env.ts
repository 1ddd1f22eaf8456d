/**
 * Process environment, read in one place (decision 0009 #3). Everything else receives the
 * frozen `Env` object through buildApp; nobody else touches process.env.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import { loadBridgeSecrets, type BridgeSecret } from './bridge-secrets.js';
import { parseTrustProxy, parseTurnUrls } from './env-values.js';
import { checkPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, USERNAME_PATTERN } from '../users/password-policy.js';

/**
 * A number from the environment, with its bounds in `n`. An empty or blank value is refused (z.coerce.number
 * reads it as 0: `SUNLINE_PORT=` would listen on a random port, `SUNLINE_AGENT_AWAY_SECONDS=` never pause anyone).
 */
const num = (n: z.ZodNumber) =>
  z
    .string()
    .trim()
    .regex(/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i, 'must be a number')
    .transform(Number)
    .pipe(n);

/**
 * A folder, file or address: an empty or blank value is refused (unset the variable for the default). Read as
 * given, '' meant the working directory (SUNLINE_DATA_DIR=, SUNLINE_CONFIG_DIR=) or silently the default.
 */
const text = () => z.string().refine((v) => v.trim() !== '', 'must not be empty (unset the variable for its default)');

const bool = z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off']).transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const EnvSchema = z.object({
  SUNLINE_HOST: text().default('0.0.0.0'),
  SUNLINE_PORT: num(z.number().int().min(0).max(65535)).default(8080),
  SUNLINE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SUNLINE_DATA_DIR: text().default('var'),
  /** json: one pino JSON object per line (operations' log shippers); pretty: pino-pretty lines for a person at a terminal. */
  SUNLINE_LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  SUNLINE_DB_FILE: z.string().min(1, 'must name the SQLite file (unset: <SUNLINE_DATA_DIR>/sunline.db)').optional(),
  // PostgreSQL instead of the SQLite file (issue 16, docs/deployment.md): postgres://user:password@host:5432/database.
  SUNLINE_DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL (postgres://user:password@host:5432/sunline)' })
    .optional(),
  SUNLINE_DB_POOL_SIZE: num(z.number().int('a whole number of connections').min(1, 'at least 1 connection').max(200, 'at most 200 connections')).default(10),
  SUNLINE_CONFIG_DIR: text().default('config'),
  SUNLINE_CONFIG_WATCH: bool.default(true),
  SUNLINE_TELEPHONY: bool.default(true),
  // The events' WebSocket is the same URL with ws:// or wss:// (telephony/ari/client.ts): http or https only.
  SUNLINE_ARI_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL (http://127.0.0.1:8088)' }).default('http://127.0.0.1:8088'),
  SUNLINE_ARI_USER: z.string().default('sunline'),
  SUNLINE_ARI_PASSWORD: z.string().default('sunline'),
  SUNLINE_ARI_APP: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('sunline'),
  SUNLINE_ARI_MAX_CONNECTIONS: num(z.number().int().min(1).max(1000)).default(20),
  SUNLINE_STASIS_WATCHDOG_SECONDS: num(z.number().min(1).max(600)).default(20),
  SUNLINE_AMI_HOST: z.string().default('127.0.0.1'),
  SUNLINE_AMI_PORT: num(z.number().int().min(1).max(65535)).default(5038),
  SUNLINE_AMI_USER: z.string().default('sunline'),
  SUNLINE_AMI_PASSWORD: z.string().default('sunline'),
  SUNLINE_SESSION_TTL_HOURS: num(z.number().positive().max(720, 'at most 720 hours (30 days)')).default(12),
  // auto: Secure except towards a loopback client over plain http (http/cookie-secure.ts).
  SUNLINE_COOKIE_SECURE: z
    .enum(['auto', '1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], "must be 'auto', true or false")
    .default('auto')
    .transform((v) => (v === 'auto' ? ('auto' as const) : ['1', 'true', 'yes', 'on'].includes(v))),
  SUNLINE_TRUST_PROXY: z
    .string()
    .optional()
    .transform((v, ctx) => parseTrustProxy(v, ctx)),
  SUNLINE_DB_SYNC: z.enum(['group', 'full', 'normal']).default('group'),
  // The page cache of each of the server's SQLite connections (the writer, its read-only second connection, the rollup worker's), MiB.
  SUNLINE_DB_CACHE_MB: num(z.number().int('a whole number of MiB').min(1, 'at least 1 MiB').max(1024, 'at most 1024 MiB')).default(4),
  SUNLINE_WRAPUP_SECONDS: num(z.number().min(0).max(3600)).default(30),
  SUNLINE_AGENT_AWAY_SECONDS: num(z.number().min(0).max(3600)).default(60),
  // Outbound calls (src/calls/outbound.ts): the dial string with {number}, the caller ID, the ring limit.
  SUNLINE_OUTBOUND_ENDPOINT: z
    .string()
    .regex(
      /^(PJSIP|SIP|IAX2|DAHDI|Local)\/[^\s,]*\{number\}[^\s,]*$/,
      'must be a dial string containing {number}, e.g. PJSIP/{number}@trunk or Local/{number}@to-citizens',
    )
    .default('PJSIP/{number}@trunk'),
  SUNLINE_OUTBOUND_CALLER_ID: z
    .string()
    .regex(/^\+?[0-9]{3,20}$/, 'must be a phone number (digits, optionally after a +)')
    .default('12345'),
  SUNLINE_OUTBOUND_RING_SECONDS: num(z.number().int().min(5).max(300)).default(40),
  // After an answered 回访 call (an order waiting for evaluation) the agent's hang-up sends the citizen to the survey IVR instead of hanging up.
  SUNLINE_OUTBOUND_SURVEY: bool.default(false),
  // The callback worklist's retry policy (src/calls/callback-policy.ts): attempts per duty and the least time between two.
  SUNLINE_CALLBACK_ATTEMPTS: num(z.number().int().min(1).max(10)).default(3),
  SUNLINE_CALLBACK_SPACING_MINUTES: num(z.number().int().min(1).max(1440)).default(30),
  SUNLINE_ATTACHMENTS_DIR: text().optional(),
  // The channel bridges' shared secrets (config/bridge-secrets.ts); without it no bridge is accepted.
  SUNLINE_BRIDGE_SECRETS_FILE: z.string().min(1).optional(),
  SUNLINE_ATTACHMENT_MAX_MB: num(z.number().positive().max(100)).default(10),
  // Call recordings (src/recordings): Asterisk's monitor folder as this process sees it (MixMonitor
  // writes there; a chroot or container mount puts it elsewhere on our side) and Sunline's storage.
  SUNLINE_RECORDING_SPOOL_DIR: text().default('/var/spool/asterisk/monitor'),
  SUNLINE_RECORDINGS_DIR: text().optional(),
  SUNLINE_MEDIA: bool.default(true),
  MEDIASOUP_WORKER_BIN: z.string().min(1).optional(),
  SUNLINE_CACHE_DIR: text().default('/var/cache/sunline'),
  SUNLINE_MEDIA_LISTEN_IP: z.ipv4().default('127.0.0.1'),
  SUNLINE_MEDIA_ANNOUNCED_IP: z.string().min(1).optional(),
  SUNLINE_MEDIA_RTP_IP: z.ipv4().optional(),
  SUNLINE_MEDIA_RTC_MIN_PORT: num(z.number().int().min(1024).max(65535)).default(40000),
  SUNLINE_MEDIA_RTC_MAX_PORT: num(z.number().int().min(1024).max(65535)).default(49999),
  SUNLINE_TURN_URLS: z
    .string()
    .optional()
    .transform((v, ctx) => parseTurnUrls(v, ctx)),
  SUNLINE_TURN_SECRET: z.string().min(16, 'the TURN shared secret must be at least 16 characters').max(512).optional(),
  SUNLINE_TURN_TTL_SECONDS: num(z.number().int().min(60, 'at least 60 seconds').max(604800, 'at most 7 days (604800)')).default(86400),
  SUNLINE_ICE_POLICY: z.enum(['all', 'relay'], "must be 'all' or 'relay'").default('all'),
  SUNLINE_LEAD_UPDATE_MS: num(z.number().int().min(0).max(5000)).default(150),
  // Several nodes (docs/deployment.md): the Redis (or Valkey) the nodes' socket.io servers share; unset: one node, nothing shared.
  SUNLINE_REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL (redis://host:6379)' }).optional(),
  // The call-control lease in that Redis (src/cluster/lease.ts): held for this long, renewed this often; a standby takes over within about ttl + renew.
  SUNLINE_LEASE_TTL_MS: num(z.number().int().min(500, 'at least 500 ms').max(60_000, 'at most 60000 ms')).default(3000),
  SUNLINE_LEASE_RENEW_MS: num(z.number().int().min(100, 'at least 100 ms').max(30_000, 'at most 30000 ms')).default(1000),
  // GET /metrics (src/reports/metrics.ts): with a token, any client that sends it; without, loopback clients only.
  SUNLINE_METRICS_TOKEN: z.string().min(16, 'the metrics token must be at least 16 characters').max(256).optional(),
  // The monthly assessment workbook (src/reports/monthly-export.ts) is written here; unset: no scheduled export.
  SUNLINE_REPORTS_DIR: z.string().min(1).optional(),
  // Asterisk's sounds folder as this process sees it: each prompt the config names is looked for there at every load (config/files/prompt-watch.ts).
  SUNLINE_SOUNDS_DIR: z.string().min(1).default('/var/lib/asterisk/sounds'),
  // The first administrator (users/initial-admin.ts): created only while no administrator exists; must change the password at first login.
  SUNLINE_INITIAL_ADMIN_PASSWORD: z.string().min(PASSWORD_MIN_LENGTH, `at least ${PASSWORD_MIN_LENGTH} characters`).max(PASSWORD_MAX_LENGTH).optional(),
  SUNLINE_INITIAL_ADMIN_USERNAME: z.string().regex(USERNAME_PATTERN, 'letters, digits, . _ -; at most 64; starting with a letter or digit').default('admin'),
});

/** Every setting the server reads from the environment. */
export const SETTING_NAMES: ReadonlySet<string> = new Set(Object.keys(EnvSchema.shape));
// The tools' own variables (demo, bench, tests) share the prefix.
const NOT_SETTINGS = /^SUNLINE_(DEMO|BENCH|TEST|KEEP)_/;

/** SUNLINE_* names in `source` the server does not read (a misspelt setting is otherwise silently ignored). */
export function unknownSettings(source: NodeJS.ProcessEnv): string[] {
  return Object.keys(source).filter((k) => k.startsWith('SUNLINE_') && !SETTING_NAMES.has(k) && !NOT_SETTINGS.test(k));
}

export interface Env {
  readonly host: string;
  readonly port: number;
  readonly logLevel: z.infer<typeof EnvSchema>['SUNLINE_LOG_LEVEL'];
  readonly dataDir: string;
  readonly dbFile: string;
  /** SQLite synchronous mode: full (power-loss safe, default) or normal (crash safe, faster). */
  readonly dbSync: 'group' | 'full' | 'normal';
  /** SQLite's page cache per connection of the server (writer, reader, the rollup worker's), MiB. */
  readonly dbCacheMb: number;
  /** PostgreSQL instead of the SQLite file (SUNLINE_DATABASE_URL); null: SQLite (dbFile). */
  readonly databaseUrl: string | null;
  /** PostgreSQL: connections in the pool (SUNLINE_DB_POOL_SIZE). */
  readonly dbPoolSize: number;
  readonly configDir: string;
  readonly configWatch: boolean;
  readonly telephony: boolean;
  readonly logFormat: z.infer<typeof EnvSchema>['SUNLINE_LOG_FORMAT'];
  /** `maxConnections`: most REST sockets to Asterisk at once (below http.conf's sessionlimit). */
  readonly ari: { readonly url: string; readonly username: string; readonly password: string; readonly app: string; readonly maxConnections: number };
  readonly ami: { readonly host: string; readonly port: number; readonly username: string; readonly password: string };
  readonly sessionTtlHours: number;
  /** The session cookie's Secure attribute: forced on or off, or 'auto' (http/cookie-secure.ts). */
  readonly cookieSecure: boolean | 'auto';
  /** Fastify's `trustProxy`: whose X-Forwarded-For to believe (false: nobody's; the socket peer is the client). */
  readonly trustProxy: false | readonly string[];
  /** Wrap-up after a call ends by itself after this long (the agent usually ends it by saving). */
  readonly wrapUpMs: number;
  /** A logged-in agent without a console this long is paused as 未连接 (0: never). */
  readonly agentAwayMs: number;
  /** A caller at the front door this long without progress is sent on to the queue (front-door-watchdog.ts). */
  readonly stasisWatchdogMs: number;
  /** Outbound calls (calls/outbound.ts): dial string template with `{number}`, caller ID, ring limit, the survey after a 回访 call. */
  readonly outbound: { readonly endpoint: string; readonly callerId: string; readonly ringMs: number; readonly survey: boolean };
  /** The callback worklist's retry policy (calls/callback-policy.ts). */
  readonly callback: { readonly attempts: number; readonly spacingMs: number };
  /** Files units attach to work orders: where they are stored and how big one may be. */
  readonly attachments: { readonly dir: string; readonly maxBytes: number };
  /** Call recordings: `spoolDir` is Asterisk's monitor folder (MixMonitor's files) on our side, `dir` Sunline's storage. */
  readonly recordings: { readonly spoolDir: string; readonly dir: string };
  /** Browser softphone audio (src/media); null when disabled or no mediasoup worker was found. */
  readonly media: MediaEnv | null;
  /** Why media is off (for the start-up log line), when `media` is null. */
  readonly mediaOff?: string;
  /** Shift leads' live queue changes are merged and sent at most once per this many ms (0: each at once; src/realtime/lead-room.ts). */
  readonly leadUpdateMs: number;
  /** The Redis the nodes' socket.io servers share (SUNLINE_REDIS_URL; src/realtime/cluster.ts); null: a single node. */
  readonly redisUrl: string | null;
  /** The call-control lease (SUNLINE_LEASE_TTL_MS, SUNLINE_LEASE_RENEW_MS; src/cluster/lease.ts), used with redisUrl and telephony; the timed-jobs lease (cluster/timed-jobs.ts), with redisUrl. */
  readonly lease: { readonly ttlMs: number; readonly renewMs: number };
  /** GET /metrics: the bearer token a scraper must send (SUNLINE_METRICS_TOKEN); null: loopback clients only, no token. */
  readonly metricsToken: string | null;
  /** Where the monthly assessment workbook is written (SUNLINE_REPORTS_DIR, absolute); null: no scheduled export. */
  readonly reportsDir: string | null;
  /** Asterisk's sounds folder on our side (SUNLINE_SOUNDS_DIR, absolute): the prompts the config names are checked there. */
  readonly soundsDir: string;
  /** The channel bridges allowed to post orders, with their shared secrets (SUNLINE_BRIDGE_SECRETS_FILE). */
  readonly bridges: readonly BridgeSecret[];
  /** The first administrator while none exists (SUNLINE_INITIAL_ADMIN_*; users/initial-admin.ts); null: not set. Never log it. */
  readonly initialAdmin: { readonly username: string; readonly password: string } | null;
}

export interface MediaEnv {
  /** The mediasoup worker binary (MEDIASOUP_WORKER_BIN, else the offline build's cache path). */
  readonly workerBin: string;
  /** Address the agents' WebRTC transports listen on. */
  readonly listenIp: string;
  /** Address put in ICE candidates when browsers reach us through NAT / another interface. */
  readonly announcedIp?: string;
  /** Address of the plain RTP transports towards Asterisk (default: listenIp). */
  readonly rtpIp: string;
  readonly rtcMinPort: number;
  readonly rtcMaxPort: number;
  /** How browsers reach the media server: TURN relays (remote agents behind NAT/firewalls); none when absent. */
  readonly ice?: IceEnv;
}

export interface IceEnv {
  /** coturn `use-auth-secret` relays; consoles get time-limited credentials (src/media/turn-credentials.ts). */
  readonly turn: { readonly urls: readonly string[]; readonly secret: string; readonly ttlSeconds: number } | null;
  /** 'relay': browsers use only TURN-relayed candidates. */
  readonly policy: 'all' | 'relay';
}

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/** Parse an environment (process.env by default) into a frozen Env; every problem at once. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const ice = iceEnv(e);
  const bridgeSecrets = loadBridgeSecrets(e.SUNLINE_BRIDGE_SECRETS_FILE === undefined ? undefined : path.resolve(cwd, e.SUNLINE_BRIDGE_SECRETS_FILE));
  if ('problems' in bridgeSecrets) throw new EnvError(bridgeSecrets.problems);
  const initialAdmin = initialAdminEnv(e);
  const dataDir = path.resolve(cwd, e.SUNLINE_DATA_DIR);
  return deepFreeze({
    host: e.SUNLINE_HOST,
    port: e.SUNLINE_PORT,
    logLevel: e.SUNLINE_LOG_LEVEL,
    logFormat: e.SUNLINE_LOG_FORMAT,
    dataDir,
    dbFile: e.SUNLINE_DB_FILE ?? path.join(dataDir, 'sunline.db'),
    dbSync: e.SUNLINE_DB_SYNC,
    dbCacheMb: e.SUNLINE_DB_CACHE_MB,
    databaseUrl: e.SUNLINE_DATABASE_URL ?? null,
    dbPoolSize: e.SUNLINE_DB_POOL_SIZE,
    configDir: path.resolve(cwd, e.SUNLINE_CONFIG_DIR),
    configWatch: e.SUNLINE_CONFIG_WATCH,
    telephony: e.SUNLINE_TELEPHONY,
    ari: {
      url: e.SUNLINE_ARI_URL,
      username: e.SUNLINE_ARI_USER,
      password: e.SUNLINE_ARI_PASSWORD,
      app: e.SUNLINE_ARI_APP,
      maxConnections: e.SUNLINE_ARI_MAX_CONNECTIONS,
    },
    ami: { host: e.SUNLINE_AMI_HOST, port: e.SUNLINE_AMI_PORT, username: e.SUNLINE_AMI_USER, password: e.SUNLINE_AMI_PASSWORD },
    sessionTtlHours: e.SUNLINE_SESSION_TTL_HOURS,
    cookieSecure: e.SUNLINE_COOKIE_SECURE,
    trustProxy: e.SUNLINE_TRUST_PROXY,
    wrapUpMs: e.SUNLINE_WRAPUP_SECONDS * 1000,
    agentAwayMs: e.SUNLINE_AGENT_AWAY_SECONDS * 1000,
    stasisWatchdogMs: e.SUNLINE_STASIS_WATCHDOG_SECONDS * 1000,
    outbound: {
      endpoint: e.SUNLINE_OUTBOUND_ENDPOINT,
      callerId: e.SUNLINE_OUTBOUND_CALLER_ID,
      ringMs: e.SUNLINE_OUTBOUND_RING_SECONDS * 1000,
      survey: e.SUNLINE_OUTBOUND_SURVEY,
    },
    callback: { attempts: e.SUNLINE_CALLBACK_ATTEMPTS, spacingMs: e.SUNLINE_CALLBACK_SPACING_MINUTES * 60_000 },
    attachments: {
      dir: e.SUNLINE_ATTACHMENTS_DIR ? path.resolve(cwd, e.SUNLINE_ATTACHMENTS_DIR) : path.join(dataDir, 'attachments'),
      maxBytes: Math.floor(e.SUNLINE_ATTACHMENT_MAX_MB * 1024 * 1024),
    },
    recordings: {
      spoolDir: path.resolve(cwd, e.SUNLINE_RECORDING_SPOOL_DIR),
      dir: e.SUNLINE_RECORDINGS_DIR ? path.resolve(cwd, e.SUNLINE_RECORDINGS_DIR) : path.join(dataDir, 'recordings'),
    },
    leadUpdateMs: e.SUNLINE_LEAD_UPDATE_MS,
    redisUrl: e.SUNLINE_REDIS_URL ?? null,
    lease: leaseEnv(e),
    metricsToken: e.SUNLINE_METRICS_TOKEN ?? null,
    reportsDir: e.SUNLINE_REPORTS_DIR ? path.resolve(cwd, e.SUNLINE_REPORTS_DIR) : null,
    soundsDir: path.resolve(cwd, e.SUNLINE_SOUNDS_DIR),
    bridges: bridgeSecrets.bridges,
    initialAdmin,
    ...mediaEnv(e, ice),
  });
}

/** The lease must be renewable at least twice within its ttl, or a single slow renewal fences the leader. */
function leaseEnv(e: z.infer<typeof EnvSchema>): Env['lease'] {
  if (e.SUNLINE_LEASE_RENEW_MS * 2 > e.SUNLINE_LEASE_TTL_MS) {
    throw new EnvError([`SUNLINE_LEASE_RENEW_MS: must be at most half of SUNLINE_LEASE_TTL_MS (${e.SUNLINE_LEASE_TTL_MS} ms)`]);
  }
  return { ttlMs: e.SUNLINE_LEASE_TTL_MS, renewMs: e.SUNLINE_LEASE_RENEW_MS };
}

/** SUNLINE_INITIAL_ADMIN_PASSWORD against the password policy (the message never repeats the value). */
function initialAdminEnv(e: z.infer<typeof EnvSchema>): Env['initialAdmin'] {
  const password = e.SUNLINE_INITIAL_ADMIN_PASSWORD;
  if (password === undefined) return null;
  const problem = checkPassword(password, e.SUNLINE_INITIAL_ADMIN_USERNAME);
  if (problem) throw new EnvError([`SUNLINE_INITIAL_ADMIN_PASSWORD: ${problem}`]);
  return { username: e.SUNLINE_INITIAL_ADMIN_USERNAME, password };
}

/** Where `npm install mediasoup` (install script allowed, GitHub reachable) puts its prebuilt worker. */
function prebuiltWorker(): string | undefined {
  try {
    const index = createRequire(import.meta.url).resolve('mediasoup');
    return path.join(path.dirname(index), '..', '..', 'worker', 'out', 'Release', 'mediasoup-worker');
  } catch {
    return undefined; // mediasoup not installed: no media
  }
}

/** Media settings; the worker defaults to the offline build's cache path when that file exists. */
function mediaEnv(e: z.infer<typeof EnvSchema>, ice: IceEnv): { media: MediaEnv | null; mediaOff?: string } {
  if (!e.SUNLINE_MEDIA) return { media: null, mediaOff: 'SUNLINE_MEDIA=false' };
  // Browser audio joins calls in Asterisk: without telephony there is nothing to talk to.
  if (!e.SUNLINE_TELEPHONY) return { media: null, mediaOff: 'SUNLINE_TELEPHONY=false' };
  if (e.SUNLINE_MEDIA_RTC_MIN_PORT > e.SUNLINE_MEDIA_RTC_MAX_PORT) {
    throw new EnvError(['SUNLINE_MEDIA_RTC_MIN_PORT: must not be above SUNLINE_MEDIA_RTC_MAX_PORT']);
  }
  const cached = path.join(e.SUNLINE_CACHE_DIR, 'mediasoup-worker-3.16.0');
  const workerBin = e.MEDIASOUP_WORKER_BIN ?? [cached, prebuiltWorker()].find((f) => f && fs.existsSync(f));
  if (!workerBin)
    return {
      media: null,
      mediaOff: `no mediasoup worker: MEDIASOUP_WORKER_BIN is unset, ${cached} does not exist (run scripts/mediasoup/build-worker.sh) and mediasoup has no prebuilt worker (npm install with its install script allowed)`,
    };
  return {
    media: {
      workerBin,
      listenIp: e.SUNLINE_MEDIA_LISTEN_IP,
      ...(e.SUNLINE_MEDIA_ANNOUNCED_IP ? { announcedIp: e.SUNLINE_MEDIA_ANNOUNCED_IP } : {}),
      rtpIp: e.SUNLINE_MEDIA_RTP_IP ?? e.SUNLINE_MEDIA_LISTEN_IP,
      rtcMinPort: e.SUNLINE_MEDIA_RTC_MIN_PORT,
      rtcMaxPort: e.SUNLINE_MEDIA_RTC_MAX_PORT,
      ice,
    },
  };
}

/** TURN settings go together: URLs need the secret and the reverse; relay-only needs a relay. */
function iceEnv(e: z.infer<typeof EnvSchema>): IceEnv {
  const urls = e.SUNLINE_TURN_URLS;
  const problems: string[] = [];
  if (urls.length > 0 && !e.SUNLINE_TURN_SECRET) problems.push('SUNLINE_TURN_SECRET: required with SUNLINE_TURN_URLS (coturn static-auth-secret)');
  if (urls.length === 0 && e.SUNLINE_TURN_SECRET) problems.push('SUNLINE_TURN_URLS: required with SUNLINE_TURN_SECRET (which relays the secret is for)');
  if (urls.length === 0 && e.SUNLINE_ICE_POLICY === 'relay') problems.push("SUNLINE_ICE_POLICY: 'relay' needs a TURN relay in SUNLINE_TURN_URLS");
  if (problems.length > 0) throw new EnvError(problems);
  const turn = urls.length > 0 && e.SUNLINE_TURN_SECRET ? { urls, secret: e.SUNLINE_TURN_SECRET, ttlSeconds: e.SUNLINE_TURN_TTL_SECONDS } : null;
  return { turn, policy: e.SUNLINE_ICE_POLICY };
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
