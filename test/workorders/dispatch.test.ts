import t from 'tap';
import { formatProblem, loadConfigDir } from '../../src/config/files/index.js';
import { OrgSchema, type OrgConfig } from '../../src/config/files/schemas/org.js';
import { areaPath, subPlatformFor, subtreeAreaIds, suggestDispatch, territorialUnitFor, unitsInSubtree } from '../../src/workorders/dispatch/index.js';

async function shippedOrg(): Promise<OrgConfig> {
  const r = await loadConfigDir('config');
  if (!r.ok) throw new Error(r.problems.map(formatProblem).join('\n'));
  return r.config.org;
}

/** A tiny tree: city hz → county c1 → township t1 → village v1 (no committee) and v2 (committee). */
const tiny: OrgConfig = OrgSchema.parse({
  areas: [
    {
      id: 'hz',
      name: '市',
      level: 'city',
      children: [
        {
          id: 'c1',
          name: '县',
          level: 'county',
          children: [
            {
              id: 't1',
              name: '镇',
              level: 'township',
              children: [
                { id: 'v1', name: '村一', level: 'village' },
                { id: 'v2', name: '村二', level: 'village' },
              ],
            },
          ],
        },
      ],
    },
  ],
  units: [
    { id: 'dept-a', name: 'A局', area: 'hz', kind: 'department' },
    { id: 'dept-b', name: 'B局', area: 'hz', kind: 'department' },
    { id: 'c1-gov', name: '县政府', area: 'c1', kind: 'territorial' },
    { id: 't1-gov', name: '镇政府', area: 't1', kind: 'territorial' },
    { id: 'v2-vc', name: '村委会', area: 'v2', kind: 'territorial' },
  ],
  catalogue: [
    { id: 'one-hit', category: 'any', keywords: ['路灯'], lead: 'dept-a' },
    { id: 'two-hits', category: 'any', keywords: ['路灯', '不亮'], lead: 'dept-b' },
    { id: 'same-as-two', category: 'any', keywords: ['路灯', '不亮'], lead: 'dept-a' },
    { id: 'county-scoped', category: 'complaint', keywords: ['路灯'], areas: ['c1'], lead: 'territorial', coHandlers: ['dept-a', 'territorial', 'dept-a'] },
    { id: 'city-scoped', category: 'complaint', keywords: ['路灯'], areas: ['hz'], lead: 'dept-b' },
  ],
});

const order = (over: Partial<Parameters<typeof suggestDispatch>[1]>) => ({ category: 'consultation' as const, subject: '', content: '', ...over });

t.test('a keyword in subject or content picks the catalogue entry and its lead unit', async (t) => {
  const org = await shippedOrg();
  const s = suggestDispatch(org, order({ category: 'consultation', subject: '公积金提取', content: '想问一下怎么办理', areaId: 'wx-aishan' }));
  t.match(s, { lead: 'city-hpf', coHandlers: [], entryId: 'provident-fund', matchedKeywords: ['公积金'] });
  t.match(s?.reason, /provident-fund.*公积金.*lead: city-hpf/);
  const inContent = suggestDispatch(org, order({ category: 'report', subject: '举报', content: '有人卖盗版书', areaId: 'hz' }));
  t.equal(inContent?.lead, 'city-amr-ip');
});

t.test('the category must match unless the entry says any', async (t) => {
  const org = await shippedOrg();
  t.equal(suggestDispatch(org, order({ category: 'consultation', subject: '商标侵权' })), null, 'the ip entry is for reports only');
  t.equal(suggestDispatch(org, order({ category: 'report', subject: '商标侵权' }))?.entryId, 'ip-infringement');
});

t.test('territory first: an entry scoped to the order area beats a city-wide one, the closest scope wins', async (t) => {
  const org = await shippedOrg();
  const complaint = { category: 'complaint' as const, subject: '商家拒绝退款', content: '' };
  t.equal(suggestDispatch(org, { ...complaint, areaId: 'wx-zhili-wupu' })?.lead, 'city-amr', 'outside Deqing: city-wide entry');
  t.equal(suggestDispatch(org, { ...complaint })?.lead, 'city-amr', 'no location: only unscoped entries');
  const dq = suggestDispatch(org, { ...complaint, areaId: 'dq-wukang-chengxi' });
  t.match(dq, { lead: 'dq-amr', entryId: 'consumer-dispute-deqing' });
  t.match(dq?.reason, /scoped to hz-deqing/);
  const homestay = suggestDispatch(org, { ...complaint, subject: '民宿不给退款', areaId: 'dq-moganshan-xiantan' });
  t.match(homestay, { lead: 'dq-moganshan-gov', coHandlers: ['dq-amr'], entryId: 'homestay-moganshan' }, 'township scope beats county scope');
});

