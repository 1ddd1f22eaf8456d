/**
 * A folder, file or address setting that is empty or blank stops the server instead of meaning the
 * working directory (SUNLINE_DATA_DIR= put the database in whatever directory the server started in;
 * SUNLINE_CONFIG_DIR= read the config there) or, for some, silently the default.
 */
import t from 'tap';
import { loadEnv } from '../../src/config/env.js';
import { envProblems } from './fixtures/env.js';

const problems = envProblems;

const TEXT = [
  'SUNLINE_HOST',
  'SUNLINE_DATA_DIR',
  'SUNLINE_CONFIG_DIR',
  'SUNLINE_ATTACHMENTS_DIR',
  'SUNLINE_RECORDING_SPOOL_DIR',
  'SUNLINE_RECORDINGS_DIR',
  'SUNLINE_CACHE_DIR',
];

t.test('an empty or blank folder, file or address setting stops the server, naming it', async (t) => {
  for (const name of TEXT) {
    t.strictSame(problems({ [name]: '' }), [`${name}: must not be empty (unset the variable for its default)`], `${name}=`);
    t.strictSame(problems({ [name]: ' ' }), [`${name}: must not be empty (unset the variable for its default)`], `${name}=" "`);
  }
});

t.test('unset, they take their defaults; set, they are read relative to the working directory', async (t) => {
  const env = loadEnv({ SUNLINE_MEDIA: 'false' }, '/srv/sunline');
  t.equal(env.host, '0.0.0.0');
  t.equal(env.dataDir, '/srv/sunline/var');
  t.equal(env.configDir, '/srv/sunline/config');
  t.equal(env.attachments.dir, '/srv/sunline/var/attachments');
  t.equal(env.recordings.dir, '/srv/sunline/var/recordings');
  const set = loadEnv({ SUNLINE_MEDIA: 'false', SUNLINE_DATA_DIR: 'data', SUNLINE_CONFIG_DIR: '/etc/sunline/config' }, '/srv/sunline');
  t.equal(set.dataDir, '/srv/sunline/data');
  t.equal(set.configDir, '/etc/sunline/config');
});
