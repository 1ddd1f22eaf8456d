/**
 * Accounts, attachments, the configuration editor and intake (the citizen's lookup): the routes reply through src/contract's
 * schemas (the very objects: an inline schema in the route fails here) and the web app's types
 * ARE those schemas' output types (compile time: a hand-written copy that differs does not
 * compile), as test/contract/http-responses.test.ts checks for the work-order, desk and report routes
 * (issue 19 item 4).
 */
import t from 'tap';
import type { z } from 'zod';
import * as Accounts from '../../src/contract/http-accounts.js';
import * as AdminConfig from '../../src/contract/http-admin-config.js';
import * as Attachments from '../../src/contract/http-attachments.js';
import * as Intake from '../../src/contract/http-intake.js';
import type { CONFIG_VERSION_SOURCES, USER_ROLES } from '../../src/db/schema.js';
import { adminConfigRoutes } from '../../src/http/routes/admin-config-routes.js';
import { adminPromptsRoutes } from '../../src/http/routes/admin-prompts-routes.js';
import { adminUsersRoutes } from '../../src/http/routes/admin-users-routes.js';
import { attachmentsRoutes } from '../../src/http/routes/attachments-routes.js';
import { authRoutes } from '../../src/http/routes/auth-routes.js';
import { intakeRoutes } from '../../src/http/routes/intake-routes.js';
import { leadLocksRoutes } from '../../src/http/routes/lead-locks-routes.js';
import type * as WebApi from '../../src/web/api.js';
import type * as WebAccounts from '../../src/web/admin/accounts-api.js';
import type * as WebCitizen from '../../src/web/citizen/api.js';
import type * as WebConfig from '../../src/web/admin/config-api.js';
import type * as WebPrompts from '../../src/web/admin/prompts-api.js';
import type * as WebDesk from '../../src/web/desk/api.js';
import type * as WebUnit from '../../src/web/unit/api.js';
import { routeResponses, type Equal, type RoutePlugin } from '../helpers/route-responses.js';

// ---- compile time: the web app's types are the contract's ------------------------------------

type Out<S extends z.ZodType> = z.output<S>;
/** Each entry must be `true`; a web type that is not exactly the reply's type makes it `false` and the file does not compile. */
const sameTypes: Record<string, true> = {
  'web User': true satisfies Equal<WebApi.User, Out<typeof Accounts.SessionUserView>>,
  'accounts Account': true satisfies Equal<WebAccounts.Account, Out<typeof Accounts.Account>>,
  'accounts AuditEntry': true satisfies Equal<WebAccounts.AuditEntry, Out<typeof Accounts.AuditEntry>>,
  'unit Attachment': true satisfies Equal<WebUnit.Attachment, Out<typeof Attachments.Attachment>>,
  'desk Attachment': true satisfies Equal<WebDesk.Attachment, Out<typeof Attachments.Attachment>>,
  'config ConfigProblem': true satisfies Equal<WebConfig.ConfigProblem, Out<typeof AdminConfig.ConfigProblem>>,
  'config ConfigVersion': true satisfies Equal<WebConfig.ConfigVersion, Out<typeof AdminConfig.ConfigVersion>>,
  'config Applied': true satisfies Equal<WebConfig.Applied, Out<typeof AdminConfig.Applied>>,
  'config RouteAnswer': true satisfies Equal<WebConfig.RouteAnswer, Out<typeof AdminConfig.RouteAnswer>>,
  'prompts PromptList': true satisfies Equal<WebPrompts.PromptList, Out<typeof AdminConfig.PromptList>>,
  'prompts StoredPrompt': true satisfies Equal<WebPrompts.StoredPrompt, Out<typeof AdminConfig.StoredPrompt>>,
  'citizen PublicOrder': true satisfies Equal<WebCitizen.PublicOrder, Out<typeof Intake.PublicOrder>>,
  // The contract's lists (it imports only zod) are exactly the database's.
  USER_ROLES: true satisfies Equal<(typeof USER_ROLES)[number], (typeof Accounts.USER_ROLES)[number]>,
  CONFIG_VERSION_SOURCES: true satisfies Equal<(typeof CONFIG_VERSION_SOURCES)[number], (typeof AdminConfig.CONFIG_VERSION_SOURCES)[number]>,
};