t.test('territorial resolves to the nearest area up the tree that has a territorial unit', async (t) => {
  const org = await shippedOrg();
  const ask = (areaId: string) => suggestDispatch(org, order({ category: 'complaint', subject: '路边占道经营', areaId }));
  t.match(ask('dq-moganshan-xiantan'), { lead: 'dq-xiantan-vc', coHandlers: ['city-urban'], entryId: 'street-order' }, 'the village has its own committee');
  t.match(ask('wx-aishan-chaoyinqiao'), { lead: 'wx-aishan-gov' }, 'a village without one falls back to its township');
  t.match(ask('hz-nanxun')?.reason, /territorial unit of hz-nanxun \(nx-gov\)/);
  t.equal(ask('hz'), null, 'no territorial unit at city level or above: no suggestion');
  t.equal(suggestDispatch(org, order({ category: 'complaint', subject: '占道经营' })), null, 'without a location territorial cannot resolve');
});

t.test('no keyword hit gives null', async (t) => {
  const org = await shippedOrg();
  t.equal(suggestDispatch(org, order({ subject: '天气怎么样', content: '明天会下雨吗', areaId: 'hz' })), null);
  t.equal(suggestDispatch(tiny, order({ subject: '', content: '' })), null);
});

t.test('co-handlers: resolved, de-duplicated, never the lead', async (t) => {
  const org = await shippedOrg();
  t.strictSame(suggestDispatch(org, order({ category: 'complaint', subject: '夜间施工噪音', areaId: 'nx-shuanglin' }))?.coHandlers, ['city-urban']);
  const s = suggestDispatch(tiny, order({ category: 'complaint', subject: '路灯', areaId: 'v1' }));
  t.match(s, { entryId: 'county-scoped', lead: 't1-gov', coHandlers: ['dept-a'] });
});

t.test('ties: more keyword hits win, then file order; scope distance comes before hits', async (t) => {
  t.equal(suggestDispatch(tiny, order({ subject: '路灯坏了' }))?.entryId, 'one-hit', 'one hit each: first in the file');
  t.equal(suggestDispatch(tiny, order({ subject: '路灯不亮' }))?.entryId, 'two-hits', 'two hits beat one; file order between equals');
  t.equal(
    suggestDispatch(tiny, order({ category: 'complaint', subject: '路灯不亮', areaId: 'hz' }))?.entryId,
    'city-scoped',
    'a scoped entry beats unscoped ones with more hits',
  );
  t.equal(suggestDispatch(tiny, order({ category: 'complaint', subject: '路灯', areaId: 'v2' }))?.lead, 'v2-vc');
});

t.test('tree helpers: path, subtree, units in a sub-platform subtree', async (t) => {
  const org = await shippedOrg();
  t.strictSame(
    areaPath(org, 'dq-moganshan-xiantan').map((a) => a.name),
    ['浙江省', '湖州市', '德清县', '莫干山镇', '仙潭村'],
  );
  t.strictSame(areaPath(org, 'nowhere'), []);
  t.strictSame(subtreeAreaIds(org, 'hz-deqing'), ['hz-deqing', 'dq-wukang', 'dq-wukang-chengxi', 'dq-moganshan', 'dq-moganshan-xiantan']);
  t.strictSame(subtreeAreaIds(org, 'nowhere'), []);
  t.strictSame(
    unitsInSubtree(org, 'hz-deqing').map((u) => u.id),
    ['dq-gov', 'dq-amr', 'dq-12345', 'dq-wukang-gov', 'dq-moganshan-gov', 'dq-xiantan-vc'],
  );
  t.equal(subPlatformFor(org, 'dq-moganshan-xiantan')?.id, 'dq-12345');
  t.equal(subPlatformFor(org, 'wx-zhili'), undefined);
  t.strictSame(territorialUnitFor(tiny, 'v1'), { unit: tiny.units[3], areaId: 't1' });
});

t.test('unitScope: a county sub-platform sees its subtree, any other unit only itself', async (t) => {
  const { loadConfigDir } = await import('../../src/config/files/index.js');
  const { unitScope, findUnit } = await import('../../src/workorders/dispatch/index.js');
  const r = await loadConfigDir('config');
  if (!r.ok) return t.fail('shipped config invalid');
  const org = r.config.org;
  const sub = org.units.find((u) => u.subPlatform);
  t.ok(sub, 'the shipped org has a sub-platform');
  const seen = unitScope(org, sub!.id);
  t.ok(seen.includes(sub!.id));
  t.ok(seen.length > 1, 'it sees the other units of its county');
  for (const id of seen) t.ok(findUnit(org, id), `${id} is a unit`);
  const dept = org.units.find((u) => !u.subPlatform)!;
  t.same(unitScope(org, dept.id), [dept.id]);
  t.same(unitScope(org, 'no-such-unit'), ['no-such-unit']);
});
