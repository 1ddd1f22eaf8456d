/**
 * Every page finds a server refusal's words the same way (src/web/refusal-words.ts): its own words
 * first, then the words all pages share (messages/common.ts). So DATABASE_UNAVAILABLE (503 while
 * the database is out of reach, src/db/unavailable.ts) and the other refusals any page can meet are
 * said in words, in both languages, on every page that shows refusals: desk, admin, lead, unit,
 * QA, knowledge base, reports and the prompt uploads.
 */
import t from 'tap';
import { HttpError } from '../../src/web/api.js';
import * as admin from '../../src/web/messages/admin.js';
import * as common from '../../src/web/messages/common.js';
import * as config from '../../src/web/messages/config.js';
import * as desk from '../../src/web/messages/desk.js';
import * as kb from '../../src/web/messages/kb.js';
import * as lead from '../../src/web/messages/lead.js';
import * as qa from '../../src/web/messages/qa.js';
import * as reports from '../../src/web/messages/reports.js';
import * as unit from '../../src/web/messages/unit.js';
import { failureLine, refusalWords } from '../../src/web/refusal-words.js';

/** The dictionaries as i18n.tsx merges them. */
const dict = {
  'zh-CN': { ...common.zh, ...admin.zh, ...config.zh, ...desk.zh, ...kb.zh, ...lead.zh, ...qa.zh, ...reports.zh, ...unit.zh },
  en: { ...common.en, ...admin.en, ...config.en, ...desk.en, ...kb.en, ...lead.en, ...qa.en, ...reports.en, ...unit.en },
} as Record<string, Record<string, string>>;
const lookup = (lang: string) => (k: never) => dict[lang]![k];
const PAGES = ['desk', 'admin', 'lead', 'unit', 'qa', 'kb', 'reports', 'config.prompts'];

/** Codes any page can meet: the request's own checks (src/http) and the database (src/db/unavailable.ts). */
const SHARED = [
  'DATABASE_UNAVAILABLE',
  'UNAUTHENTICATED',
  'PASSWORD_CHANGE_REQUIRED',
  'FORBIDDEN',
  'CSRF_HEADER_REQUIRED',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'VALIDATION_FAILED',
  'INTERNAL',
];

t.test('every page says a database out of reach in words, the same words', async (t) => {
  for (const page of PAGES) {
    t.equal(refusalWords(lookup('zh-CN'), page, 'DATABASE_UNAVAILABLE'), '数据库暂时无法访问，请稍后重试', `${page}: zh-CN`);
    t.equal(refusalWords(lookup('en'), page, 'DATABASE_UNAVAILABLE'), 'The database cannot be reached just now; please try again shortly', `${page}: en`);
  }
});

t.test('every refusal any page can meet has words on every page, in both languages', async (t) => {
  for (const lang of ['zh-CN', 'en'])
    for (const page of PAGES) for (const code of SHARED) t.ok(refusalWords(lookup(lang), page, code), `${lang} ${page} ${code}`);
  t.equal(Object.keys(common.zh).filter((k) => k.startsWith('error.')).length, Object.keys(common.en).filter((k) => k.startsWith('error.')).length);
});

t.test("a page's own words come first; a code nobody knows has none", async (t) => {
  const zh = lookup('zh-CN');
  t.equal(refusalWords(zh, 'lead', 'FORBIDDEN'), lead.zh['lead.error.FORBIDDEN'], "the lead page's own words for FORBIDDEN");
  t.equal(refusalWords(zh, 'desk', 'FORBIDDEN'), common.zh['error.FORBIDDEN'], 'the shared words where the page has none');
  t.equal(refusalWords(zh, 'qa', 'QA_ALREADY_SCORED'), qa.zh['qa.error.QA_ALREADY_SCORED']);
  t.equal(refusalWords(zh, 'qa', 'SOMETHING_NEW'), undefined);
  t.equal(refusalWords(zh, 'qa', ''), undefined, 'no code, no words');
});

t.test('a failure line: words, else the code, else the error itself', async (t) => {
  const zh = lookup('zh-CN');
  t.equal(failureLine(zh, 'kb', '操作失败', new HttpError(503, 'DATABASE_UNAVAILABLE')), '操作失败: 数据库暂时无法访问，请稍后重试');
  t.equal(failureLine(zh, 'kb', '操作失败', new HttpError(400, 'SOMETHING_NEW')), '操作失败: SOMETHING_NEW');
  t.equal(failureLine(zh, 'reports', '加载失败', new TypeError('Failed to fetch')), '加载失败: Failed to fetch');
});
