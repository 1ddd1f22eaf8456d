/** Signing in to the web app in Chromium for the knowledge-base browser tests (password pw-123456, as loginCookies and the tests' accounts). */
import type { Browser, Page } from 'playwright-core';

/** A new context signed in as `username`, then at `path` (e.g. '/kb'), waiting for `waitFor` when given. */
export async function signInAt(browser: Browser, url: string, username: string, path?: string, waitFor?: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', 'pw-123456');
  await page.click('button[type=submit]');
  await page.waitForSelector('input[name=password]', { state: 'detached' });
  if (path !== undefined) await page.goto(`${url}${path}`);
  if (waitFor !== undefined) await page.waitForSelector(waitFor);
  return page;
}
