/** Where the `sunline` command writes: stdout lines and stderr lines (tests capture both). */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}
