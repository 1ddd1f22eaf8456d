/**
 * Search quality on a Chinese test set (issue 15 item 7): each query and the article that must be
 * among the top three, with the synonyms of the shipped config/kb.yaml (社保 finds 社会保险,
 * 公积金 finds 住房公积金 and the reverse). Also: usage orders results of about the same relevance,
 * the filters and dates, highlighting.
 */
import fs from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import { KbConfigSchema } from '../../src/kb/kb-config.js';
import { MemoryKbSearch, type KbSearchDoc, type KbSearchQuery } from '../../src/kb/search-index.js';
import { KbTokenizer } from '../../src/kb/tokenize.js';
import { highlight } from '../../src/kb/highlight.js';

const shipped = KbConfigSchema.parse(parse(fs.readFileSync(new URL('../../config/kb.yaml', import.meta.url), 'utf8')));

type A = Partial<KbSearchDoc> & Pick<KbSearchDoc, 'title' | 'body'>;
const ARTICLES: Record<number, A> = {
  1: {
    title: '住房公积金提取条件和所需材料',
    body: '购买、建造、翻建、大修自住住房的，可以提取住房公积金。需携带身份证、购房合同和发票。',
    hotlines: ['12329'],
    keywords: ['提取'],
  },
  2: {
    title: '住房公积金贷款申请流程',
    body: '职工连续足额缴存住房公积金满6个月，可申请住房公积金贷款。贷款额度最高60万元。',
    hotlines: ['12329'],
    keywords: ['贷款'],
  },
  3: {
    title: '社会保险费缴费基数调整',
    body: '每年7月调整社会保险缴费基数，缴费基数按上年度职工月平均工资确定。',
    hotlines: ['12333'],
    keywords: ['缴费基数'],
  },
  4: {
    title: '社保卡遗失如何补办',
    body: '社会保障卡遗失后，应先拨打12333挂失，再携带身份证到银行网点补办，工本费20元。',
    hotlines: ['12333'],
    keywords: ['挂失', '补卡'],
  },
  5: {
    title: '职工医保异地就医备案',
    body: '参加基本医疗保险的职工异地长期居住的，可通过浙里办办理异地就医备案，备案后直接结算。',
    hotlines: ['12345', '12333'],
    keywords: ['异地就医'],
  },
  6: { title: '失业保险金申领', body: '非因本人意愿中断就业、已办理失业登记的，可以申领失业保险金，每月按最低工资标准的90%发放。', hotlines: ['12333'] },
  7: {
    title: '出租车拒载投诉处理',
    body: '乘客遇出租汽车拒载、绕路、议价的，可记下车牌号，拨打12328投诉，交通运输部门5个工作日内处理。',
    hotlines: ['12328'],
    keywords: ['拒载', '绕路'],
  },
  8: {
    title: '公交线路调整公告',
    body: '自12月1日起，3路公共汽车延伸至高铁站，首末班时间不变。',
    hotlines: ['12328'],
    type: 'notice',
    effectiveFrom: '2026-12-01',
    expiresOn: '2027-03-01',
  },
  9: {
    title: '网购商品七日无理由退货',
    body: '消费者通过网络购买商品，自收到商品之日起七日内可以无理由退货，商家应退还价款。',
    hotlines: ['12315'],
    keywords: ['七日无理由', '退换货'],
  },
  10: {
    title: '食品过期消费者如何维权',
    body: '购买到超过保质期的食品，可要求商家退款并支付价款十倍赔偿，可拨打12315投诉举报。',
    hotlines: ['12315'],
    keywords: ['保质期', '十倍赔偿'],
  },
  11: { title: '商标注册申请办理指南', body: '申请注册商标可通过商标网上服务系统提交，审查周期约4个月。', hotlines: ['12330'], keywords: ['商标'] },
  12: {
    title: '专利侵权纠纷投诉',
    body: '发现专利侵权行为的，可向市场监管局（知识产权局）请求处理专利侵权纠纷。',
    hotlines: ['12330'],
    keywords: ['专利侵权'],
  },
  13: { title: '新生儿预防接种时间表', body: '新生儿出生24小时内接种乙肝疫苗和卡介苗，满2月龄接种脊灰疫苗。', hotlines: ['12356'], keywords: ['疫苗'] },
  14: { title: '生育登记服务', body: '夫妻生育子女的，可在浙里办办理生育登记，无需提交婚育证明。', hotlines: ['12356'], keywords: ['生育登记'] },
  15: {
    title: '人才落户政策',
    body: '全日制大专及以上学历人员，凭毕业证书可直接办理户口迁入，无需社保缴纳年限。',
    hotlines: ['12345'],
    keywords: ['落户', '户籍'],
  },
  16: { title: '城镇职工基本养老金领取条件', body: '达到法定退休年龄、累计缴费满15年的，可以按月领取基本养老金。', hotlines: ['12333'], keywords: ['退休'] },
  17: { title: '噪音扰民投诉受理范围', body: '夜间22时至次日6时建筑施工噪音扰民的，由综合行政执法部门处理。', hotlines: ['12345'], keywords: ['噪音', '施工'] },
  18: {
    title: '医疗机构收费投诉',
    body: '医院乱收费、重复收费的，可向卫生健康委投诉，也可向医保部门反映。',
    hotlines: ['12356', '12345'],
    keywords: ['乱收费'],
  },
};

