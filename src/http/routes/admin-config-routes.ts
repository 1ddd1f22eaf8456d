/**
 * The configuration for administrators (issue 11 items 4-5): which set is serving and why the last
 * edit was refused; the web editor's read, check and save of numbers.yaml and ivr.yaml (409
 * CONFIG_VERSION_CONFLICT when another change ran since the editor opened the file, 422
 * CONFIG_INVALID with FILE:LINE:COL problems when the set would not load — then nothing is
 * written); the history of every set that ran, the difference of two, and a rollback.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  Applied,
  ConfigCheck,
  ConfigDiff,
  ConfigFile,
  ConfigStatus,
  ConfigVersions,
  ConfigVersionTexts,
  RouteAnswer as Simulated,
} from '../../contract/http-admin-config.js';
import type { ConfigStore, SunlineConfig } from '../../config/files/index.js';
import { instantIn, type RouteAnswer } from '../../calls/index.js';
import { ConfigError, EDITABLE_FILES, problemView, type ConfigAdmin } from '../../config/history/index.js';
import type { UsersService } from '../../users/index.js';
import { requireRole } from '../auth.js';
import { appError } from '../errors.js';

const Id = z.coerce.number().int().positive().max(2_147_483_647);
const FileParams = z.object({ file: z.enum(EDITABLE_FILES) });
/** GETs without parameters refuse unknown ones (a typo should not look like a filter that worked). */
const NoQuery = z.object({}).strict();
/** A config file is small; a quarter of a megabyte is far beyond any real numbers.yaml or ivr.yaml. */
const Text = z.string().max(256 * 1024);
const Phone = z.string().regex(/^\+?\d{3,20}$/, 'digits, optionally with a leading +');
export interface AdminConfigRoutesOptions {
  config: ConfigStore;
  admin: ConfigAdmin;
  users: UsersService;
  /** The route simulator on a configuration (running or draft) with the facts of now (calls/route-facts.ts). */
  simulate: (config: SunlineConfig, q: { dialled: string; from: string | null; at: number }) => Promise<RouteAnswer>;
}

