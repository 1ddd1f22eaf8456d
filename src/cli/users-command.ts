/**
 * `sunline users …`: accounts from the command line, for the first administrator of a new
 * install (there is nobody yet who could use a web page) and for scripted provisioning.
 * Works on the server's database (cli-database.ts: SUNLINE_DATABASE_URL's PostgreSQL, else the file
 * SUNLINE_DB_FILE or SUNLINE_DATA_DIR/sunline.db; `--db FILE` for another SQLite file), also while
 * the server runs: a disabled account or a changed password ends the account's sessions (their rows
 * are deleted), which the running server notices (users-service.ts: data_version on SQLite, within
 * its session cache's 5 s on PostgreSQL).
 * Passwords are read from stdin (`--password-stdin`) or generated and printed once; never
 * taken as an argument (it would end up in the shell history and `ps`). Every change is written
 * to the audit log (users/admin-audit.ts) with the platform's own account as the actor, via 'cli'.
 */
import { USER_ROLES, type UserRole } from '../db/schema.js';
import { loadConfigDir } from '../config/files/index.js';
import { UsersService } from '../users/index.js';
import { checkAccountUnit } from '../users/account-rules.js';
import { AccountError } from '../users/account-errors.js';
import { openCliDatabase, type CliDatabaseEnv } from './cli-database.js';
import { checkPassword, generatePassword, USERNAME_PATTERN as USERNAME } from '../users/password-policy.js';
import type { CliIo } from './io.js';
import { usersImport } from './users-import.js';

export const USERS_USAGE = `  users add USERNAME --role ROLE [--name NAME] [--unit UNIT] [--password-stdin] [--must-change]
                       create an account (ROLE: ${USER_ROLES.filter((r) => r !== 'citizen').join(', ')});
                       UNIT (an id from org.yaml): a unit handler's unit; a county
                       sub-platform (subPlatform: true) for its dispatchers; other roles none
  users passwd USERNAME [--password-stdin] [--must-change]
                       set a new password; the account's sessions end
                       (--must-change: the user must choose a new one at the next login)
  users disable USERNAME | users enable USERNAME
                       lock an account out (its sessions end) or let it in again
  users list           the accounts, one a line, tab-separated: username, role,
                       unit (- for none), active or disabled, name
  users import FILE.csv
                       create accounts from a CSV file (header username,displayName,role[,unitId]);
                       a bad line refuses the file (FILE:LINE problems); prints each password once,
                       to be changed at the first login
  (users commands take --db FILE and --config DIR; without --password-stdin a random
   password is generated and printed once)`;

export interface UsersCommandEnv extends CliDatabaseEnv {
  /** The configuration folder, for checking --unit against org.yaml (unless --config). */
  readonly configDir: string;
  /** The password given on stdin (first line), read only when --password-stdin is given. */
  readonly readStdin: () => Promise<string>;
}

const ROLES_FOR_CLI = USER_ROLES.filter((r) => r !== 'citizen');

class UsageError extends Error {}

interface Parsed {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(['--role', '--name', '--unit', '--db', '--config']);
const BOOLEAN_FLAGS = new Set(['--password-stdin', '--must-change']);
/** The commands each option goes with (--db and --config go with every one). */
const FLAG_VERBS: Record<string, readonly string[]> = {
  '--role': ['add'],
  '--name': ['add'],
  '--unit': ['add'],
  '--password-stdin': ['add', 'passwd'],
  '--must-change': ['add', 'passwd'],
};

function parse(args: readonly string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    // A repeated option is refused rather than the last one silently taken (`--role agent --role admin`).
    if (flags.has(a)) throw new UsageError(`${a} is given twice: give it once`);
    if (VALUE_FLAGS.has(a)) {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      flags.set(a, v);
    } else if (BOOLEAN_FLAGS.has(a)) flags.set(a, true);
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else positional.push(a);
  }
  return { positional, flags };
}

const str = (p: Parsed, flag: string): string | undefined => {
  const v = p.flags.get(flag);
  return typeof v === 'string' ? v : undefined;
};

export { generatePassword };

/** Runs `users <args>`; resolves to the exit code (0 done, 1 refused, 2 usage). */
export async function usersCommand(args: readonly string[], env: UsersCommandEnv, io: CliIo): Promise<number> {
  let p: Parsed;
  try {
    p = parse(args);
  } catch (err) {
    io.err(`sunline users: ${(err as Error).message}`);
    return 2;
  }
  const [verb, username, ...extra] = p.positional;
  // An option the command does not use is refused rather than silently ignored (`users passwd x --role admin` changes no role).
  for (const flag of p.flags.keys()) {
    const verbs = FLAG_VERBS[flag];
    if (verbs && verb !== undefined && !verbs.includes(verb)) {
      io.err(`sunline users: ${flag} goes with ${verbs.map((v) => `users ${v}`).join(' or ')}`);
      return 2;
    }
  }
  if (verb === 'import' && username !== undefined && extra.length === 0) {
    return usersImport(username, { db: env, dbFlag: str(p, '--db'), configDir: str(p, '--config') ?? env.configDir }, io);
  }
  const arity: Record<string, number> = { add: 1, passwd: 1, disable: 1, enable: 1, list: 0 };
  if (verb === undefined || !(verb in arity) || (arity[verb] === 1 ? username === undefined || extra.length > 0 : username !== undefined)) {
    io.err(`sunline users: unknown or incomplete command "${args.join(' ')}"`);
    io.err(USERS_USAGE);
    return 2;
  }
  if (username !== undefined && !USERNAME.test(username)) {
    io.err(`sunline users: "${username}" is not a valid username (letters, digits, . _ -; at most 64; starting with a letter or digit)`);
    return 1;
  }
  const db = await openCliDatabase(env, str(p, '--db'));
  try {
    // A CLI process has no sessions of its own; the TTL does not matter here.
    const users = new UsersService(db.stores.users, 60_000);
    switch (verb) {
      case 'list':
        return await list(users, io);
      case 'add':
        return await add(users, username!, p, env, io);
      case 'passwd':
        return await passwd(users, username!, p, env, io);
      default:
        return await enableOrDisable(users, username!, verb === 'disable', io);
    }
  } finally {
    await db.close();
  }
}

