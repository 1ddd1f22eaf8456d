/**
 * The pages that show the server's refusals by code (desk, admin, lead, unit) say DATABASE_UNAVAILABLE
 * (src/db/unavailable.ts: 503 while the database is out of reach) in words, in both languages, the
 * same words on every page.
 */
import t from 'tap';
import * as admin from '../../src/web/messages/admin.js';
import * as desk from '../../src/web/messages/desk.js';
import * as lead from '../../src/web/messages/lead.js';
import * as unit from '../../src/web/messages/unit.js';

const pages = { admin, desk, lead, unit } as const;

t.test('every page that maps refusals by code has words for a database out of reach', async (t) => {
  for (const [page, { zh, en }] of Object.entries(pages)) {
    const key = `${page}.error.DATABASE_UNAVAILABLE`;
    t.equal((zh as Record<string, string>)[key], '数据库暂时无法访问，请稍后重试', `${page}: zh-CN`);
    t.equal((en as Record<string, string>)[key], 'The database cannot be reached just now; please try again shortly', `${page}: en`);
  }
});
