/**
 * The knowledge base replies through src/contract/http-kb.ts (issue 19 item 4): the routes use the
 * very schema objects (an inline schema fails here), the contract's lists are the database's and
 * the web app's KbType is the contract's (compile time; the web's reply types are re-exports of
 * the contract's, src/web/kb/kb-api.ts).
 */
import t from 'tap';
import type { z } from 'zod';
import { NoContent } from '../../src/contract/http-accounts.js';
import * as Kb from '../../src/contract/http-kb.js';
import type { KB_ARTICLE_TYPES, KB_AUDIT_ACTIONS, KB_VERSION_STATES } from '../../src/db/schema.js';
import { kbAttachmentsRoutes } from '../../src/http/routes/kb-attachments-routes.js';
import { kbRoutes } from '../../src/http/routes/kb-routes.js';
import type * as WebKb from '../../src/web/kb/kb-api.js';
import { routeResponses, type Equal, type RoutePlugin } from '../helpers/route-responses.js';

type Item<L extends readonly string[]> = L[number];
/** Each entry must be `true`; a type that is not exactly the other makes it `false` and the file does not compile. */
const sameTypes: Record<string, true> = {
  KB_ARTICLE_TYPES: true satisfies Equal<Item<typeof KB_ARTICLE_TYPES>, Item<typeof Kb.KB_ARTICLE_TYPES>>,
  KB_VERSION_STATES: true satisfies Equal<Item<typeof KB_VERSION_STATES>, Item<typeof Kb.KB_VERSION_STATES>>,
  KB_AUDIT_ACTIONS: true satisfies Equal<Item<typeof KB_AUDIT_ACTIONS>, Item<typeof Kb.KB_AUDIT_ACTIONS>>,
  'web KbType': true satisfies Equal<WebKb.KbType, Kb.KbType>,
  'web KbVersion': true satisfies Equal<WebKb.KbVersion, z.output<typeof Kb.KbVersion>>,
};

const REPLIES: Record<string, Record<number, z.ZodType>> = {
  'GET /api/kb/search': { 200: Kb.KbSearchResult },
  'GET /api/kb/stale': { 200: Kb.KbStaleList },
  'GET /api/kb/articles': { 200: Kb.KbArticles },
  'POST /api/kb/articles': { 201: Kb.KbArticle },
  'GET /api/kb/articles/:id': { 200: Kb.KbArticle },
  'PUT /api/kb/articles/:id': { 200: Kb.KbArticle },
  'POST /api/kb/articles/:id/submit': { 200: Kb.KbArticle },
  'POST /api/kb/articles/:id/approve': { 200: Kb.KbArticle },
  'POST /api/kb/articles/:id/reject': { 200: Kb.KbArticle },
  'POST /api/kb/articles/:id/withdraw': { 200: Kb.KbArticle },
  'GET /api/kb/articles/:id/history': { 200: Kb.KbHistory },
  'GET /api/kb/facets': { 200: Kb.KbFacets },
  'GET /api/kb/versions/:id': { 200: Kb.KbVersion },
  'POST /api/kb/answers': { 200: Kb.KbLinked },
  'GET /api/kb/answers': { 200: Kb.KbAnswers },
  'POST /api/kb/import': { 200: Kb.KbImported },
  'GET /api/kb/figures': { 200: Kb.KbFigures },
  'POST /api/kb/articles/:id/attachments': { 201: Kb.KbFilesAdded },
  'DELETE /api/kb/articles/:id/attachments/:attachmentId': { 204: NoContent },
  'GET /api/kb/versions/:id/attachments': { 200: Kb.KbFiles },
};

t.test('the knowledge-base routes reply through the contract’s schemas', async (t) => {
  const seen = await routeResponses([kbRoutes, [kbAttachmentsRoutes, { files: { store: { maxBytes: 1024, maxFiles: 5 } } }]] as unknown as RoutePlugin[]);
  for (const [route, statuses] of Object.entries(REPLIES)) {
    t.ok(seen.has(route), `${route} exists`);
    for (const [status, schema] of Object.entries(statuses)) t.equal(seen.get(route)?.[status], schema, `${route} ${status} is the contract's schema`);
  }
  t.same(Object.keys(sameTypes).length, 5, 'the types checked at compile time');
});
