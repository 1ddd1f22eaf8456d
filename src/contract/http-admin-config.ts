/**
 * The configuration editor's API responses (src/http/routes/admin-config-routes.ts and
 * admin-prompts-routes.ts): the routes reply through these schemas (and OpenAPI describes them);
 * the web app's config editor infers its types from them (`import type`). A prompt's audio
 * (GET /api/admin/config/prompts/audio) is not JSON.
 */
import { z } from 'zod';

/** How a configuration set came to run (the same list as db/schema.ts CONFIG_VERSION_SOURCES: test/contract/http-responses.test.ts checks it at compile time). */
export const CONFIG_VERSION_SOURCES = ['startup', 'file', 'reload', 'editor', 'rollback'] as const;

/** A problem of a configuration file, where it is. */
export const RawProblem = z.object({ file: z.string(), line: z.number(), col: z.number(), message: z.string(), severity: z.enum(['error', 'warning']) });
/** A problem with its FILE:LINE:COL text. */
export const ConfigProblem = RawProblem.extend({ text: z.string().describe('FILE:LINE:COL message') });
export type ConfigProblem = z.output<typeof ConfigProblem>;

/** GET /api/admin/config: the running set, its warnings and the last refused edit (each problem also as a line). */
export const ConfigStatus = z.object({
  dir: z.string(),
  loadedAt: z.string(),
  version: z.number(),
  lastGood: z.object({ loadedAt: z.string(), files: z.array(z.object({ key: z.string(), file: z.string(), sha256: z.string().nullable() })).readonly() }),
  lastError: z.object({ at: z.string(), problems: z.array(RawProblem).readonly(), lines: z.array(z.string()) }).nullable(),
  warnings: z.array(RawProblem).readonly(),
  warningLines: z.array(z.string()),
});
export type ConfigStatus = z.output<typeof ConfigStatus>;

/** A change that ran (reload, save, rollback): the new version, whether anything changed, its warnings. */
export const Applied = z.object({ version: z.number(), changed: z.boolean(), warnings: z.array(ConfigProblem) });
export type Applied = z.output<typeof Applied>;
/** GET /api/admin/config/files/:file. */
export const ConfigFile = z.object({ file: z.string(), text: z.string(), version: z.number() });
export type ConfigFile = z.output<typeof ConfigFile>;
/** POST /api/admin/config/files/:file/check. */
export const ConfigCheck = z.object({ ok: z.boolean(), problems: z.array(ConfigProblem), warnings: z.array(ConfigProblem) });
export type ConfigCheck = z.output<typeof ConfigCheck>;

/** One configuration set that ran. */
export const ConfigVersion = z.object({
  id: z.number(),
  at: z.number(),
  source: z.enum(CONFIG_VERSION_SOURCES),
  actorId: z.number().nullable(),
  actorUsername: z.string().nullable(),
  rollbackOf: z.number().nullable(),
  files: z.record(z.string(), z.string().nullable()).describe('file name → sha256 of its text, null when absent'),
});
export type ConfigVersion = z.output<typeof ConfigVersion>;
/** GET /api/admin/config/versions. */
export const ConfigVersions = z.object({ running: z.number(), versions: z.array(ConfigVersion), nextBeforeId: z.number().nullable() });
export type ConfigVersions = z.output<typeof ConfigVersions>;
/** GET /api/admin/config/versions/:id: with each file's text (null: absent). */
export const ConfigVersionTexts = z.object({ version: ConfigVersion, texts: z.record(z.string(), z.string().nullable()) });
export type ConfigVersionTexts = z.output<typeof ConfigVersionTexts>;
/** GET /api/admin/config/diff: a unified diff per file that differs. */
export const ConfigDiff = z.object({
  from: z.number(),
  to: z.number(),
  files: z.array(z.object({ file: z.string(), change: z.enum(['added', 'removed', 'changed']), patch: z.string() })),
});
export type ConfigDiff = z.output<typeof ConfigDiff>;

/** POST /api/admin/config/simulate: what a call would get (calls/route-simulator.ts). */
export const RouteAnswer = z.object({
  at: z.number(),
  local: z.string(),
  timezone: z.string(),
  dialled: z.string(),
  from: z.string().nullable(),
  listed: z.boolean().describe('false: not in numbers.yaml, routed as the default number'),
  hotline: z.object({ number: z.string(), name: z.object({ zh: z.string(), en: z.string().optional() }), skill: z.string(), overflowSeconds: z.number() }),
  open: z.boolean(),
  holiday: z.string().nullable(),
  prompts: z.array(z.object({ kind: z.enum(['holiday', 'greeting', 'closed']), chain: z.array(z.string()) })),
  then: z.enum(['queue', 'hangup']),
  menu: z
    .object({
      prompt: z.string(),
      timeoutSeconds: z.number(),
      options: z.array(z.object({ digit: z.string(), number: z.string(), name: z.string(), skill: z.string() })),
    })
    .nullable(),
  priority: z.object({ total: z.number(), hotlineBoost: z.number(), repeatCaller: z.boolean(), repeatBoost: z.number() }),
  openOrders: z.number(),
  agents: z.array(
    z.object({
      agentId: z.number(),
      displayName: z.string(),
      state: z.string(),
      penalty: z.number(),
      pauseReason: z.string().nullable(),
      offered: z.boolean(),
      /** Skill routing (decision 0015): offered at once, or only after the hotline's overflow. */
      tier: z.enum(['first', 'after_overflow']),
      skillLevel: z.number().nullable(),
    }),
  ),
});
export type RouteAnswer = z.output<typeof RouteAnswer>;

/** A file the sounds folder holds for a prompt. */
export const PromptFile = z.object({
  file: z.string().describe('relative to the sounds folder'),
  bytes: z.number(),
  modifiedAt: z.number(),
  seconds: z.number().nullable(),
  playable: z.boolean().nullable().describe('a .wav that is 8 kHz mono 16-bit PCM; null for other formats'),
});
export type PromptFile = z.output<typeof PromptFile>;
/** A prompt: where the running configuration names it (FILE:LINE:COL; empty for an upload nothing uses yet) and its files. */
export const PromptRow = z.object({ name: z.string(), uses: z.array(z.string()), files: z.array(PromptFile) });
export type PromptRow = z.output<typeof PromptRow>;
/** GET /api/admin/config/prompts. */
export const PromptList = z.object({ reachable: z.boolean(), maxBytes: z.number(), maxSeconds: z.number(), prompts: z.array(PromptRow) });
export type PromptList = z.output<typeof PromptList>;
/** PUT /api/admin/config/prompts: the prompt as stored. */
export const StoredPrompt = z.object({
  name: z.string(),
  file: z.string(),
  format: z.enum(['wav', 'mp3']),
  uploadedBytes: z.number(),
  bytes: z.number(),
  seconds: z.number(),
  replaced: z.array(z.string()),
});
export type StoredPrompt = z.output<typeof StoredPrompt>;
