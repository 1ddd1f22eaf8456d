/**
 * What the config loader reports: one positioned problem per mistake, in the
 * `FILE:LINE:COL message` shape editors and CI annotators already understand.
 */

export type Severity = 'error' | 'warning';

/** One mistake in a config file. `line` and `col` are 1-based; `file` is the path as the user gave it. */
export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
  readonly severity: Severity;
}

/** `config/numbers.yaml:12:5 unknown key "greting"`; warnings get a `warning: ` prefix. */
export function formatProblem(p: Problem): string {
  const prefix = p.severity === 'warning' ? 'warning: ' : '';
  return `${p.file}:${p.line}:${p.col} ${prefix}${p.message}`;
}

/** Stable order: by file (in the order given), then line, then column; exact duplicates dropped. */
export function sortProblems(problems: readonly Problem[], fileOrder: readonly string[] = []): Problem[] {
  const rank = (f: string) => {
    const i = fileOrder.indexOf(f);
    return i === -1 ? fileOrder.length : i;
  };
  const seen = new Set<string>();
  return [...problems]
    .sort((a, b) => rank(a.file) - rank(b.file) || a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col)
    .filter((p) => {
      const k = `${p.severity}|${formatProblem(p)}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
}

/** Thrown by ConfigStore.open when the first load is invalid: there is no last good config to fall back on. */
export class ConfigInvalidError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly problems: readonly Problem[],
    readonly warnings: readonly Problem[] = [],
  ) {
    super(`invalid configuration:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.name = 'ConfigInvalidError';
  }
}
