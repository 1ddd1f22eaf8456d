/**
 * The config history (issue 11 item 4): every configuration set that ran, with when, how
 * (start-up, file edit, reload, editor, rollback), who, and the text of each file, in the
 * database, so it survives restarts. A file's text is stored once per content (config_texts);
 * each version lists its files by hash. Append-only: versions are never changed or deleted.
 */
import { createHash } from 'node:crypto';
import { desc, eq, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { configTexts, configVersions, type ConfigVersionSource } from '../../db/schema.js';
import { CONFIG_FILES, CONFIG_KEYS, type ConfigKey } from '../files/registry.js';
import type { ConfigTexts } from '../files/loader.js';
import type { ConfigVersionLog, VersionMeta } from '../files/version-log.js';

/** One version, without the texts. `files` maps file names (numbers.yaml) to their sha256, null when absent. */
export interface ConfigVersion {
  readonly id: number;
  readonly at: number;
  readonly source: ConfigVersionSource;
  readonly actorId: number | null;
  readonly rollbackOf: number | null;
  readonly files: Readonly<Record<string, string | null>>;
}

export class ConfigHistory implements ConfigVersionLog {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  latest(): { id: number; digest: string } | undefined {
    return this.db.select({ id: configVersions.id, digest: configVersions.digest }).from(configVersions).orderBy(desc(configVersions.id)).limit(1).get();
  }

  record(entry: { digest: string; texts: ConfigTexts; meta: VersionMeta }): number {
    const files: Record<string, string | null> = {};
    const texts: Array<{ sha256: string; text: string }> = [];
    for (const key of CONFIG_KEYS) {
      const text = entry.texts[key];
      const sha = text === undefined ? null : sha256(text);
      files[CONFIG_FILES[key].file] = sha;
      if (text !== undefined && sha !== null) texts.push({ sha256: sha, text });
    }
    return this.db.transaction((tx) => {
      if (texts.length > 0) tx.insert(configTexts).values(texts).onConflictDoNothing().run();
      const row = tx
        .insert(configVersions)
        .values({
          at: this.now(),
          source: entry.meta.source,
          actorId: entry.meta.actorId ?? null,
          digest: entry.digest,
          files,
          rollbackOf: entry.meta.rollbackOf ?? null,
        })
        .returning({ id: configVersions.id })
        .get();
      return row.id;
    });
  }

  /** Newest first; `beforeId` pages on from the last id of the previous page. */
  list(opts: { limit: number; beforeId?: number }): ConfigVersion[] {
    return this.db
      .select({
        id: configVersions.id,
        at: configVersions.at,
        source: configVersions.source,
        actorId: configVersions.actorId,
        rollbackOf: configVersions.rollbackOf,
        files: configVersions.files,
      })
      .from(configVersions)
      .where(opts.beforeId === undefined ? undefined : lt(configVersions.id, opts.beforeId))
      .orderBy(desc(configVersions.id))
      .limit(opts.limit)
      .all();
  }

  get(id: number): ConfigVersion | undefined {
    return this.list({ limit: 1, beforeId: id + 1 }).find((v) => v.id === id);
  }

  /** The texts of a version by registry key (an absent file has none). */
  texts(version: ConfigVersion): ConfigTexts {
    const hashes = Object.values(version.files).filter((h): h is string => h !== null);
    const rows = hashes.length === 0 ? [] : this.db.select().from(configTexts).where(inArray(configTexts.sha256, hashes)).all();
    const byHash = new Map(rows.map((r) => [r.sha256, r.text]));
    const out: Partial<Record<ConfigKey, string>> = {};
    for (const key of CONFIG_KEYS) {
      const h = version.files[CONFIG_FILES[key].file];
      const text = h ? byHash.get(h) : undefined;
      if (text !== undefined) out[key] = text;
    }
    return out;
  }

  /** Whether a version exists (cheap check before reading texts). */
  has(id: number): boolean {
    return this.db.select({ id: configVersions.id }).from(configVersions).where(eq(configVersions.id, id)).get() !== undefined;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
