/**
 * The console's softphone as a browser test sees it: `window.__sunlineMedia.stats()` (packet and
 * energy figures, the selected ICE path; nothing secret) and answering a ringing call until its
 * audio is heard.
 */
import type { Page } from 'playwright-core';
import { until } from './call-path.js';

export interface AudioStats {
  packets: number;
  bytes: number;
  totalAudioEnergy: number;
  audioLevel: number;
}
export interface IcePath {
  localType: string;
  remoteType: string;
  protocol: string;
  relayProtocol?: string;
}
export type MediaStats = {
  state: string;
  inbound: AudioStats | null;
  outbound: AudioStats | null;
  paths: { send: IcePath | null; recv: IcePath | null };
} | null;

export const mediaStats = (page: Page) => page.evaluate('window.__sunlineMedia ? window.__sunlineMedia.stats() : null') as Promise<MediaStats>;

/** Inbound audio energy over `ms` (the caller is heard right now when it grows). */
export async function hearing(page: Page, ms = 1000): Promise<{ before: number; after: number }> {
  const before = (await mediaStats(page))?.inbound?.totalAudioEnergy ?? 0;
  await new Promise((r) => setTimeout(r, ms));
  return { before, after: (await mediaStats(page))?.inbound?.totalAudioEnergy ?? 0 };
}

/**
 * Clicks 接听 on the ringing call and waits until the browser receives audio with energy;
 * returns the first such inbound figures and the stats a second later (to show it keeps coming).
 */
export async function answerAndHear(page: Page): Promise<{ first: AudioStats; later: MediaStats }> {
  await page.getByTestId('answer').waitFor({ timeout: 20_000 });
  await page.getByTestId('answer').click();
  await page.locator('[data-testid=agent-state][data-state=on_call]').waitFor();
  await page.locator('[data-testid=softphone][data-in-call=yes]').waitFor({ timeout: 10_000 });
  const first = await until('inbound audio energy', async () => {
    const s = await mediaStats(page);
    return s?.inbound && s.inbound.totalAudioEnergy > 0 ? s.inbound : undefined;
  });
  await new Promise((r) => setTimeout(r, 1000));
  return { first, later: await mediaStats(page) };
}
