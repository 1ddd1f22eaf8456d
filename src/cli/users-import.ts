/**
 * `sunline users import FILE.csv` (issue 11 item 1): accounts from a CSV file, with the same
 * checks as POST /api/admin/users/import (users/csv-import.ts): one bad line refuses the file,
 * each problem printed as FILE:LINE message, nothing created. Prints `username<TAB>password` for
 * each account created (generated, shown once, to be changed at the first login: it passed through
 * other hands); audited with the platform's own account, via cli.
 */
import { readFile } from 'node:fs/promises';
import { loadConfigDir } from '../config/files/index.js';
import { UsersService } from '../users/index.js';
import { parseAccountsCsv } from '../users/csv-import.js';
import { generatePassword } from '../users/password-policy.js';
import type { CliIo } from './io.js';
import { openCliDatabase, type CliDatabaseEnv } from './cli-database.js';

export async function usersImport(file: string, opts: { db: CliDatabaseEnv; dbFlag: string | undefined; configDir: string }, io: CliIo): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    io.err(`sunline users import: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    return 1;
  }
  const cfg = await loadConfigDir(opts.configDir);
  if (!cfg.ok) {
    io.err(`sunline users import: the configuration in ${opts.configDir} does not load (units are checked against org.yaml)`);
    return 1;
  }
  const units = cfg.config.org.units;
  const db = await openCliDatabase(opts.db, opts.dbFlag);
  try {
    const users = new UsersService(db.stores.users, 60_000);
    const taken = await users.takenUsernames();
    const parsed = parseAccountsCsv(text, { unit: (id) => units.find((u) => u.id === id), exists: (u) => taken.has(u) });
    if (!parsed.ok) {
      for (const p of parsed.problems) io.out(`${file}:${p.line} ${p.message}`);
      io.err(`sunline users import: ${parsed.problems.length} problem(s) in ${file}; no account was created`);
      return 1;
    }
    for (const a of parsed.accounts) {
      const password = generatePassword();
      await users.create(
        { username: a.username, displayName: a.displayName, role: a.role, unitId: a.unitId, password, mustChangePassword: true },
        { actorId: (await users.systemUser()).id, details: { via: 'cli', passwordGenerated: true, csvLine: a.line } },
      );
      io.out(`${a.username}\t${password}`);
    }
    io.err(`sunline users import: ${parsed.accounts.length} account(s) created; give each their password`);
    return 0;
  } finally {
    await db.close();
  }
}
