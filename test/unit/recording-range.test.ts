import t from 'tap';
import { answerRange } from '../../src/recordings/range.js';

t.test('one byte range is answered; bad ones are 416; others get the whole file', async (t) => {
  const size = 1000;
  t.same(answerRange(undefined, size), { kind: 'whole' });
  t.same(answerRange('bytes=0-', size), { kind: 'partial', range: { start: 0, end: 999 } });
  t.same(answerRange('bytes=100-199', size), { kind: 'partial', range: { start: 100, end: 199 } });
  t.same(answerRange('bytes=900-5000', size), { kind: 'partial', range: { start: 900, end: 999 } }, 'an end past the file is cut');
  t.same(answerRange('bytes=-10', size), { kind: 'partial', range: { start: 990, end: 999 } }, 'a suffix');
  t.same(answerRange('bytes=-5000', size), { kind: 'partial', range: { start: 0, end: 999 } });
  t.same(answerRange('bytes=1000-', size), { kind: 'unsatisfiable' }, 'starting at the end');
  t.same(answerRange('bytes=500-100', size), { kind: 'unsatisfiable' }, 'ending before it starts');
  t.same(answerRange('bytes=-0', size), { kind: 'unsatisfiable' });
  t.same(answerRange('bytes=abc', size), { kind: 'unsatisfiable' });
  t.same(answerRange('items=0-1', size), { kind: 'whole' }, 'another unit is ignored');
  t.same(answerRange('bytes=0-1,5-6', size), { kind: 'whole' }, 'several ranges: the whole file');
});
