/**
 * Shared by the database tests: temporary database files, a replayable PRNG for randomised
 * data, and a migrations folder that stops before a given migration (to build an "older
 * database" and test its upgrade).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MIGRATIONS_DIR, openDb, type DbHandle } from '../../src/db/connection.js';
import { WorkOrdersService, sqliteOrdersStoreOn } from '../../src/workorders/index.js';
import type { Actor } from '../../src/workorders/lifecycle/index.js';

/** A small deterministic PRNG (mulberry32), so that a failure can be replayed. */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes into `dir` a migrations folder holding the real migrations up to (not including) the
 * one whose tag ends with `tagSuffix`; returns the number of migrations it holds (-1: no such tag).
 */
export function migrationsBefore(dir: string, tagSuffix: string): number {
  fs.mkdirSync(path.join(dir, 'meta'), { recursive: true });
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
  const upTo = journal.entries.findIndex((e) => e.tag.endsWith(tagSuffix));
  journal.entries = journal.entries.slice(0, Math.max(0, upTo));
  fs.writeFileSync(path.join(dir, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries) fs.copyFileSync(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return upTo;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A fresh temporary folder, removed when the test ends. */
export function tmpDir(t: Teardown, prefix = 'sunline-db-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A migrated database in a fresh SQLite file, closed and removed when the test ends. */
export function openTmpDb(t: Teardown): DbHandle {
  const h = openDb({ file: path.join(tmpDir(t), 'test.db') });
  t.teardown(() => h.close());
  return h;
}

/** An agent (user 1) and a handler of `unitId` (user 2), and the service at a fixed `now`. */
export function agentAndHandler(h: DbHandle, unitId = 'hz-hrss') {
  h.sqlite.exec(`
    insert into users (id, username, display_name, role, password_hash) values (1, 'a1', 'Agent', 'agent', 'x');
    insert into users (id, username, display_name, role, unit_id, password_hash) values (2, 'u1', 'Unit', 'unit_handler', '${unitId}', 'x');
  `);
  const now = Date.parse('2026-11-26T10:00:00+08:00');
  const agent: Actor = { id: 1, role: 'agent', unitId: null };
  const handler: Actor = { id: 2, role: 'unit_handler', unitId };
  return { now, svc: new WorkOrdersService(sqliteOrdersStoreOn(h.db), () => now), agent, handler };
}
