/**
 * One parsed YAML config file that remembers where every node came from, so a problem
 * found on the plain JS data (by zod or a cross-field check) can be pointed back at the
 * exact line and column the administrator has to edit.
 */
import { LineCounter, isAlias, type Alias, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
import type { Problem, Severity } from './problem.js';

export type PathSeg = string | number;

/** How many copies aliases may make of anchored nodes in one file (yaml's guard against alias bombs). */
const MAX_ALIAS_COUNT = 100;

/** Where to point for a path: at the key (`greting:`) or at the value after it. */
export type Anchor = 'key' | 'value';

export interface Position {
  readonly line: number;
  readonly col: number;
}

export class YamlSource {
  /** The plain data (what zod validates); undefined when the file had YAML syntax errors. */
  readonly data: unknown;
  /** YAML syntax errors, already positioned. A file with any is not validated further. */
  readonly syntaxProblems: readonly Problem[];
  private readonly doc: Document;
  private readonly lines: LineCounter;
  /** The text parsed: `text` without a byte-order mark. */
  private readonly body: string;

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.lines = new LineCounter();
    // prettyErrors off: we want the bare message and offsets, not a code frame.
    // A byte-order mark (Windows editors write one) is not a column: editors count from the character after it.
    this.body = text.startsWith('\uFEFF') ? text.slice(1) : text;
    this.doc = parseDocument(this.body, { lineCounter: this.lines, prettyErrors: false });
    this.syntaxProblems = this.doc.errors.map((e) => {
      if (e.code === 'DUPLICATE_KEY') return this.problemAt(this.positionOf(e.pos[0]), this.duplicateKeyMessage(e.pos[0]), 'error');
      const open = e.code === 'BAD_INDENT' ? this.unclosedFlowAt(e.pos[0]) : undefined;
      if (open) return this.problemAt(open.pos, `YAML syntax error: "${open.bracket}" is not closed with "${open.closer}"`, 'error');
      return this.problemAt(this.positionOf(e.pos[0]), `YAML syntax error: ${e.message}`, 'error');
    });
    if (this.syntaxProblems.length === 0) this.syntaxProblems = this.nulProblems();
    let data: unknown;
    if (this.syntaxProblems.length === 0) {
      try {
        data = this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch {
        // yaml throws (not reports) an alias without its anchor and aliases that expand too far.
        this.syntaxProblems = [this.aliasProblem()];
      }
    }
    this.data = this.syntaxProblems.length > 0 ? undefined : data;
  }

  /** Where and why toJS refused the aliases: an alias with no anchor before it, or nested aliases that multiply. */
  private aliasProblem(): Problem {
    const aliases: Alias[] = [];
    visit(this.doc, { Alias: (_k, node) => void aliases.push(node) });
    const at = (a: Alias | undefined) => (a?.range ? this.positionOf(a.range[0]) : { line: 1, col: 1 });
    const unresolved = aliases.find((a) => a.resolve(this.doc) === undefined);
    if (unresolved) return this.problemAt(at(unresolved), `YAML alias "*${unresolved.source}" has no anchor "&${unresolved.source}" before it`, 'error');
    const nested = aliases.find((a) => {
      const target = a.resolve(this.doc);
      let inner = false;
      if (target)
        visit(target, {
          Alias: () => {
            inner = true;
            return visit.BREAK;
          },
        });
      return inner;
    });
    return this.problemAt(
      at(nested ?? aliases[0]),
      `YAML aliases expand to more than ${MAX_ALIAS_COUNT} copies: write the values out instead of nesting aliases`,
      'error',
    );
  }

  /**
   * A NUL written as a YAML escape (`"\0"`, `"\x00"`, `"\u0000"`) in any key or value: no setting
   * needs one, and text with it cannot be stored in PostgreSQL. Refused as the file's error.
   */
  private nulProblems(): Problem[] {
    const found: Problem[] = [];
    visit(this.doc, {
      Scalar: (_k, node) => {
        if (typeof node.value === 'string' && node.value.includes('\u0000') && node.range)
          found.push(this.problemAt(this.positionOf(node.range[0]), 'a NUL character ("\\0") is not allowed in a config file', 'error'));
      },
    });
    return found;
  }

  /** Build a problem at a path in this file. */
  problem(path: readonly PathSeg[], message: string, severity: Severity = 'error', at: Anchor = 'value'): Problem {
    return this.problemAt(this.locate(path, at), message, severity);
  }

  problemAt(pos: Position, message: string, severity: Severity): Problem {
    return { file: this.file, line: pos.line, col: pos.col, message, severity };
  }

  /**
   * The position of a path. When the path does not exist (a missing field), this is the
   * nearest existing ancestor: the mapping the field should be added to.
   */
  locate(path: readonly PathSeg[], at: Anchor = 'value'): Position {
    let node: unknown = this.doc.contents;
    let key: Node | null = null;
    for (const seg of path) {
      if (isAlias(node)) node = node.resolve(this.doc);
      let next: unknown;
      let nextKey: Node | null = null;
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(seg));
        if (pair) {
          next = pair.value;
          nextKey = isScalar(pair.key) || isMap(pair.key) || isSeq(pair.key) ? pair.key : null;
        }
      } else if (isSeq(node) && typeof seg === 'number') {
        next = node.items[seg];
      }
      if (next === undefined) return this.nodeStart(node, key);
      node = next;
      key = nextKey;
    }
    if (at === 'key' && key) return this.nodeStart(key, null);
    return this.nodeStart(node, key);
  }

  private nodeStart(node: unknown, key: Node | null): Position {
    // `greeting:` with nothing after it parses as an empty scalar; the key is the useful spot.
    const empty = isScalar(node) && node.value === null && node.source === '';
    const target = (empty || !node) && key ? key : node;
    const range = (target as Node | null)?.range;
    return range ? this.positionOf(range[0]) : { line: 1, col: 1 };
  }

  positionOf(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    // yaml counts UTF-16 units; a character beyond them (rare CJK of Extension B and on, an emoji) is one column too.
    const start = this.lines.lineStarts[line - 1] ?? offset - col + 1;
    return { line, col: [...this.body.slice(start, start + col - 1)].length + 1 };
  }

  /**
   * yaml notices an unclosed `{` or `[` only at the next line; the administrator has to
   * fix the line with the bracket, so point there.
   */
  private unclosedFlowAt(offset: number): { pos: Position; bracket: string; closer: string } | undefined {
    let found: { pos: Position; bracket: string; closer: string } | undefined;
    const check = (node: { flow?: boolean; range?: [number, number, number] | null }, bracket: string, closer: string) => {
      if (!node.flow || !node.range || node.range[1] !== offset) return undefined;
      found = { pos: this.positionOf(node.range[0]), bracket, closer };
      return visit.BREAK;
    };
    visit(this.doc, { Map: (_k, n) => check(n, '{', '}'), Seq: (_k, n) => check(n, '[', ']') });
    return found;
  }

  /** yaml says "Map keys must be unique"; name the key and where it was first defined. */
  private duplicateKeyMessage(offset: number): string {
    let text = '';
    let firstLine = 0;
    visit(this.doc, {
      Map: (_k, map) => {
        const dup = map.items.find((p) => isScalar(p.key) && p.key.range?.[0] === offset);
        if (!dup) return undefined;
        text = keyText(dup.key);
        const first = map.items.find((p) => keyText(p.key) === text);
        const start = isScalar(first?.key) ? first.key.range?.[0] : undefined;
        if (start !== undefined) firstLine = this.positionOf(start).line;
        return visit.BREAK;
      },
    });
    if (!text) return 'duplicate key';
    return firstLine ? `duplicate key "${text}" (first defined at line ${firstLine})` : `duplicate key "${text}"`;
  }
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  if (isPair(key)) return keyText(key.key);
  return String(key);
}

/** Human label for a data path: `numbers[2].greeting.prompt`. */
export function pathLabel(path: readonly PathSeg[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}
