/**
 * Browser tests' common start: the built web app and Debian's Chromium must be there (else the
 * test fails saying how to fix it), then a headless Chromium closed at teardown.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { WEB_ROOT } from '../../src/http/static-web.js';

export const CHROMIUM = process.env['SUNLINE_CHROMIUM'] ?? '/usr/bin/chromium';
/** Screenshots of browser tests (git-ignored). */
export const SHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

interface T {
  fail(msg: string): unknown;
  teardown(fn: () => unknown): void;
}

/** Null (after t.fail with the fix) when the web app is not built or Chromium is missing. */
export async function launchBrowser(t: T): Promise<Browser | null> {
  if (!fs.existsSync(path.join(WEB_ROOT, 'index.html'))) {
    t.fail(`the web app is not built (${WEB_ROOT}/index.html missing): run \`npm run build:web\` before this test`);
    return null;
  }
  if (!fs.existsSync(CHROMIUM)) {
    t.fail(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
    return null;
  }
  fs.mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.teardown(() => browser.close());
  return browser;
}
