/**
 * Turns zod issues into positioned, administrator-readable problems. zod's own messages
 * ("Invalid input: expected string, received undefined") are written for programmers; an
 * administrator editing numbers.yaml needs "missing required field" at the right line.
 */
import type { z } from 'zod';
import type { Problem } from './problem.js';
import { pathLabel, type PathSeg, type YamlSource } from './yaml-source.js';

export function issuesToProblems(issues: readonly z.core.$ZodIssue[], src: YamlSource, schema: z.ZodType): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((s): s is PathSeg => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const allowed = objectKeysAt(schema, path);
      for (const key of issue.keys) out.push(src.problem([...path, key], unknownKeyMessage(key, allowed), 'error', 'key'));
      continue;
    }
    const last = path[path.length - 1];
    const parentPath = path.slice(0, -1);
    const parent = valueAt(src.data, parentPath);
    const value = valueAt(src.data, path);
    if (last !== undefined && value === undefined && isRecord(parent) && !(String(last) in parent)) {
      out.push(src.problem(parentPath, prefix(parentPath, `missing required field "${last}"`)));
      continue;
    }
    out.push(src.problem(path, prefix(path, issueText(issue, value))));
  }
  return out;
}

function prefix(path: readonly PathSeg[], text: string): string {
  return path.length ? `${pathLabel(path)}: ${text}` : text;
}

function issueText(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (value == null && issue.path.length === 0) return 'the file is empty';
      const hint = issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean') ? ` — put it in quotes: "${String(value)}"` : '';
      return `must be ${expectedLabel(issue.expected)}, got ${describe(value)}${hint}`;
    }
    case 'too_small':
      if (issue.origin === 'string') return issue.minimum === 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `must have at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`;
      return `must be ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}, got ${describe(value)}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `must have at most ${issue.maximum} items`;
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}, got ${describe(value)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(value)}`;
    default:
      // invalid_format and custom checks carry messages written in the schemas for administrators.
      return issue.message;
  }
}

function expectedLabel(expected: string): string {
  const labels: Record<string, string> = {
    string: 'text',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    object: 'a mapping of "key: value" lines',
    array: 'a list of "- item" lines',
  };
  return labels[expected] ?? expected;
}

/** How a YAML value reads back to the person who typed it. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}…` : JSON.stringify(value);
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `${value} (true/false)`;
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function valueAt(data: unknown, path: readonly PathSeg[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isRecord(cur)) cur = cur[String(seg)];
    else return undefined;
  }
  return cur;
}

function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const guess = closest(key, allowed);
  if (guess) return `unknown key "${key}" (did you mean "${guess}"?)`;
  return allowed.length ? `unknown key "${key}" (allowed here: ${allowed.join(', ')})` : `unknown key "${key}"`;
}

/** The nearest allowed key within a small edit distance: catches typos like "greting". */
function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(key.length / 4)) + 1;
  for (const a of allowed) {
    const d = a.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, a);
    if (d < bestD) [best, bestD] = [a, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * The keys a strict object at `path` allows, found by walking the schema definition
 * (zod v4 exposes it on `_zod.def`), so unknown-key messages can suggest the right one.
 */
function objectKeysAt(schema: z.ZodType, path: readonly PathSeg[]): string[] {
  let cur: unknown = unwrap(schema);
  for (const seg of path) {
    const def = defOf(cur);
    if (def?.type === 'object' && typeof seg === 'string') cur = unwrap((def.shape as Record<string, unknown>)[seg]);
    else if (def?.type === 'array' && typeof seg === 'number') cur = unwrap(def.element);
    else return [];
  }
  const def = defOf(cur);
  return def?.type === 'object' ? Object.keys(def.shape as object) : [];
}

type Def = { type: string; [k: string]: unknown };

function defOf(s: unknown): Def | undefined {
  return (s as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

/** Look through wrappers (optional, default, prefault, pipe from preprocess) to the real type. */
function unwrap(s: unknown): unknown {
  for (let i = 0; i < 10; i++) {
    const def = defOf(s);
    if (!def) return s;
    if ('innerType' in def) s = def.innerType;
    else if (def.type === 'pipe') s = def.out;
    else return s;
  }
  return s;
}