export const adminConfigRoutes: FastifyPluginAsyncZod<AdminConfigRoutesOptions> = async (app, opts) => {
  const { admin } = opts;
  app.addHook('onRequest', requireRole('admin'));
  const username = async (id: number | null) => (id === null ? null : ((await opts.users.byId(id))?.username ?? null));

  app.get(
    '/api/admin/config',
    {
      schema: {
        tags: ['admin'],
        description: 'The running configuration set: version, files, warnings, the last refused edit.',
        response: { 200: ConfigStatus },
      },
    },
    async () => {
      const status = opts.config.status();
      return {
        ...status,
        lastError: status.lastError && { ...status.lastError, lines: status.lastError.problems.map(problemView).map((p) => p.text) },
        warningLines: status.warnings.map(problemView).map((p) => p.text),
      };
    },
  );

  app.post(
    '/api/admin/config/reload',
    {
      schema: {
        tags: ['admin'],
        description: 'Re-read the config folder now. 422 CONFIG_INVALID (details: the problems) when it does not load; the last good set keeps serving.',
        response: { 200: Applied },
      },
    },
    async (req) => {
      const res = await opts.config.reload({ source: 'reload', actorId: req.user!.id });
      if (!res.ok) throw new ConfigError('CONFIG_INVALID', undefined, { details: res.problems.map(problemView) });
      return { version: res.version, changed: res.changed, warnings: res.warnings.map(problemView) };
    },
  );

  app.get(
    '/api/admin/config/files/:file',
    {
      schema: {
        tags: ['admin'],
        description: 'A file of the web editor as it is in the config folder, and the running version a save must name.',
        params: FileParams,
        querystring: NoQuery,
        response: { 200: ConfigFile },
      },
    },
    async (req) => ({ file: req.params.file, ...(await admin.read(req.params.file)) }),
  );

  app.post(
    '/api/admin/config/files/:file/check',
    {
      schema: {
        tags: ['admin'],
        description: 'Check an edited text with the server’s own loader, together with the other files; nothing is written.',
        params: FileParams,
        body: z.object({ text: Text }).strict(),
        response: { 200: ConfigCheck },
      },
    },
    async (req) => admin.check(req.params.file, req.body.text),
  );

  app.put(
    '/api/admin/config/files/:file',
    {
      schema: {
        tags: ['admin'],
        description:
          'Save a file: written into the config folder and applied at once if the whole set loads. expectedVersion is the version the editor read; 409 CONFIG_VERSION_CONFLICT if another change ran since; 422 CONFIG_INVALID (details: problems with file, line, col) and nothing written if the set does not load.',
        params: FileParams,
        body: z.object({ text: Text, expectedVersion: Id }).strict(),
        response: { 200: Applied },
      },
    },
    async (req) => admin.save(req.params.file, req.body.text, req.user!.id, req.body.expectedVersion),
  );

  app.get(
    '/api/admin/config/versions',
    {
      schema: {
        tags: ['admin'],
        description: 'Every configuration set that ran, newest first: when, how (startup, file, reload, editor, rollback), who. Page on with beforeId.',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), beforeId: Id.optional() }).strict(),
        response: { 200: ConfigVersions },
      },
    },
    async (req) => {
      const rows = await admin.list(req.query);
      return {
        running: opts.config.status().version,
        versions: await Promise.all(rows.map(async (v) => ({ ...v, actorUsername: await username(v.actorId) }))),
        nextBeforeId: rows.length === req.query.limit ? rows[rows.length - 1]!.id : null,
      };
    },
  );

  app.get(
    '/api/admin/config/versions/:id',
    {
      schema: {
        tags: ['admin'],
        description: 'One version with the text of each file (null: the file was absent).',
        params: z.object({ id: Id }),
        querystring: NoQuery,
        response: { 200: ConfigVersionTexts },
      },
    },
    async (req) => {
      const v = await admin.version(req.params.id);
      const texts = await admin.texts(v.id);
      return { version: { ...v, actorUsername: await username(v.actorId) }, texts };
    },
  );

  app.get(
    '/api/admin/config/diff',
    {
      schema: {
        tags: ['admin'],
        description: 'What changed from one version to another: a unified diff per file that differs.',
        querystring: z.object({ from: Id, to: Id }).strict(),
        response: { 200: ConfigDiff },
      },
    },
    async (req) => ({ from: req.query.from, to: req.query.to, files: await admin.diff(req.query.from, req.query.to) }),
  );

  app.post(
    '/api/admin/config/versions/:id/rollback',
    {
      schema: {
        tags: ['admin'],
        description:
          'Apply a version’s files again (a new version, source rollback), validated like any edit: 422 CONFIG_INVALID and nothing written if it no longer loads (e.g. with files it did not have); 409 CONFIG_VERSION_CONFLICT if expectedVersion is given and another change ran since.',
        params: z.object({ id: Id }),
        body: z.object({ expectedVersion: Id.optional() }).strict().nullish(),
        response: { 200: Applied },
      },
    },
    async (req) => admin.rollback(req.params.id, req.user!.id, req.body?.expectedVersion),
  );

  app.post(
    '/api/admin/config/simulate',
    {
      schema: {
        tags: ['admin'],
        description:
          'Route simulator: what a call from `from` to `dialled` at `at` (local "YYYY-MM-DD HH:MM" in ivr.yaml hours.timezone; default now) would get — hotline, prompts, open or holiday, menu, skill, queue priority, and the logged-in agents app_queue would offer it to now. With `draft`, on the set with that unsaved text (422 CONFIG_INVALID if it does not load).',
        body: z
          .object({
            dialled: Phone,
            from: Phone.optional(),
            at: z
              .string()
              .regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}$/, 'YYYY-MM-DD HH:MM')
              .optional(),
            draft: z
              .object({ file: z.enum(EDITABLE_FILES), text: Text })
              .strict()
              .optional(),
          })
          .strict(),
        response: { 200: Simulated },
      },
    },
    async (req) => {
      const b = req.body;
      const config = b.draft ? await admin.draft(b.draft.file, b.draft.text) : opts.config.current();
      const at = b.at === undefined ? Date.now() : instantIn(b.at, config.ivr.hours.timezone);
      if (at === undefined) throw appError('VALIDATION_FAILED', `no such time: ${b.at}`);
      return opts.simulate(config, { dialled: b.dialled, from: b.from ?? null, at });
    },
  );
};
