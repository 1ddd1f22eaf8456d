/**
 * SUNLINE_BRIDGE_SECRETS_FILE's entries are bounded: a secret of 32 to 1024 characters (before, any
 * length above 32 was taken), and a refusal names the variable and the entry, never the secret.
 */
import t from 'tap';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { EnvError, loadEnv } from '../../src/config/env.js';

function problems(dir: string, yaml: string): string[] {
  const file = path.join(dir, 'bridges.yaml');
  writeFileSync(file, yaml);
  try {
    const env = loadEnv({ SUNLINE_MEDIA: 'false', SUNLINE_BRIDGE_SECRETS_FILE: file }, dir);
    return env.bridges.length === 1 ? [] : ['not one bridge'];
  } catch (err) {
    if (err instanceof EnvError) return err.problems;
    throw err;
  }
}

t.test('a bridge secret of 32 to 1024 characters is taken; a longer one stops the server without showing it', async (t) => {
  const dir = t.testdir({});
  const file = path.join(dir, 'bridges.yaml');
  t.strictSame(problems(dir, `bridges:\n  - { id: wechat, secret: ${'s'.repeat(32)} }\n`), []);
  t.strictSame(problems(dir, `bridges:\n  - { id: wechat, secret: ${'s'.repeat(1024)} }\n`), []);
  const long = problems(dir, `bridges:\n  - { id: wechat, secret: ${'s'.repeat(1025)} }\n`);
  t.strictSame(long, [`SUNLINE_BRIDGE_SECRETS_FILE (${file}): bridges.0.secret: at most 1024 characters`]);
  t.notMatch(long.join('\n'), /sss/, 'the secret is not shown');
  t.match(problems(dir, `bridges:\n  - { id: wechat, secret: short }\n`), [/bridges\.0\.secret: at least 32 characters/]);
});
