/**
 * Guards against drizzle-kit's SQLite data-loss trap: to alter a column, drizzle-kit rebuilds the
 * table (CREATE __new_x, copy, DROP TABLE x, rename) behind `PRAGMA foreign_keys=OFF`. The
 * migrator runs every migration inside one transaction, where that pragma is a no-op, so the
 * DROP TABLE fires ON DELETE CASCADE / SET NULL on every child table: silent data loss.
 * See https://github.com/drizzle-team/drizzle-orm/issues/1813.
 *
 * `findCascadeRebuilds` replays the migrations on an empty in-memory database and reports every
 * DROP TABLE of a table that another table references with a destructive ON DELETE action.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface CascadeHazard {
  migration: string;
  droppedTable: string;
  childTable: string;
  onDelete: string;
}

interface JournalEntry {
  tag: string;
}

const DESTRUCTIVE = new Set(['CASCADE', 'SET NULL', 'SET DEFAULT']);
const DROP_TABLE = /\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?[`"[]?([A-Za-z0-9_]+)[`"\]]?/gi;

export function readJournal(migrationsDir: string): string[] {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as {
    entries: JournalEntry[];
  };
  return journal.entries.map((e) => e.tag);
}

export function findCascadeRebuilds(migrationsDir: string): CascadeHazard[] {
  const sqlite = new Database(':memory:');
  const hazards: CascadeHazard[] = [];
  try {
    for (const tag of readJournal(migrationsDir)) {
      const text = fs.readFileSync(path.join(migrationsDir, `${tag}.sql`), 'utf8');
      const cascades = destructiveReferences(sqlite);
      for (const m of text.matchAll(DROP_TABLE)) {
        const dropped = m[1]!;
        for (const ref of cascades) {
          if (ref.parent === dropped && ref.child !== dropped) {
            hazards.push({ migration: tag, droppedTable: dropped, childTable: ref.child, onDelete: ref.onDelete });
          }
        }
      }
      for (const stmt of text.split('--> statement-breakpoint')) {
        if (stmt.trim()) sqlite.exec(stmt);
      }
    }
  } finally {
    sqlite.close();
  }
  return hazards;
}

function destructiveReferences(sqlite: Database.Database): { child: string; parent: string; onDelete: string }[] {
  const tables = sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").all() as { name: string }[];
  const refs: { child: string; parent: string; onDelete: string }[] = [];
  for (const { name } of tables) {
    const fks = sqlite.prepare('select * from pragma_foreign_key_list(?)').all(name) as { table: string; on_delete: string }[];
    for (const fk of fks) {
      if (DESTRUCTIVE.has(fk.on_delete.toUpperCase())) refs.push({ child: name, parent: fk.table, onDelete: fk.on_delete });
    }
  }
  return refs;
}
