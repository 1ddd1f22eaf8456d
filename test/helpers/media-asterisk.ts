/**
 * What Asterisk hears and sends on a call's externalMedia channel, for media tests: a snoop
 * channel records one direction into a WAV in the sandbox's spool, and wavEnergy() measures it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AsteriskSandbox } from '../../tools/asterisk-sandbox.js';

export async function ari<T = unknown>(a: AsteriskSandbox, method: string, p: string): Promise<T> {
  const res = await fetch(`${a.ari.url}/ari${p}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${a.ari.username}:${a.ari.password}`).toString('base64')}` },
  });
  if (res.status >= 400) throw new Error(`ARI ${method} ${p}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** Channels whose name says they are externalMedia (chan_rtp UnicastRTP) channels. */
export async function externalMediaChannels(a: AsteriskSandbox): Promise<{ id: string; name: string }[]> {
  const channels = await ari<{ id: string; name: string }[]>(a, 'GET', '/channels');
  return channels.filter((c) => c.name.startsWith('UnicastRTP/'));
}

/** Polls `done` every 50 ms until it holds; throws naming `what` after `ms` (Asterisk on a loaded 2-core CI machine can take seconds). */
async function awaitAsterisk(what: string, done: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Records one direction of `channelId` for `ms`: 'in' = what Asterisk receives from the channel
 * (for externalMedia: the agent's voice), 'out' = what Asterisk sends it (the caller's voice).
 * The snoop channel enters our Stasis app with the args the switchboard leaves alone.
 */
export async function recordDirection(a: AsteriskSandbox, channelId: string, spy: 'in' | 'out', ms: number): Promise<string> {
  const name = `media-test-${spy}-${Date.now()}`;
  const snoop = await ari<{ id: string }>(a, 'POST', `/channels/${channelId}/snoop?spy=${spy}&app=${a.ari.app}&appArgs=direct`);
  // The snoop channel enters Stasis a moment after it is created (409 until then).
  await awaitAsterisk(`snoop ${snoop.id} in Stasis to record`, () =>
    ari(a, 'POST', `/channels/${snoop.id}/record?name=${name}&format=wav&ifExists=overwrite`).then(
      () => true,
      (err: unknown) => {
        if (/ 409 /.test(String(err))) return false;
        throw err;
      },
    ),
  );
  // The record command is queued on the snoop channel's control thread: time the `ms` from when
  // it really records (a loaded machine can start it late; a stop before that cancels it).
  // Each wait has a deadline for a loaded CI machine and fails saying what it waited for (running
  // out of tries silently made the failure a misleading 'recorded 0 samples').
  await awaitAsterisk(
    `recording ${name} to start`,
    async () => (await ari<{ state: string }>(a, 'GET', `/recordings/live/${name}`).catch(() => undefined))?.state === 'recording',
  );
  await new Promise((r) => setTimeout(r, ms));
  await ari(a, 'POST', `/recordings/live/${name}/stop`).catch(() => undefined);
  // The stop is only a request: Asterisk's recording loop ends, closes the file and writes the
  // WAV header's sizes a moment later (CI once read a header still saying 0 bytes). The live
  // recording is gone once that is done.
  await awaitAsterisk(`recording ${name} to be closed`, () =>
    ari(a, 'GET', `/recordings/live/${name}`).then(
      () => false,
      (err) => / 404 /.test(String(err)),
    ),
  );
  await ari(a, 'DELETE', `/channels/${snoop.id}`).catch(() => undefined);
  return path.join(a.instDir, 'spool', 'recording', `${name}.wav`);
}

/** RMS of a 16-bit PCM WAV (0…32767) and its length in samples. */
export function wavEnergy(file: string): { rms: number; samples: number } {
  const buf = fs.readFileSync(file);
  let off = 12;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'data') {
      const end = Math.min(buf.length, off + 8 + size);
      let sum = 0;
      let n = 0;
      for (let i = off + 8; i + 1 < end; i += 2) {
        const v = buf.readInt16LE(i);
        sum += v * v;
        n++;
      }
      return { rms: n ? Math.sqrt(sum / n) : 0, samples: n };
    }
    off += 8 + size;
  }
  throw new Error(`${file}: no data chunk`);
}
