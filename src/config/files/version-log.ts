/**
 * What the store tells the config history (issue 11 item 4) about each set that starts running.
 * The store knows only this interface; config/history/ writes it to the database.
 */
import type { ConfigVersionSource } from '../../db/schema.js';
import type { ConfigTexts } from './loader.js';

export type { ConfigVersionSource };

/** Who or what brought a set in. */
export interface VersionMeta {
  readonly source: ConfigVersionSource;
  /** The administrator who saved, reloaded or rolled back; absent for file edits and start-up. */
  readonly actorId?: number;
  /** For a rollback: the version applied again. */
  readonly rollbackOf?: number;
}

export interface ConfigVersionLog {
  /** The last recorded version, if any. */
  latest(): Promise<{ readonly id: number; readonly digest: string } | undefined>;
  /** Record a set that now runs; resolves to its version id. */
  record(entry: { readonly digest: string; readonly texts: ConfigTexts; readonly meta: VersionMeta }): Promise<number>;
}
