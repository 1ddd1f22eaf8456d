/**
 * Import from a department's CSV FAQ list and from Markdown files with front matter (issue 15
 * item 6): every problem as FILE:LINE:COL, nothing imported while there is one; a unit imports
 * only for itself; what is imported is a draft of its unit.
 */
import t from 'tap';
import { formatProblem } from '../../src/config/files/problem.js';
import { readCsv, readMarkdown } from '../../src/kb/import.js';
import { loginCookies, testApp } from '../helpers/app.js';

const lines = (r: { problems: Parameters<typeof formatProblem>[0][] }) => r.problems.map(formatProblem);

t.test('CSV: quoted cells over several lines keep the line numbers of the rows after them', async (t) => {
  const csv = [
    '标题,内容,类型,热线,关键词,复核日期',
    '社保卡怎么挂失,"拨打12333挂失，',
    '或到银行网点办理。",常见问答,12333,挂失、补卡,2027-06-30',
    '失业金标准,每月按最低工资标准的90%发放,问答,12333,,2027-13-01',
    ',内容在但标题空,办事指南,,,',
    '多一列,x,常见问答,12333,,,多余',
  ].join('\n');
  const r = readCsv({ name: 'hrss-faq.csv', text: csv }, 'city-hrss');
  t.same(lines(r), [
    'hrss-faq.csv:4:23 type: must be one of 政策法规/职能职责/办事指南/常见问答/临时通知',
    'hrss-faq.csv:4:33 reviewBy: must be a date that exists',
    'hrss-faq.csv:5:1 title: Too small: expected string to have >=1 characters',
    'hrss-faq.csv:6:1 the row has 7 cells; the header has 6',
  ]);
  t.equal(r.candidates.length, 1, 'the good row');
  t.match(r.candidates[0]!.fields, {
    title: '社保卡怎么挂失',
    type: 'faq',
    unitId: 'city-hrss',
    hotlines: ['12333'],
    keywords: ['挂失', '补卡'],
    reviewBy: '2027-06-30',
  });
  t.match(r.candidates[0]!.fields.body, /\n或到银行网点办理/);
});

t.test('CSV: unknown columns, missing required ones, an unclosed quote', async (t) => {
  t.same(
    lines(readCsv({ name: 'a.csv', text: '标题,答案,类别\nx,y,z' }, null)).sort(),
    [
      'a.csv:1:1 the header has no type column',
      'a.csv:1:7 unknown column "类别"; columns: 标题, 问题, title, 内容, 答案, 答复口径, body, 类型, type, 单位, 所属单位, unit, unitid, 热线, hotlines, 分类, categories, 区域, areas, 关键词, keywords, 生效日期, effectivefrom, 失效日期, expireson, 复核日期, reviewby',
    ].sort(),
  );
  t.same(lines(readCsv({ name: 'b.csv', text: '标题,内容,类型\nx,"y,常见问答\n' }, null)), ['b.csv:2:3 a quoted field is not closed']);
});

t.test('Markdown: front matter problems at their line in the file, the body’s at its first line', async (t) => {
  const md = ['---', 'title: 公积金贷款额度', 'type: 办事指南', 'hotlines: [12329]', 'expiresOn: 2027-02-30', 'colour: red', '---', ''].join('\n');
  t.same(lines(readMarkdown({ name: 'loan.md', text: md }, 'city-hpf')).sort(), [
    'loan.md:5:12 expiresOn: must be a date that exists',
    'loan.md:6:1 unknown key "colour" (allowed here: title, body, type, unitId, hotlines, categories, areas, keywords, effectiveFrom, expiresOn, reviewBy)',
    'loan.md:8:1 body: Too small: expected string to have >=1 characters',
  ]);
  const ok = readMarkdown({ name: 'ok.md', text: '---\ntitle: 公积金贷款额度\ntype: guide\nkeywords: [贷款]\n---\n# 额度\n最高60万元。\n' }, 'city-hpf');
  t.same(ok.problems, []);
  t.match(ok.candidates[0]!.fields, { title: '公积金贷款额度', type: 'guide', unitId: 'city-hpf', body: '# 额度\n最高60万元。\n' });
  t.same(lines(readMarkdown({ name: 'no.md', text: '# 没有 front matter' }, null)), [
    'no.md:1:1 a front matter between two "---" lines (title, type, …) must open the file',
  ]);
});

t.test('through the API: all or nothing, configuration checks at the row’s line, own unit only', async (t) => {
  const app = await testApp(t);
  const hrss = await loginCookies(app, 'hrss1', 'unit_handler', { unitId: 'city-hrss' });
  const post = async (files: Array<{ name: string; text: string }>, format = 'csv') => {
    const r = await app.http.inject({ method: 'POST', url: '/api/kb/import', cookies: hrss, payload: { format, files } });
    return { status: r.statusCode, body: JSON.parse(r.body) as Record<string, any> };
  };
  const header = '标题,内容,类型,单位,热线\n';
  const bad = await post([
    { name: 'faq.csv', text: `${header}社保卡挂失,拨打12333挂失,常见问答,,12333\n公积金,提取,常见问答,,99999\n别人的,内容,常见问答,city-amr,\n` },
  ]);
  t.equal(bad.status, 400);
  t.equal(bad.body['error']['code'], 'KB_IMPORT_INVALID');
  t.same(bad.body['error']['details']['problems'], [
    'faq.csv:3:1 KB_UNKNOWN_HOTLINE: hotline 99999 is not in numbers.yaml',
    'faq.csv:4:1 KB_NOT_YOUR_UNIT: you may import articles of your own unit only, not city-amr',
  ]);
  const list = async () => (await app.http.inject({ method: 'GET', url: '/api/kb/articles', cookies: hrss })).json<{ items: unknown[] }>().items;
  t.equal((await list()).length, 0, 'nothing imported');

  const good = await post([{ name: 'faq.csv', text: `${header}社保卡挂失,拨打12333挂失,常见问答,,12333\n养老金领取,满15年按月领取,政策法规,city-hrss,\n` }]);
  t.equal(good.status, 200);
  t.equal(good.body['imported'].length, 2);
  t.match(
    await list(),
    [
      { unitId: 'city-hrss', draft: { state: 'draft' } },
      { unitId: 'city-hrss', draft: { state: 'draft' } },
    ],
    'drafts of the unit, for review',
  );
  const md = await post([{ name: 'a.md', text: '---\ntitle: 失业登记\ntype: 办事指南\n---\n到街道办理。' }], 'markdown');
  t.equal(md.status, 200);
});
