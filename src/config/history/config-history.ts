/**
 * The config history (issue 11 item 4): every configuration set that ran, with when, how
 * (start-up, file edit, reload, editor, rollback), who, and the text of each file, in the
 * database, so it survives restarts. A file's text is stored once per content (config_texts);
 * each version lists its files by hash. Append-only: versions are never changed or deleted.
 * The statements are the store's (config-history-store.ts: SQLite or PostgreSQL, decision 0017).
 */
import { createHash } from 'node:crypto';
import { CONFIG_FILES, CONFIG_KEYS, type ConfigKey } from '../files/registry.js';
import type { ConfigTexts } from '../files/loader.js';
import type { ConfigVersionLog, VersionMeta } from '../files/version-log.js';
import type { ConfigHistoryStore, ConfigTextRow, ConfigVersion } from './config-history-store.js';

export type { ConfigVersion };

export class ConfigHistory implements ConfigVersionLog {
  constructor(
    private readonly store: ConfigHistoryStore,
    private readonly now: () => number = Date.now,
  ) {}

  latest(): Promise<{ id: number; digest: string } | undefined> {
    return this.store.read((q) => q.latestVersion());
  }

  /** One transaction: the texts not stored yet and the version that lists them. */
  record(entry: { digest: string; texts: ConfigTexts; meta: VersionMeta }): Promise<number> {
    const files: Record<string, string | null> = {};
    const texts: ConfigTextRow[] = [];
    for (const key of CONFIG_KEYS) {
      const text = entry.texts[key];
      const sha = text === undefined ? null : sha256(text);
      files[CONFIG_FILES[key].file] = sha;
      if (text !== undefined && sha !== null) texts.push({ sha256: sha, text });
    }
    const row = {
      at: this.now(),
      source: entry.meta.source,
      actorId: entry.meta.actorId ?? null,
      digest: entry.digest,
      files,
      rollbackOf: entry.meta.rollbackOf ?? null,
    };
    return this.store.transaction((tx) => tx.insertVersion(row, texts));
  }

  /** Newest first; `beforeId` pages on from the last id of the previous page. */
  list(opts: { limit: number; beforeId?: number }): Promise<ConfigVersion[]> {
    return this.store.read((q) => q.listVersions(opts));
  }

  get(id: number): Promise<ConfigVersion | undefined> {
    return this.store.read((q) => q.versionById(id));
  }

  /** The texts of a version by registry key (an absent file has none). */
  async texts(version: ConfigVersion): Promise<ConfigTexts> {
    const hashes = Object.values(version.files).filter((h): h is string => h !== null);
    const rows = await this.store.read((q) => q.textsByHash(hashes));
    const byHash = new Map(rows.map((r) => [r.sha256, r.text]));
    const out: Partial<Record<ConfigKey, string>> = {};
    for (const key of CONFIG_KEYS) {
      const h = version.files[CONFIG_FILES[key].file];
      const text = h ? byHash.get(h) : undefined;
      if (text !== undefined) out[key] = text;
    }
    return out;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