/** Query → the article that must be in the top three (the comment says what it proves). */
const CASES: Array<[query: string, expected: number, why: string]> = [
  ['公积金怎么提取', 1, 'synonym: 公积金 = 住房公积金, question words ignored'],
  ['住房公积金贷款额度', 2, 'plain words'],
  ['公积金贷款', 2, 'short form'],
  ['社保缴费基数', 3, 'synonym: 社保 = 社会保险'],
  ['社会保障卡丢了', 4, 'synonym: 社会保障卡 = 社保卡'],
  ['社保卡补办', 4, 'title words'],
  ['异地就医', 5, 'a keyword'],
  ['医疗保险异地备案', 5, 'synonym: 医疗保险 = 医保'],
  ['失业金怎么领', 6, 'synonym: 失业金 = 失业保险金'],
  ['的士拒载', 7, 'synonym: 的士 = 出租车'],
  ['出租车绕路', 7, 'a keyword in the body'],
  ['公交车改线', 8, 'synonym: 公交车 = 公共汽车'],
  ['网购退换货', 9, 'synonym: 退换货 = 退货'],
  ['买到过期食品', 10, 'a word of the title'],
  ['十倍赔偿', 10, 'a keyword'],
  ['注册商标', 11, 'title'],
  ['专利被侵权', 12, 'segmented 侵权'],
  ['打疫苗', 13, 'keyword 疫苗'],
  ['预防接种', 13, 'synonym group 疫苗 = 预防接种'],
  ['生孩子登记', 14, 'synonym: 生孩子 = 生育'],
  ['大学生落户', 15, 'keyword 落户'],
  ['户口迁入', 15, 'synonym group 落户 = 户口迁入'],
  ['退休金领取', 16, 'synonym: 退休金 = 养老金'],
  ['养老金', 16, 'one word'],
  ['半夜施工噪音', 17, 'two words'],
  ['医院乱收费', 18, 'synonym: 医院 = 医疗机构'],
];

const fullDoc = (id: number, a: A): KbSearchDoc => ({
  articleId: id,
  versionId: id * 10,
  unitId: 'city-12345',
  type: 'faq',
  keywords: [],
  hotlines: [],
  categories: [],
  areas: [],
  effectiveFrom: null,
  expiresOn: null,
  ...a,
});

