/**
 * Server logs of a test process, kept for the failure recap: with SUNLINE_TEST_LOG unset, the
 * servers a real-path test builds log at info into a ring of the last lines, written at exit to
 * `.tap/server-logs/<test file>.log`. `scripts/test-recap.mjs` prints the tail of that file for
 * each failing test file, so a CI log read from its end shows what the server did before the
 * failure. With SUNLINE_TEST_LOG set, the logs go to stdout at that level as before. Servers run
 * as child processes (server-process.ts) add their output lines to the same ring.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DestinationStream, Logger } from 'pino';
import { createLogger } from '../../src/logging/logger.js';

const KEEP = 400;
const ring: string[] = [];
let hooked = false;

const sink: DestinationStream = {
  write(line: string) {
    ring.push(line.length > 2000 ? `${line.slice(0, 2000)}…\n` : line);
    if (ring.length > KEEP) ring.splice(0, ring.length - KEEP);
  },
};

/** Where this process's ring goes: .tap/server-logs/ + the test file's path relative to the project. */
function target(): string | null {
  const file = process.argv[1];
  if (!file) return null;
  const rel = path.relative(process.cwd(), file);
  if (rel.startsWith('..')) return null;
  return path.join(process.cwd(), '.tap', 'server-logs', `${rel}.log`);
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    const to = target();
    if (!to || ring.length === 0) return;
    try {
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.writeFileSync(to, ring.join(''));
    } catch {
      // the recap then has no server log for this file; nothing else depends on it
    }
  });
}

/**
 * One log line of a server in a child process (test/helpers/server-process.ts) into the same
 * ring, its JSON tagged with `node` (the child's port) so that two nodes' lines tell apart.
 */
export function keepChildLine(line: string, node: number): void {
  if (process.env['SUNLINE_TEST_LOG']) return;
  hookExit();
  sink.write(`${line.startsWith('{') ? `{"node":${node},${line.slice(1)}` : line}\n`);
}

/** The env's log level for a test server: SUNLINE_TEST_LOG, or info into the ring. */
export function testLogLevel(): string {
  return process.env['SUNLINE_TEST_LOG'] ?? 'info';
}

/** A logger for a test server at `level`: to stdout when SUNLINE_TEST_LOG asks, otherwise into the ring. */
export function testLogger(level: string): Logger {
  if (process.env['SUNLINE_TEST_LOG']) return createLogger({ level });
  hookExit();
  return createLogger({ level }, sink);
}
