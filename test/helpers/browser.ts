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

/** Headless Chromium on this closed network (see the env notes: no background connections). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** A fake microphone (a beep) granted without a prompt, and audio that plays without a gesture. */
export const FAKE_MEDIA_ARGS = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required'];

/**
 * Null (after t.fail with the fix) when the web app is not built or Chromium is missing.
 * `extraArgs`: more Chromium flags, e.g. FAKE_MEDIA_ARGS.
 */
export async function launchBrowser(t: T, extraArgs: readonly string[] = []): Promise<Browser | null> {
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
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
  t.teardown(() => browser.close());
  return browser;
}
