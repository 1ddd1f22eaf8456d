/** The config editor and history API (src/http/routes/admin-config-routes.ts) through the shared fetch helper. */
import { call } from '../api.js';

/** Where an administrator edits numbers.yaml and ivr.yaml (a link on the shift-lead page). */
export const CONFIG_PATH = '/admin/config';

export const EDITABLE_FILES = ['numbers.yaml', 'ivr.yaml'] as const;
export type EditableFile = (typeof EDITABLE_FILES)[number];

export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  message: string;
  severity: 'error' | 'warning';
  /** FILE:LINE:COL message */
  text: string;
}

export interface ConfigVersion {
  id: number;
  at: number;
  source: 'startup' | 'file' | 'reload' | 'editor' | 'rollback';
  actorUsername: string | null;
  rollbackOf: number | null;
}

export interface Applied {
  version: number;
  changed: boolean;
  warnings: ConfigProblem[];
}

/** POST /api/admin/config/simulate's answer (calls/route-simulator.ts). */
export interface RouteAnswer {
  local: string;
  timezone: string;
  dialled: string;
  listed: boolean;
  hotline: { number: string; name: { zh: string; en?: string }; skill: string; overflowSeconds: number };
  open: boolean;
  holiday: string | null;
  prompts: Array<{ kind: 'holiday' | 'greeting' | 'closed'; chain: string[] }>;
  then: 'queue' | 'hangup';
  menu: null | { prompt: string; timeoutSeconds: number; options: Array<{ digit: string; number: string; name: string; skill: string }> };
  priority: { total: number; hotlineBoost: number; repeatCaller: boolean; repeatBoost: number };
  agents: Array<{
    agentId: number;
    displayName: string;
    state: string;
    penalty: number;
    offered: boolean;
    tier: 'first' | 'after_overflow';
    skillLevel: number | null;
  }>;
}

export const simulate = (q: { dialled: string; from?: string | undefined; at?: string | undefined; draft: { file: EditableFile; text: string } }) =>
  call<RouteAnswer>('POST', '/api/admin/config/simulate', q);

export const readFile = (file: EditableFile) => call<{ file: string; text: string; version: number }>('GET', `/api/admin/config/files/${file}`);
export const checkFile = (file: EditableFile, text: string) =>
  call<{ ok: boolean; problems: ConfigProblem[]; warnings: ConfigProblem[] }>('POST', `/api/admin/config/files/${file}/check`, { text });
export const saveFile = (file: EditableFile, text: string, expectedVersion: number) =>
  call<Applied>('PUT', `/api/admin/config/files/${file}`, { text, expectedVersion });
export const listVersions = () => call<{ running: number; versions: ConfigVersion[] }>('GET', '/api/admin/config/versions?limit=50');
export const diffVersions = (from: number, to: number) =>
  call<{ files: Array<{ file: string; change: string; patch: string }> }>('GET', `/api/admin/config/diff?from=${from}&to=${to}`);
export const rollback = (id: number, expectedVersion: number) => call<Applied>('POST', `/api/admin/config/versions/${id}/rollback`, { expectedVersion });

/** The problems a 422 CONFIG_INVALID carries (error.details). */
export function problemsOf(details: unknown): ConfigProblem[] {
  return Array.isArray(details) ? (details as ConfigProblem[]).filter((p) => typeof p?.line === 'number') : [];
}
