/**
 * What the console's knowledge panel searches for (issue 15 item 4): the panel's box, else the
 * order form's subject and content, else the caller's open orders' subjects, else the hotline's
 * most used (no words); at most the API's 200 characters.
 */
import t from 'tap';
import { suggestionQuery, SUGGEST_QUERY_MAX } from '../../src/web/kb/suggest-context.js';

const none = { typed: '', subject: '', content: '', openOrders: [] };

t.test('the source, in order of precedence', async (t) => {
  const orders = [{ subject: '小区夜间施工噪音' }, { subject: null }, { subject: '路灯不亮' }];
  t.same(suggestionQuery(none), { q: '', source: 'hotline' });
  t.same(suggestionQuery({ ...none, openOrders: orders }), { q: '小区夜间施工噪音 路灯不亮', source: 'openOrders' });
  t.same(suggestionQuery({ ...none, openOrders: orders, subject: '社保卡 ', content: '\n丢了怎么办' }), { q: '社保卡 丢了怎么办', source: 'form' });
  t.same(suggestionQuery({ ...none, openOrders: orders, subject: '社保卡', typed: ' 公积金 ' }), { q: '公积金', source: 'typed' });
  t.same(suggestionQuery({ ...none, typed: '   ', subject: '  ', openOrders: [{ subject: null }] }), { q: '', source: 'hotline' }, 'blanks are nothing');
});

t.test('a long order content is cut to what the API takes', async (t) => {
  const q = suggestionQuery({ ...none, content: '噪音'.repeat(500) }).q;
  t.equal(q.length, SUGGEST_QUERY_MAX);
});