// ---- run time: each route replies through the contract's schema object ------------------------

/** METHOD path → status → the contract's schema. */
const REPLIES: Record<string, Record<number, z.ZodType>> = {
  'POST /api/auth/login': { 200: Accounts.SignedIn },
  'GET /api/auth/me': { 200: Accounts.SignedIn },
  'POST /api/auth/logout': { 204: Accounts.NoContent },
  'POST /api/auth/password': { 204: Accounts.NoContent },
  'GET /api/admin/users': { 200: Accounts.AccountList },
  'POST /api/admin/users': { 201: Accounts.AccountCreated },
  'POST /api/admin/users/import': { 201: Accounts.AccountsImported },
  'PATCH /api/admin/users/:id': { 200: Accounts.AccountChanged },
  'POST /api/admin/users/:id/password': { 200: Accounts.GeneratedPassword },
  'POST /api/admin/users/:id/disable': { 204: Accounts.NoContent },
  'POST /api/admin/users/:id/enable': { 204: Accounts.NoContent },
  'POST /api/admin/users/:id/unlock': { 204: Accounts.NoContent },
  'GET /api/admin/audit': { 200: Accounts.AuditPage },
  'GET /api/lead/locked-accounts': { 200: Accounts.LockedAccounts },
  'GET /api/workorders/:id/attachments': { 200: Attachments.AttachmentList },
  'POST /api/workorders/:id/attachments': { 201: Attachments.AttachmentsAdded },
  'GET /api/admin/config': { 200: AdminConfig.ConfigStatus },
  'POST /api/admin/config/reload': { 200: AdminConfig.Applied },
  'GET /api/admin/config/files/:file': { 200: AdminConfig.ConfigFile },
  'POST /api/admin/config/files/:file/check': { 200: AdminConfig.ConfigCheck },
  'PUT /api/admin/config/files/:file': { 200: AdminConfig.Applied },
  'GET /api/admin/config/versions': { 200: AdminConfig.ConfigVersions },
  'GET /api/admin/config/versions/:id': { 200: AdminConfig.ConfigVersionTexts },
  'GET /api/admin/config/diff': { 200: AdminConfig.ConfigDiff },
  'POST /api/admin/config/versions/:id/rollback': { 200: AdminConfig.Applied },
  'POST /api/admin/config/simulate': { 200: AdminConfig.RouteAnswer },
  'GET /api/admin/config/prompts': { 200: AdminConfig.PromptList },
  'PUT /api/admin/config/prompts': { 200: AdminConfig.StoredPrompt },
  'POST /api/intake/web': { 201: Intake.IntakeCreated },
  'POST /api/intake/mailbox': { 201: Intake.IntakeCreated },
  'POST /api/intake/wechat': { 201: Intake.IntakeCreated },
  'GET /api/public/orders/:number': { 200: Intake.PublicOrder },
};

t.test('the accounts, attachment, configuration editor and intake routes reply through the contract’s schemas', async (t) => {
  const seen = await routeResponses([
    authRoutes,
    adminUsersRoutes,
    leadLocksRoutes,
    [attachmentsRoutes, { attachments: { maxBytes: 1024, maxFiles: 5 } }],
    adminConfigRoutes,
    adminPromptsRoutes,
    [intakeRoutes, { bridges: [] }],
  ] as unknown as RoutePlugin[]);
  for (const [route, statuses] of Object.entries(REPLIES)) {
    t.ok(seen.has(route), `${route} exists`);
    for (const [status, schema] of Object.entries(statuses)) t.equal(seen.get(route)?.[status], schema, `${route} ${status} is the contract's schema`);
  }
  t.same(Object.keys(sameTypes).length, 14, 'the web types checked at compile time');
});