function engine(articles: Record<number, A> = ARTICLES, synonyms = shipped.synonyms) {
  const e = new MemoryKbSearch(new KbTokenizer(synonyms));
  for (const [id, a] of Object.entries(articles)) e.put(fullDoc(Number(id), a));
  return e;
}
const q = (text: string, more: Partial<KbSearchQuery> = {}): KbSearchQuery => ({ text, today: '2026-12-05', limit: 3, ...more });
const ids = (r: { hits: Array<{ doc: KbSearchDoc }> }) => r.hits.map((h) => h.doc.articleId);

t.test('every query of the Chinese test set finds its article in the top three', async (t) => {
  const e = engine();
  for (const [query, expected, why] of CASES) {
    const top = ids(e.search(q(query), () => 0));
    t.ok(top.includes(expected), `${query} → #${expected} (${why}); got ${top.join(', ')}`);
  }
});

t.test('the synonyms are what makes the synonym cases pass', async (t) => {
  const e = engine(ARTICLES, []);
  // Words no article writes: only the synonym groups reach the articles that say it otherwise.
  for (const [query, expected] of [
    ['的士', 7],
    ['社保', 3],
    ['生孩子', 14],
  ] as const) {
    t.notOk(ids(e.search(q(query), () => 0)).includes(expected), `without kb.yaml ${query} does not find #${expected}`);
    t.ok(ids(engine().search(q(query), () => 0)).includes(expected), `with kb.yaml it does`);
  }
});

t.test('among results of about the same relevance, the more used on the hotline comes first', async (t) => {
  const twins = { 1: { title: '居住证办理', body: '办理居住证需要身份证和居住证明。' }, 2: { title: '居住证办理', body: '办理居住证需要身份证和居住证明。' } };
  const e = engine(twins);
  t.same(ids(e.search(q('居住证'), () => 0)), [1, 2], 'ties: by id');
  const usage = (id: number, hotline: string | undefined) => (id === 2 && hotline === '12345' ? 5 : 0);
  t.same(ids(e.search(q('居住证', { hotline: '12345' }), usage)), [2, 1], 'used on 12345: first there');
  t.same(ids(e.search(q('居住证', { hotline: '12333' }), usage)), [1, 2], 'not on another hotline');
  // Usage does not lift an article that is much less relevant.
  const e2 = engine();
  const top = ids(e2.search(q('住房公积金提取'), (id) => (id === 2 ? 100 : 0)));
  t.equal(top[0], 1, 'relevance first');
});

t.test('usage orders the results within 5 % of the best score (decision 0013), not beyond', async (t) => {
  // The same article twice, the second with a longer body (BM25: a little less relevant); the
  // length is chosen for the second's score to be 95–97.5 % of the first's, then 80–90 %.
  const pair = (extra: number) =>
    engine({
      1: { title: '居住证办理', body: '办理居住证需要身份证和居住证明。' },
      2: { title: '居住证办理', body: `办理居住证需要身份证和居住证明。${'请按时办理手续'.repeat(extra)}` },
    });
  const ratio = (extra: number) => {
    const hits = pair(extra).search(q('居住证'), () => 0).hits;
    return hits.find((h) => h.doc.articleId === 2)!.score / hits.find((h) => h.doc.articleId === 1)!.score;
  };
  const within = [...Array(200).keys()].find((n) => ratio(n) > 0.951 && ratio(n) < 0.974);
  const beyond = [...Array(400).keys()].find((n) => ratio(n) > 0.8 && ratio(n) < 0.9);
  if (within === undefined || beyond === undefined) return t.fail(`no body length gives the ratios: ${ratio(1)}, ${ratio(50)}`);
  const used = (id: number) => (id === 2 ? 5 : 0);
  t.same(ids(pair(within).search(q('居住证'), used)), [2, 1], `at ${ratio(within).toFixed(3)} of the best: the more used first`);
  t.same(ids(pair(beyond).search(q('居住证'), used)), [1, 2], `at ${ratio(beyond).toFixed(3)}: relevance first`);
});

