/**
 * Columns as editors count them, whatever the file's encoding details: a byte-order mark (Notepad
 * and other Windows editors write one) and CRLF line ends do not shift a problem's LINE:COL.
 */
import t from 'tap';
import { formatProblem, validateConfigSet, type LoadResult } from '../../src/config/files/index.js';
import { IVR, NUMBERS } from './fixtures/yaml.js';

function lines(r: LoadResult): string[] {
  return [...(r.ok ? [] : r.problems), ...r.warnings].map(formatProblem);
}

const check = (kb: string) => validateConfigSet({ numbers: NUMBERS, ivr: IVR, kb }, { displayDir: 'config' });

t.test('a byte-order mark is not a column', async (t) => {
  const expected = ['config/kb.yaml:1:17 staleGraceDays: must be at most 365, got the number 400'];
  t.strictSame(lines(check('staleGraceDays: 400\n')), expected);
  t.strictSame(lines(check('\uFEFFstaleGraceDays: 400\n')), expected, 'same column with a BOM');
  t.strictSame(lines(check('\uFEFFstaleGraceDays: 400\r\n')), expected, 'and with CRLF');
  t.strictSame(lines(check('\uFEFFstalGraceDays: 4\n')), ['config/kb.yaml:1:1 unknown key "stalGraceDays" (did you mean "staleGraceDays"?)']);
});

t.test('a file with a byte-order mark and CRLF line ends loads', async (t) => {
  const r = check('\uFEFFstaleGraceDays: 30\r\nreviewers: [lead1]\r\n');
  if (!r.ok) return t.fail(lines(r).join('\n'));
  t.equal(r.config.kb.staleGraceDays, 30);
  t.strictSame(r.config.kb.reviewers, ['lead1']);
});

t.test('CRLF: the second line is line 2, its columns from its own start', async (t) => {
  t.strictSame(lines(check('reviewers: [lead1]\r\nstaleGraceDays: -1\r\n')), ['config/kb.yaml:2:17 staleGraceDays: must be at least 0, got the number -1']);
});

t.test('a character beyond UTF-16 units (CJK Extension B, an emoji) is one column, as a Chinese character is', async (t) => {
  // 𠀀 and 𠀁 are two characters but four UTF-16 units: the duplicate 社保 starts at the 23rd character.
  t.strictSame(lines(check('synonyms: [[𠀀𠀁, 社保], [社保, x]]\n')), [
    'config/kb.yaml:1:23 synonyms[1][0]: "社保" is already in synonyms[0]; merge the two groups',
  ]);
  t.strictSame(lines(check('synonyms: [[社会, 社保], [社保, x]]\n')), [
    'config/kb.yaml:1:23 synonyms[1][0]: "社保" is already in synonyms[0]; merge the two groups',
  ]);
  t.strictSame(lines(check('reviewers: [lead1] # 😀\nstaleGraceDays: 😀\n')), ['config/kb.yaml:2:17 staleGraceDays: must be a number, got "😀"']);
  t.strictSame(lines(check('\uFEFF# 😀😀\nstaleGraceDays: [😀, 1]\n')), ['config/kb.yaml:2:17 staleGraceDays: must be a number, got a list']);
});
