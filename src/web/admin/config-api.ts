/** The config editor and history API (src/http/routes/admin-config-routes.ts) through the shared fetch helper. */
import { call } from '../api.js';
import type {
  Applied,
  ConfigCheck,
  ConfigDiff,
  ConfigFile,
  ConfigProblem,
  ConfigVersion,
  ConfigVersions,
  RouteAnswer,
} from '../../contract/http-admin-config.js';

/** Where an administrator edits numbers.yaml and ivr.yaml (a link on the shift-lead page). */
export const CONFIG_PATH = '/admin/config';

export const EDITABLE_FILES = ['numbers.yaml', 'ivr.yaml'] as const;
export type EditableFile = (typeof EDITABLE_FILES)[number];

// The replies' types are the contract's (src/contract/http-admin-config.ts): the routes reply through the same schemas.
export type { Applied, ConfigDiff, ConfigFile, ConfigProblem, ConfigVersion, ConfigVersions, RouteAnswer };

export const simulate = (q: { dialled: string; from?: string | undefined; at?: string | undefined; draft: { file: EditableFile; text: string } }) =>
  call<RouteAnswer>('POST', '/api/admin/config/simulate', q);

export const readFile = (file: EditableFile) => call<ConfigFile>('GET', `/api/admin/config/files/${file}`);
export const checkFile = (file: EditableFile, text: string) => call<ConfigCheck>('POST', `/api/admin/config/files/${file}/check`, { text });
export const saveFile = (file: EditableFile, text: string, expectedVersion: number) =>
  call<Applied>('PUT', `/api/admin/config/files/${file}`, { text, expectedVersion });
export const listVersions = () => call<ConfigVersions>('GET', '/api/admin/config/versions?limit=50');
export const diffVersions = (from: number, to: number) => call<ConfigDiff>('GET', `/api/admin/config/diff?from=${from}&to=${to}`);
export const rollback = (id: number, expectedVersion: number) => call<Applied>('POST', `/api/admin/config/versions/${id}/rollback`, { expectedVersion });

/** The problems a 422 CONFIG_INVALID carries (error.details). */
export function problemsOf(details: unknown): ConfigProblem[] {
  return Array.isArray(details) ? (details as ConfigProblem[]).filter((p) => typeof p?.line === 'number') : [];
}