t.test('filters and dates: hotline, type, unit, category, area; not yet effective or expired left out', async (t) => {
  const e = engine({
    1: { title: '公交线路调整', body: '3路公交调整', hotlines: ['12328'], type: 'notice', effectiveFrom: '2026-12-01', expiresOn: '2026-12-10' },
    2: { title: '公交票价', body: '公交票价2元', hotlines: ['12328'], categories: ['交通'] },
    3: { title: '公交卡充值', body: '公交卡可在银行充值', areas: ['hz-wuxing'], unitId: 'wx-gov' },
    4: { title: '公交优惠', body: '老人乘公交免费', hotlines: [] },
  });
  const all = (more: Partial<KbSearchQuery>) => ids(e.search(q('公交', { limit: 10, ...more }), () => 0)).sort();
  t.same(all({}), [1, 2, 3, 4]);
  t.same(all({ hotline: '12345' }), [3, 4], 'an article for no hotline applies to all');
  t.same(all({ type: 'notice' }), [1]);
  t.same(all({ unitId: 'wx-gov' }), [3]);
  t.same(all({ category: '交通' }), [2]);
  t.same(all({ areas: ['nx-nanxun', 'hz-nanxun', 'hz', 'zj'] }), [1, 2, 4], 'an article of another county is left out');
  t.same(all({ areas: ['wx-aishan', 'hz-wuxing', 'hz', 'zj'] }), [1, 2, 3, 4], 'a county article applies in its townships');
  t.same(all({ today: '2026-11-30' }), [2, 3, 4], 'not yet effective');
  t.same(all({ today: '2026-12-10' }), [2, 3, 4], 'expired on its expiry day');
  t.same(
    ids(e.search(q('', { hotline: '12328', limit: 10 }), (id) => id)),
    [4, 3, 2, 1],
    'no words: the hotline’s articles (and those for every hotline) by use',
  );
});

t.test('screen-pop suggestions are reused until an article or the usage changes', async (t) => {
  let clock = 0;
  const e = new MemoryKbSearch(new KbTokenizer([]), () => clock);
  const put = (id: number) =>
    e.put({
      articleId: id,
      versionId: id,
      unitId: 'u',
      type: 'faq',
      title: `文章${id}`,
      body: '内容',
      keywords: [],
      hotlines: ['12345'],
      categories: [],
      areas: [],
      effectiveFrom: null,
      expiresOn: null,
    });
  put(1);
  put(2);
  const pop = (usage: (id: number) => number) => ids(e.search(q('', { hotline: '12345' }), usage));
  t.same(
    pop((id) => id),
    [2, 1],
  );
  t.same(
    pop((id) => -id),
    [2, 1],
    'the same answer within 30 s',
  );
  e.usageChanged();
  t.same(
    pop((id) => -id),
    [1, 2],
    'an answer with an article: read again',
  );
  t.same(
    pop((id) => id),
    [1, 2],
  );
  clock += 30_000;
  t.same(
    pop((id) => id),
    [2, 1],
    'and after 30 s',
  );
  put(3);
  t.same(
    pop((id) => id),
    [3, 2, 1],
    'a published article: at once',
  );
});

t.test('replaced and withdrawn articles leave the index; it compacts and still finds the rest', async (t) => {
  const e = new MemoryKbSearch(new KbTokenizer([]));
  const put = (id: number, title: string) =>
    e.put({
      articleId: id,
      versionId: id,
      unitId: 'u',
      type: 'faq',
      title,
      body: '内容',
      keywords: [],
      hotlines: [],
      categories: [],
      areas: [],
      effectiveFrom: null,
      expiresOn: null,
    });
  for (let id = 1; id <= 100; id++) put(id, id % 2 ? '居住证办理' : '护照办理');
  put(1, '驾驶证换证');
  t.same(ids(e.search(q('驾驶证'), () => 0)), [1], 'a new version replaces the old one');
  t.notOk(ids(e.search(q('居住证', { limit: 100 }), () => 0)).includes(1));
  for (let id = 2; id <= 90; id++) e.remove(id);
  t.equal(e.size, 11);
  t.same(ids(e.search(q('居住证', { limit: 100 }), () => 0)), [91, 93, 95, 97, 99], 'after compaction');
  t.same(ids(e.search(q('护照', { limit: 100 }), () => 0)), [92, 94, 96, 98, 100]);
  t.same(ids(e.search(q('驾驶证'), () => 0)), [1]);
});

