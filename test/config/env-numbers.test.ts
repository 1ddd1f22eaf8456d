/**
 * Numeric settings read from the environment: an empty or blank value (`SUNLINE_PORT=` in a
 * compose file whose variable is unset) stops the server like any other bad value, instead of
 * being read as 0 (a random port; agents never paused as away; wrap-up and lead batching off).
 * Every numeric setting is bounded, and the bounds docs/configuration.md gives are the code's.
 */
import t from 'tap';
import { loadEnv } from '../../src/config/env.js';
import { envProblems } from './fixtures/env.js';

const refused = envProblems;

const NUMERIC = [
  'SUNLINE_PORT',
  'SUNLINE_DB_POOL_SIZE',
  'SUNLINE_ARI_MAX_CONNECTIONS',
  'SUNLINE_STASIS_WATCHDOG_SECONDS',
  'SUNLINE_AMI_PORT',
  'SUNLINE_SESSION_TTL_HOURS',
  'SUNLINE_DB_CACHE_MB',
  'SUNLINE_WRAPUP_SECONDS',
  'SUNLINE_AGENT_AWAY_SECONDS',
  'SUNLINE_OUTBOUND_RING_SECONDS',
  'SUNLINE_CALLBACK_ATTEMPTS',
  'SUNLINE_CALLBACK_SPACING_MINUTES',
  'SUNLINE_ATTACHMENT_MAX_MB',
  'SUNLINE_MEDIA_RTC_MIN_PORT',
  'SUNLINE_MEDIA_RTC_MAX_PORT',
  'SUNLINE_TURN_TTL_SECONDS',
  'SUNLINE_LEAD_UPDATE_MS',
  'SUNLINE_LEASE_TTL_MS',
  'SUNLINE_LEASE_RENEW_MS',
];

t.test('an empty or blank numeric setting stops the server, naming it', async (t) => {
  for (const name of NUMERIC) {
    t.strictSame(refused({ [name]: '' }), [`${name}: must be a number`], `${name}=`);
    t.strictSame(refused({ [name]: '  ' }), [`${name}: must be a number`], `${name}="  "`);
    t.strictSame(refused({ [name]: 'ten' }), [`${name}: must be a number`], `${name}=ten`);
  }
});

t.test('unset numeric settings take their defaults; written ones are read', async (t) => {
  const env = loadEnv({ SUNLINE_MEDIA: 'false' }, '/srv/sunline');
  t.equal(env.port, 8080);
  t.equal(env.agentAwayMs, 60_000);
  t.equal(env.wrapUpMs, 30_000);
  t.equal(env.leadUpdateMs, 150);
  t.equal(env.sessionTtlHours, 12);
  const set = loadEnv({ SUNLINE_MEDIA: 'false', SUNLINE_PORT: ' 9090 ', SUNLINE_AGENT_AWAY_SECONDS: '0', SUNLINE_ATTACHMENT_MAX_MB: '2.5' }, '/srv/sunline');
  t.equal(set.port, 9090, 'spaces around a number are fine');
  t.equal(set.agentAwayMs, 0, 'an explicit 0 still means never');
  t.equal(set.attachments.maxBytes, Math.floor(2.5 * 1024 * 1024));
});

t.test('bounds: the documented ranges are the ones enforced', async (t) => {
  const cases: [string, string, boolean][] = [
    ['SUNLINE_DB_POOL_SIZE', '200', true],
    ['SUNLINE_DB_POOL_SIZE', '201', false],
    ['SUNLINE_DB_CACHE_MB', '1024', true],
    ['SUNLINE_DB_CACHE_MB', '1025', false],
    ['SUNLINE_ATTACHMENT_MAX_MB', '100', true],
    ['SUNLINE_ATTACHMENT_MAX_MB', '101', false],
    ['SUNLINE_OUTBOUND_RING_SECONDS', '5', true],
    ['SUNLINE_OUTBOUND_RING_SECONDS', '301', false],
    ['SUNLINE_CALLBACK_ATTEMPTS', '10', true],
    ['SUNLINE_CALLBACK_ATTEMPTS', '11', false],
    ['SUNLINE_CALLBACK_SPACING_MINUTES', '1440', true],
    ['SUNLINE_CALLBACK_SPACING_MINUTES', '1441', false],
    ['SUNLINE_LEASE_TTL_MS', '60000', true],
    ['SUNLINE_LEASE_TTL_MS', '60001', false],
    ['SUNLINE_SESSION_TTL_HOURS', '720', true],
    ['SUNLINE_SESSION_TTL_HOURS', '721', false],
    ['SUNLINE_SESSION_TTL_HOURS', '1e9', false],
    ['SUNLINE_PORT', '0x1F90', false],
  ];
  for (const [name, value, ok] of cases) t.equal(refused({ [name]: value }).length === 0, ok, `${name}=${value} ${ok ? 'accepted' : 'refused'}`);
});

t.test('an empty SUNLINE_DB_FILE is refused (SQLite would open a temporary database and lose every write)', async (t) => {
  t.strictSame(refused({ SUNLINE_DB_FILE: '' }), ['SUNLINE_DB_FILE: must name the SQLite file (unset: <SUNLINE_DATA_DIR>/sunline.db)']);
  t.equal(loadEnv({ SUNLINE_MEDIA: 'false' }, '/srv/sunline').dbFile, '/srv/sunline/var/sunline.db');
});