async function list(users: UsersService, io: CliIo): Promise<number> {
  for (const u of await users.list()) io.out([u.username, u.role, u.unitId ?? '-', u.disabled ? 'disabled' : 'active', u.displayName].join('\t'));
  return 0;
}

async function password(username: string, p: Parsed, env: UsersCommandEnv, io: CliIo): Promise<{ value: string; generated: boolean } | null> {
  if (p.flags.get('--password-stdin') !== true) return { value: generatePassword(), generated: true };
  const value = (await env.readStdin()).split(/\r?\n/)[0] ?? '';
  const problem = checkPassword(value, username);
  if (problem) {
    io.err(`sunline users: password refused: ${problem}`);
    return null;
  }
  return { value, generated: false };
}

async function add(users: UsersService, username: string, p: Parsed, env: UsersCommandEnv, io: CliIo): Promise<number> {
  const role = str(p, '--role');
  if (!role || !(ROLES_FOR_CLI as readonly string[]).includes(role)) {
    io.err(`sunline users: --role must be one of ${ROLES_FOR_CLI.join(', ')}`);
    return 2;
  }
  const unitId = str(p, '--unit') ?? null;
  if (role === 'unit_handler' && unitId === null) {
    io.err('sunline users: a unit handler needs --unit (a unit id from org.yaml)');
    return 1;
  }
  if (unitId !== null) {
    const units = await orgUnits(str(p, '--config') ?? env.configDir);
    if (units === null) {
      io.err(`sunline users: cannot check --unit: the configuration in ${str(p, '--config') ?? env.configDir} does not load (run sunline config check)`);
      return 1;
    }
    const unit = units.find((u) => u.id === unitId);
    if (!unit) {
      io.err(`sunline users: unknown unit "${unitId}"; use the id of a unit in org.yaml`);
      return 1;
    }
    // The API's rule (users/account-rules.ts): a dispatcher's unit is a county sub-platform, other roles carry none.
    try {
      checkAccountUnit(role as UserRole, unitId, () => unit);
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      io.err(`sunline users: --unit refused: ${err.message}`);
      return 1;
    }
  }
  if (await users.byUsername(username)) {
    io.err(`sunline users: "${username}" exists already (use users passwd / enable)`);
    return 1;
  }
  const pw = await password(username, p, env, io);
  if (!pw) return 1;
  // As the API's display name (admin-users-routes.ts): trimmed, 1-64 characters.
  const name = (str(p, '--name') ?? username).trim();
  if (name.length === 0 || name.length > 64) {
    io.err('sunline users: --name is 1-64 characters (not only spaces)');
    return 1;
  }
  const mustChangePassword = p.flags.get('--must-change') === true;
  await users.create(
    { username, displayName: name, role: role as UserRole, unitId, password: pw.value, mustChangePassword },
    await cliAudit(users, { passwordGenerated: pw.generated }),
  );
  io.out(`user ${username} (${role}${unitId ? `, ${unitId}` : ''}) created`);
  if (pw.generated) io.out(`password: ${pw.value}   (shown once; give it to the user)`);
  return 0;
}

async function passwd(users: UsersService, username: string, p: Parsed, env: UsersCommandEnv, io: CliIo): Promise<number> {
  const u = await users.byUsername(username);
  if (!u) {
    io.err(`sunline users: no user "${username}"`);
    return 1;
  }
  const pw = await password(username, p, env, io);
  if (!pw) return 1;
  const mustChange = p.flags.get('--must-change') === true;
  await users.changePassword(u.id, pw.value, undefined, await cliAudit(users, { passwordGenerated: pw.generated }), mustChange);
  io.out(`password of ${username} changed; their sessions ended${mustChange ? '; it must be changed at the next login' : ''}`);
  if (pw.generated) io.out(`password: ${pw.value}   (shown once; give it to the user)`);
  return 0;
}

async function enableOrDisable(users: UsersService, username: string, disable: boolean, io: CliIo): Promise<number> {
  const u = await users.byUsername(username);
  if (!u) {
    io.err(`sunline users: no user "${username}"`);
    return 1;
  }
  if (disable) await users.disable(u.id, await cliAudit(users));
  else await users.enable(u.id, await cliAudit(users));
  io.out(disable ? `user ${username} disabled; their sessions ended` : `user ${username} enabled`);
  return 0;
}

/** The CLI's changes are audited like an administrator's, with the platform's own account as the actor. */
const cliAudit = async (users: UsersService, details: Record<string, unknown> = {}) => ({
  actorId: (await users.systemUser()).id,
  details: { via: 'cli', ...details },
});

async function orgUnits(configDir: string): Promise<ReadonlyArray<{ readonly id: string; readonly subPlatform?: boolean | undefined }> | null> {
  const res = await loadConfigDir(configDir);
  return res.ok ? res.config.org.units : null;
}