t.test('highlighting marks the words and their synonyms', async (t) => {
  const tok = new KbTokenizer(shipped.synonyms);
  const terms = tok.highlightTerms([...new Set(tok.tokens('社保补办'))]);
  const segs = highlight('社会保险卡补办流程', terms);
  t.same(
    segs.filter((s) => s.hit).map((s) => s.text),
    ['社会保险', '补办'],
  );
  t.equal(segs.map((s) => s.text).join(''), '社会保险卡补办流程', 'nothing lost');
});

t.test('traditional and simplified characters find each other (OpenCC folding)', async (t) => {
  const e = engine({ ...ARTICLES, 101: { title: '長者乘車優惠證辦理', body: '年滿70周歲的長者可憑身份證到公交公司辦理乘車優惠證。', hotlines: ['12328'] } });
  for (const [query, expected] of [
    ['醫保備案', 5],
    ['社會保險繳費基數', 3],
    ['住房公積金提取', 1],
    ['計程車拒載', 7],
    ['老年人乘车优惠证', 101],
    ['长者优惠证办理', 101],
  ] as const) {
    const top = ids(e.search(q(query), () => 0));
    t.ok(top.includes(expected), `${query} → #${expected}; got ${top.join(', ')}`);
  }
});

t.test('suggestions (no words) rank as by the whole hotline: used articles by use, then the older ones', async (t) => {
  const articles: Record<number, A> = {};
  for (let i = 1; i <= 60; i++)
    articles[i] = {
      title: `文章${i}`,
      body: '正文',
      hotlines: i % 5 === 0 ? [] : [['12345', '12333'][i % 2]!],
      ...(i % 7 === 0 ? { expiresOn: '2026-12-01' } : {}),
    };
  const e = engine(articles);
  e.remove(12);
  e.put(fullDoc(12, { title: '文章12', body: '新版', hotlines: ['12345'] }));
  const uses = new Map<string, number>([
    ['12345:14', 9],
    ['12345:40', 3],
    ['12345:7', 8],
    ['12333:3', 5],
    ['12345:12', 3],
  ]);
  const usage = (id: number, h: string | undefined) =>
    h === undefined ? [...uses].filter(([k]) => k.endsWith(`:${id}`)).reduce((n, [, v]) => n + v, 0) : (uses.get(`${h}:${id}`) ?? 0);
  const used = (h: string | undefined) => new Set([...uses.keys()].filter((k) => h === undefined || k.startsWith(`${h}:`)).map((k) => Number(k.split(':')[1])));
  for (const hotline of ['12345', '12333', undefined]) {
    for (const limit of [3, 10]) {
      const query = q('', { hotline, limit });
      // The reference: every article through the filters, by use then id.
      const expected = Object.keys(articles)
        .map(Number)
        .filter((id) => {
          const hl = id === 12 ? ['12345'] : articles[id]!.hotlines!;
          return id % 7 !== 0 && (hotline === undefined || hl.length === 0 || hl.includes(hotline));
        })
        .sort((a, b) => usage(b, hotline) - usage(a, hotline) || a - b)
        .slice(0, limit);
      e.usageChanged();
      t.same(ids(e.search(query, usage, used)), expected, `hotline ${hotline ?? 'any'}, limit ${limit}, with the used articles`);
      e.usageChanged();
      t.same(ids(e.search(query, usage)), expected, `and without them`);
    }
  }
});
