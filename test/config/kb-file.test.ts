/**
 * kb.yaml reviewers are account names: every name an account may have (users/password-policy.ts)
 * can be listed. Before, the file took lower-case names starting with a letter only, so an account
 * named "Wang.Li" or "7lead" (both accepted by `sunline users add` and /admin/accounts) could never
 * be a reviewer.
 */
import t from 'tap';
import { formatProblem, validateConfigSet, type LoadResult } from '../../src/config/files/index.js';
import { USERNAME_PATTERN } from '../../src/users/password-policy.js';
import { IVR, NUMBERS } from './fixtures/yaml.js';

function lines(r: LoadResult): string[] {
  return [...(r.ok ? [] : r.problems), ...r.warnings].map(formatProblem);
}

const check = (kb: string) => validateConfigSet({ numbers: NUMBERS, ivr: IVR, kb }, { displayDir: 'config' });

t.test('every account name can be a reviewer', async (t) => {
  const names = ['lead1', 'Wang.Li', '7lead', 'QA_Team-2', 'a'.repeat(64)];
  for (const n of names) t.ok(USERNAME_PATTERN.test(n), `${n} is an account name`);
  const r = check(`reviewers: [${names.map((n) => JSON.stringify(n)).join(', ')}]\n`);
  if (!r.ok) return t.fail(lines(r).join('\n'));
  t.strictSame(r.config.kb.reviewers, names);
});

t.test('a name no account can have is refused at its line and column', async (t) => {
  t.strictSame(lines(check('reviewers: [lead1, "li si"]\n')), [
    'config/kb.yaml:1:20 reviewers[1]: must be a user name: letters, digits, ".", "-" or "_", starting with a letter or digit; at most 64',
  ]);
  t.strictSame(lines(check(`reviewers: [${'a'.repeat(65)}]\n`)).length, 1, 'a name longer than 64 characters');
});
