/**
 * A slow answer on demand, for the browser tests of "an older request finishing last": the page's
 * requests matching `match` wait until `release()`, which lets them go and resolves once the
 * (first) answer has reached the page, then stops holding.
 */
import type { Page } from 'playwright-core';

export async function holdRequests(page: Page, match: (url: URL) => boolean): Promise<{ release(): Promise<void> }> {
  let letGo!: () => void;
  const held = new Promise<void>((r) => (letGo = r));
  await page.route(match, async (route) => {
    await held;
    await route.continue();
  });
  return {
    async release() {
      const answered = page.waitForResponse((r) => match(new URL(r.url())));
      letGo();
      await answered;
      await page.unroute(match);
    },
  };
}

/** A response predicate from a URL one: for waitForResponse. */
export const answerTo = (match: (url: URL) => boolean) => (r: { url(): string }) => match(new URL(r.url()));
