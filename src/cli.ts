/**
 * The `sunline` command (bin/sunline.mjs loads this through tsx). Administrators run
 * `sunline config check` before saving, or CI runs it on a config change: same loader,
 * same messages as the running server.
 */
import path from 'node:path';
import { CONFIG_FILES, CONFIG_KEYS, formatProblem, loadConfigDir, sortProblems } from './config/files/index.js';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const USAGE = `usage: sunline <command>

commands:
  config check [DIR]   validate the configuration files in DIR (default ./config);
                       prints FILE:LINE:COL lines; exit 0 if valid, 1 if not
  help                 show this help`;

/** Run the CLI with arguments (without node and script); resolves to the exit code. */
export async function runCli(args: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const [cmd, sub, ...rest] = args;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    io.out(USAGE);
    return 0;
  }
  if (cmd === 'config' && sub === 'check' && rest.length <= 1) return configCheck(rest[0] ?? 'config', io);
  io.err(`sunline: unknown command "${args.join(' ')}"`);
  io.err(USAGE);
  return 2;
}

async function configCheck(dirArg: string, io: CliIo): Promise<number> {
  // Paths are printed as the user typed the directory (normalised), so they can be pasted back.
  const dir = path.normalize(dirArg).replace(/(.)[\\/]+$/, '$1');
  const res = await loadConfigDir(dir, { displayDir: dir });
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
