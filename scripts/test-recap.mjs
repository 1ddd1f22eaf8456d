#!/usr/bin/env node
// After `tap`: name every failing test file and its failing assertions, last in the output,
// so a log read from its tail (CI shows only the end) says what failed without the whole run.
// Reads tap's per-file TAP streams in .tap/test-results/. Exits 0; `npm test` keeps tap's code.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.cwd();
const resultsDir = join(root, '.tap', 'test-results');
const tapExit = process.argv[2] ?? '?';

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (name.endsWith('.tap')) yield path;
  }
}

/** The failing lines of one TAP stream, each with the diagnostic lines that follow it (trimmed). */
function failures(text) {
  const lines = text.split('\n');
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!/^\s*not ok \d+/.test(line) || /#\s*(TODO|SKIP)\b/i.test(line)) continue;
    const detail = [];
    for (let j = i + 1; j < lines.length && j < i + 14; j++) {
      const next = lines[j];
      if (/^\s*(not )?ok \d+/.test(next) || /^\s*# Subtest/.test(next)) break;
      if (/^\s*(\.\.\.|---)\s*$/.test(next) || /^\s*1\.\.\d+/.test(next) || next.trim() === '') continue;
      detail.push(next.trimEnd());
    }
    found.push({ line: line.trimEnd(), detail: detail.slice(0, 8) });
  }
  return found;
}

/**
 * The end of the server log a failing file's test servers kept (test/helpers/test-log.ts),
 * one compact line each; only a log written by the same run (its mtime near the result's).
 */
function serverLog(testFile, resultAt) {
  const path = join(root, '.tap', 'server-logs', `${testFile}.log`);
  if (!existsSync(path) || Math.abs(statSync(path).mtimeMs - resultAt) > 120_000) return;
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean).filter(telling).slice(-SERVER_LOG_LINES);
  console.log(`#   server log, last ${lines.length} lines (.tap/server-logs/${testFile}.log):`);
  for (const line of lines) console.log(`#     ${compact(line)}`);
}

const SERVER_LOG_LINES = 40;

/** Not a request that went well: the access log's info lines would fill the 40 lines on their own. */
function telling(line) {
  try {
    const { level, component } = JSON.parse(line);
    return !(component === 'http' && level < 40);
  } catch {
    return true;
  }
}
const LEVELS = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

function compact(line) {
  try {
    const { time, level, msg, component, pid: _pid, name: _name, hostname: _host, ...rest } = JSON.parse(line);
    const extra = JSON.stringify(rest);
    const text = `${String(time).slice(11, 23)} ${LEVELS[level] ?? level}${component ? ` [${component}]` : ''} ${msg}${extra === '{}' ? '' : ` ${extra}`}`;
    return text.length > 400 ? `${text.slice(0, 400)}…` : text;
  } catch {
    return line.slice(0, 400);
  }
}

if (!existsSync(resultsDir)) {
  console.log(`# test recap: no ${relative(root, resultsDir)} (tap exit ${tapExit})`);
  process.exit(0);
}

const failing = [];
let files = 0;
for (const path of walk(resultsDir)) {
  const testFile = relative(resultsDir, path).replace(/\.tap$/, '');
  if (!existsSync(join(root, testFile))) continue; // a stale result of a removed test
  files++;
  const text = readFileSync(path, 'utf8');
  const found = failures(text);
  const finished = /^1\.\.\d+/m.test(text);
  if (found.length > 0 || !finished) failing.push({ testFile, found, finished, resultAt: statSync(path).mtimeMs });
}

console.log('');
console.log(`# test recap: ${files} test files, ${failing.length} failing (tap exit ${tapExit})`);
for (const { testFile, found, finished, resultAt } of failing) {
  console.log(`# FAILED ${testFile}${finished ? '' : ' (did not finish: no plan line)'}`);
  // The innermost failures carry the message; the enclosing subtests' lines repeat them.
  const shown = found.filter((f) => f.detail.length > 0).slice(0, 6);
  for (const f of shown.length > 0 ? shown : found.slice(0, 3)) {
    console.log(`#   ${f.line.trim()}`);
    for (const d of f.detail) console.log(`#     ${d.trim()}`);
  }
  serverLog(testFile, resultAt);
}
