/**
 * The `sunline` command (bin/sunline.mjs runs the built dist/cli.js, or this file through tsx
 * in a source checkout). Administrators run `sunline config check` before saving, or CI runs
 * it on a config change: same loader, same messages as the running server. `sunline users`
 * manages accounts (cli/users-command.ts); `sunline db copy-to-postgres` moves the data to
 * PostgreSQL (cli/db-command.ts).
 */
import path from 'node:path';
import { CONFIG_FILES, CONFIG_KEYS, formatProblem, loadConfigDir, sortProblems } from './config/files/index.js';
import { promptFileWarnings } from './config/files/prompt-files.js';
import { EnvError, loadEnv } from './config/env.js';
import type { CliIo } from './cli/io.js';
import { USERS_USAGE, usersCommand, type UsersCommandEnv } from './cli/users-command.js';
import { ROUTE_USAGE, routeCommand } from './cli/route-command.js';
import { DB_USAGE, dbCommand } from './cli/db-command.js';

export type { CliIo } from './cli/io.js';

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const USAGE = `usage: sunline <command>

commands:
  config check [DIR] [--sounds SOUNDS]
                       validate the configuration files in DIR (default ./config);
                       prints FILE:LINE:COL lines; exit 0 if valid, 1 if not; with --sounds,
                       warns of each prompt not found in Asterisk's sounds folder SOUNDS
${USERS_USAGE}
${ROUTE_USAGE}
${DB_USAGE}
  help                 show this help`;

/** Run the CLI with arguments (without node and script); resolves to the exit code. */
export async function runCli(args: readonly string[], io: CliIo = defaultIo, readStdin: () => Promise<string> = stdinText): Promise<number> {
  const [cmd, sub, ...rest] = args;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    io.out(USAGE);
    return 0;
  }
  if (cmd === 'config' && sub === 'check') {
    const parsed = configCheckArgs(rest);
    if (typeof parsed === 'string') {
      io.err(`sunline config check: ${parsed}`);
      io.err(USAGE);
      return 2;
    }
    return configCheck(parsed.dir ?? 'config', io, parsed.sounds);
  }
  if (cmd === 'users') {
    const env = usersEnv(io, readStdin);
    return env ? usersCommand(args.slice(1), env, io) : 2;
  }
  if (cmd === 'route') {
    const env = usersEnv(io, readStdin);
    return env ? routeCommand(args.slice(1), env, io) : 2;
  }
  if (cmd === 'db') {
    const env = usersEnv(io, readStdin);
    return env ? dbCommand(args.slice(1), env, io) : 2;
  }
  io.err(`sunline: unknown command "${args.join(' ')}"`);
  io.err(USAGE);
  return 2;
}

/** `config check [DIR] [--sounds SOUNDS]`'s arguments, or what is wrong with them. */
function configCheckArgs(args: readonly string[]): { dir?: string; sounds?: string } | string {
  let dir: string | undefined;
  let sounds: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--sounds') {
      if (sounds !== undefined) return '--sounds is given twice: give it once';
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) return '--sounds needs the folder of Asterisk’s sounds';
      sounds = v;
    } else if (a.startsWith('--')) return `unknown option ${a}`;
    else if (dir !== undefined) return `one configuration folder, not two ("${dir}" and "${a}")`;
    else dir = a;
  }
  return { ...(dir !== undefined ? { dir } : {}), ...(sounds !== undefined ? { sounds } : {}) };
}

async function configCheck(dirArg: string, io: CliIo, soundsDir?: string): Promise<number> {
  // Paths are printed as the user typed the directory (normalised), so they can be pasted back.
  const dir = path.normalize(dirArg).replace(/(.)[\\/]+$/, '$1');
  const loaded = await loadConfigDir(dir, { displayDir: dir });
  // With --sounds, each prompt named is looked for in Asterisk's sounds folder (warnings).
  const res =
    loaded.ok && soundsDir !== undefined
      ? { ...loaded, warnings: [...loaded.warnings, ...(await promptFileWarnings(loaded.config, loaded.texts, { soundsDir, displayDir: dir }))] }
      : loaded;
  const order = CONFIG_KEYS.map((k) => path.join(dir, CONFIG_FILES[k].file));
  const all = sortProblems([...(res.ok ? [] : res.problems), ...res.warnings], order);
  for (const p of all) io.out(formatProblem(p));
  if (!res.ok) {
    const w = res.warnings.length;
    io.err(`config INVALID: ${res.problems.length} error${res.problems.length === 1 ? '' : 's'}${w ? `, ${w} warning${w === 1 ? '' : 's'}` : ''} in ${dir}`);
    return 1;
  }
  const parts = CONFIG_KEYS.map((k) => {
    const spec = CONFIG_FILES[k] as { file: string; summary?: (c: unknown) => string };
    return spec.summary ? `${spec.file} (${spec.summary(res.config[k])})` : spec.file;
  });
  const w = res.warnings.length;
  io.out(`config OK in ${dir}: ${parts.join(', ')}${w ? `; ${w} warning${w === 1 ? '' : 's'}` : ''}`);
  return 0;
}

/** The database and configuration the server would use (the same SUNLINE_* variables). */
function usersEnv(io: CliIo, readStdin: () => Promise<string>): UsersCommandEnv | null {
  try {
    const env = loadEnv();
    return { dbFile: env.dbFile, databaseUrl: env.databaseUrl, configDir: env.configDir, readStdin };
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    io.err(`sunline: ${err.message}`);
    return null;
  }
}

async function stdinText(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > 4096) break; // a password line, not a file
  }
  return Buffer.concat(chunks).toString('utf8');
}
