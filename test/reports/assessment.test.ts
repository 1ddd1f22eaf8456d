/**
 * The monthly unit assessment on the hand-built October of test/helpers/report-fixture.ts, with
 * each unit's figures and score worked out here; assessment.yaml's checks at FILE:LINE:COL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import t from 'tap';
import { openTmpDb } from '../helpers/db-fixtures.js';
import { REPORT_NOW, buildReportFixture } from '../helpers/report-fixture.js';
import { loginCookies, testApp } from '../helpers/app.js';
import { OrgSchema } from '../../src/config/files/schemas/org.js';
import { AssessmentConfigSchema } from '../../src/config/files/schemas/assessment.js';
import { formatProblem, loadConfigDir } from '../../src/config/files/index.js';
import { AssessmentService } from '../../src/reports/assessment.js';

const org = OrgSchema.parse(parse(fs.readFileSync('config/org.yaml', 'utf8')));

t.test('October: scorecards, weighted scores, ranking and 约谈', async (t) => {
  const h = openTmpDb(t);
  await buildReportFixture(h);
  let cfg = AssessmentConfigSchema.parse({ minOrders: 1, interview: { bottom: 1, belowScore: 20 } });
  const svc = new AssessmentService({ db: h.db, org: () => org, config: () => cfg, now: () => REPORT_NOW });
  const lead = { role: 'shift_lead', unitId: null };

  const a = await svc.scorecards(lead, '2026-10');
  t.equal(a.period.from, '2026-10-01');
  t.equal(a.ranked, 2);
  const [hrss, dq] = a.rows;
  // city-hrss: sent O2 and O5 (O3 came in September); signed O2 and O3 on time, O5 unsigned past its
  // deadline → 2/3; three replies on time → 1; O2's callbacks 1 of 2 satisfied → 0.5; no return → 1;
  // 1 extension of 2 → 0.5; 1 supervised of 2 → 0.5. Score = 15·2/3 + 30 + 35·0.5 + 10 + 5·0.5 + 5·0.5 = 72.5.
  t.match(hrss, {
    unitId: 'city-hrss',
    label: { zh: '市人力社保局' },
    received: 2,
    signed: 2,
    signedOnTime: 2,
    replied: 3,
    repliedOnTime: 3,
    extended: 1,
    evaluated: 2,
    satisfied: 1,
    supervised: 1,
    figures: { signOnTime: 2 / 3, handleOnTime: 1, satisfaction: 0.5, returns: 1, extensions: 0.5, supervision: 0.5 },
    score: 72.5,
    rank: 1,
    interview: false,
  });
  // dq-amr: sent O4 and O5; O4 signed late → 0; O4 past its deadline unreplied → 0; no evaluation
  // (its weight goes to the others); 1 return of 2 → 0.5; no extension, no supervision → 1 each.
  // Score = (10·0.5 + 5 + 5) ÷ 65 = 23.1 (one decimal).
  t.match(dq, {
    unitId: 'dq-amr',
    received: 2,
    returned: 1,
    figures: { signOnTime: 0, handleOnTime: 0, satisfaction: null, returns: 0.5, extensions: 1, supervision: 1 },
    score: 23.1,
    rank: 2,
    interview: true,
  });

  cfg = AssessmentConfigSchema.parse({ minOrders: 1, interview: { bottom: 0, belowScore: 75 } });
  t.same(
    (await svc.scorecards(lead, '2026-10')).rows.map((r) => r.interview),
    [true, true],
    'both below 75 points',
  );
  cfg = AssessmentConfigSchema.parse({});
  t.same(
    (await svc.scorecards(lead, '2026-10')).rows.map((r) => [r.rank, r.interview]),
    [
      [null, false],
      [null, false],
    ],
    'with the default minOrders (5) neither unit is ranked',
  );
  cfg = AssessmentConfigSchema.parse({ minOrders: 1, interview: { bottom: 1, belowScore: 20 } });

  const own = await svc.scorecards({ role: 'unit_handler', unitId: 'city-hrss' }, '2026-10');
  t.same(
    own.rows.map((r) => [r.unitId, r.rank]),
    [['city-hrss', 1]],
    'a unit handler sees its own scorecard, with its city-wide rank',
  );
  const quiet = await svc.scorecards({ role: 'unit_handler', unitId: 'city-eco' }, '2026-10');
  t.match(quiet.rows, [{ unitId: 'city-eco', received: 0, rank: null }], 'a unit without orders still has its (empty) scorecard');
  const county = await svc.scorecards({ role: 'dispatcher', unitId: 'dq-12345' }, '2026-10');
  t.same(
    county.rows.map((r) => [r.unitId, r.rank]),
    [['dq-amr', 2]],
    'a county sees its subtree',
  );
  t.throws(() => svc.scorecards({ role: 'agent', unitId: null }, '2026-10'), { code: 'FORBIDDEN_REPORT' });
  t.throws(() => svc.scorecards(lead, '2026-13'), { code: 'PERIOD_INVALID' });
  t.equal(svc.lastMonth(), '2026-09');
});

t.test('GET /api/reports/assessment: a unit handler reads its own unit only', async (t) => {
  const app = await testApp(t);
  await buildReportFixture(app);
  const handler = await loginCookies(app, 'hrss.h', 'unit_handler', { unitId: 'city-hrss' });
  const agent = await loginCookies(app, 'ag', 'agent');
  const res = await app.http.inject({ method: 'GET', url: '/api/reports/assessment?month=2026-10', cookies: handler });
  t.equal(res.statusCode, 200);
  t.same(
    res.json().rows.map((r: { unitId: string }) => r.unitId),
    ['city-hrss'],
  );
  t.equal((await app.http.inject({ method: 'GET', url: '/api/reports/assessment?month=2026-10', cookies: agent })).statusCode, 403);
  const bad = await app.http.inject({ method: 'GET', url: '/api/reports/assessment?month=2026-1', cookies: handler });
  t.equal(bad.json().error.code, 'VALIDATION_FAILED');
});

t.test('assessment.yaml: shipped defaults load; bad weights refused at FILE:LINE:COL', async (t) => {
  const ok = await loadConfigDir('config');
  if (!ok.ok) return t.fail(ok.problems.map(formatProblem).join('\n'));
  t.same(ok.config.assessment, AssessmentConfigSchema.parse({}), 'the shipped file says what the defaults are');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-assess-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync('config', dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'assessment.yaml'), 'weights:\n  signOnTime: 50\n  handleOnTime: -1\nminOrders: 2.5\nrank: yes\n');
  const r = await loadConfigDir(dir, { displayDir: 'config' });
  t.equal(r.ok, false);
  if (r.ok) return;
  const text = r.problems.map(formatProblem).join('\n');
  t.match(text, /config\/assessment\.yaml:3:17 weights\.handleOnTime: must be at least 0/);
  t.match(text, /config\/assessment\.yaml:4:12 minOrders: must be a whole number/);
  t.match(text, /config\/assessment\.yaml:5:1 unknown key "rank"/);
  fs.writeFileSync(path.join(dir, 'assessment.yaml'), 'weights:\n  signOnTime: 50\n');
  const sum = await loadConfigDir(dir, { displayDir: 'config' });
  t.equal(sum.ok, false);
  if (!sum.ok) t.match(sum.problems.map(formatProblem).join('\n'), /config\/assessment\.yaml:2:3 weights: the points add up to 135; they must add up to 100/);
});
