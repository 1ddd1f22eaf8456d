/**
 * The order desk's conversions (src/web/desk/desk-format.ts): Beijing-time form values whatever
 * the machine's zone, the first guess at a granted extension's limit, and every refusal the desk
 * can meet shown in the reader's language (src/web/messages/desk.ts).
 */
import t from 'tap';
import { HttpError } from '../../src/web/api.js';
import { beijingDay, errorText, fromBeijingInput, toBeijingInput } from '../../src/web/desk/desk-format.js';
import * as common from '../../src/web/messages/common.js';
import { en, zh } from '../../src/web/messages/desk.js';
import { WORK_ORDER_ERRORS } from '../../src/workorders/errors.js';

const at = (iso: string) => Date.parse(iso);

t.test('form values are Beijing time, whatever the zone of the machine', async (t) => {
  t.equal(toBeijingInput(at('2026-03-06T09:30:00Z')), '2026-03-06T17:30', 'UTC 09:30 is 17:30 in Beijing');
  t.equal(fromBeijingInput('2026-03-06T17:30'), at('2026-03-06T09:30:00Z'));
  t.equal(fromBeijingInput(toBeijingInput(at('2026-12-31T23:59:00Z'))), at('2026-12-31T23:59:00Z'), 'round trip across the year end');
  t.ok(Number.isNaN(fromBeijingInput('2026-03-06 17:30')), 'a malformed value is NaN, not a guess');
  t.equal(beijingDay('2026-03-06'), at('2026-03-05T16:00:00Z'), 'a day starts at midnight in Beijing');
  t.equal(beijingDay('2026-03-06', true), at('2026-03-06T16:00:00Z') - 1, 'and ends just before the next');
  t.ok(Number.isNaN(beijingDay('')));
});

t.test('every work-order refusal has its words in both languages', async (t) => {
  const shown = (code: string) => `desk.error.${code}` as keyof typeof zh;
  // The citizen lookup's lock is never met on the desk.
  const codes = Object.keys(WORK_ORDER_ERRORS).filter((c) => c !== 'LOOKUP_LOCKED');
  for (const code of codes) {
    t.ok(zh[shown(code)], `zh: ${code}`);
    t.ok(en[shown(code)], `en: ${code}`);
  }
  // The page's dictionary as i18n.tsx merges it: the shared refusals (common.ts) and the desk's own.
  const tr = (k: string) => (({ ...common.zh, ...zh }) as Record<string, string>)[k]!;
  t.equal(errorText(tr, new HttpError(409, 'ILLEGAL_TRANSITION')), '工单当前状态下不能进行此操作');
  t.equal(errorText(tr, new HttpError(503, 'DATABASE_UNAVAILABLE')), '数据库暂时无法访问，请稍后重试', 'a database out of reach (db/unavailable.ts)');
  t.equal(errorText(tr, new HttpError(403, 'CSRF_HEADER_REQUIRED')), '请求未通过安全校验，请刷新页面后重试', 'a shared refusal');
  t.equal(errorText(tr, new HttpError(400, 'SOMETHING_NEW')), '操作失败，请稍后再试 (SOMETHING_NEW)', 'an unknown code: the generic words and the code');
  t.equal(errorText(tr, new Error('network')), '操作失败，请稍后再试', 'no code at all');
});
