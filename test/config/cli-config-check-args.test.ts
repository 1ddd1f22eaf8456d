/**
 * `sunline config check [DIR] [--sounds SOUNDS]` refuses arguments it cannot use with exit 2 and
 * words that name the mistake (a repeated --sounds, --sounds without its folder, two folders, an
 * unknown option), as `sunline users` and `sunline route` do; before, all four said
 * `unknown command "config check …"`. No check runs then: nothing is printed on stdout.
 */
import path from 'node:path';
import t from 'tap';
import { runCli } from '../../src/cli.js';
import { REPO } from './fixtures/yaml.js';

async function check(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['config', 'check', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const CONFIG = path.join(REPO, 'config');
const SOUNDS = path.join(REPO, 'dialplan', 'sounds');

t.test('arguments that cannot be used are refused, each in its own words', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [[CONFIG, '--sounds', SOUNDS, '--sounds', SOUNDS], /--sounds is given twice: give it once/],
    [[CONFIG, '--sounds'], /--sounds needs the folder/],
    [['--sounds', '--verbose'], /--sounds needs the folder/],
    [[CONFIG, CONFIG], /one configuration folder, not two/],
    [[CONFIG, '--verbose'], /unknown option --verbose/],
  ];
  for (const [args, words] of cases) {
    const r = await check(args);
    t.equal(r.code, 2, `${args.join(' ')}: exit 2`);
    t.match(r.err[0], words, `${args.join(' ')}: ${r.err[0]}`);
    t.notMatch(r.err.join('\n'), /unknown command/, 'not "unknown command"');
    t.same(r.out, [], 'no check ran');
  }
});

t.test('what it can use still checks', async (t) => {
  const r = await check([CONFIG, '--sounds', SOUNDS]);
  t.equal(r.err.length === 0 || !/config check:/.test(r.err[0] ?? ''), true, 'no usage error');
  t.match(r.out.at(-1), /^config OK in /, 'the folder checked');
  const before = await check(['--sounds', SOUNDS, CONFIG]);
  t.match(before.out.at(-1), /^config OK in /, '--sounds before the folder as well');
});
