/**
 * The recorder (issue 13, docs/decisions/0012-call-recording.md): records every answered call
 * through Asterisk and moves each finished file into Sunline's storage.
 *
 * - A call answered (domain event `call.updated` answered) on a hotline config/recording.yaml
 *   records: a `recordings` row (state `recording`, the spool file named) is written first,
 *   then Asterisk starts MixMonitor on the caller's channel. An outbound call (外呼, domain event
 *   `call.outbound` answered) records the same way on the citizen's channel, linked to the order
 *   it was made for; its end stops it. A call resumed after our restart
 *   keeps the recording it has (one row per call while it is being written).
 * - The call ended: the recording is stopped (the caller may be going on to the survey).
 * - A sweep (at start, after each end, and every `sweepMs` while anything is pending) takes the
 *   rows being written whose call has ended, stops them again if this process has not (the
 *   call ended while we were away), and moves each file whose writing has stopped — unchanged
 *   for `quietMs` — into storage as a WAV: size, sha256, duration, storage key; the spool file
 *   is then deleted. So a recording still being written while our server restarts is picked up
 *   by the next process. A file that never appears is marked `failed` after `missingAfterMs`.
 *
 * The database is the recordings port's (decision 0017): the domain events' handlers do not
 * wait for it — they start `begin`/`end` and return, as before (then the statements ran
 * synchronously inside the emit; now they run after it), and a failure is logged. One call's
 * `end` waits for its `begin` still under way, so a call that ends while its row is being
 * written still has its recording stopped (else only the next sweep would find it).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { RecordingConfig } from '../config/files/schemas/recording.js';
import { recordsHotline } from '../config/files/schemas/recording.js';
import type { DomainEvents } from '../events/domain-events.js';
import type { CallUpdate, OutboundCallView } from '../contract/index.js';
import type { RecordingTelephony } from '../telephony/mixmonitor.js';
import type { RecordingRow, RecordingsRepository } from './repository.js';
import { recordingKey, type RecordingStorage } from './storage.js';
import { MIXMONITOR_STEREO, durationMs, wavHeader, wholeFrames } from './wav.js';
import { Readable } from 'node:stream';

export interface RecorderOptions {
  readonly repo: RecordingsRepository;
  /** null without telephony (SUNLINE_TELEPHONY=false): nothing is recorded. */
  readonly telephony: RecordingTelephony | null;
  readonly storage: RecordingStorage;
  /** Asterisk's monitor folder as this process sees it (SUNLINE_RECORDING_SPOOL_DIR). */
  readonly spoolDir: string;
  readonly config: () => RecordingConfig;
  readonly events: DomainEvents;
  /**
   * Resolves once the call path's writes queued so far are written (calls/call-writes.ts): the
   * answer's row (its agent) is queued before the event that starts the recording. None: nothing to wait for.
   */
  readonly settled?: () => Promise<unknown>;
  readonly log: Logger;
  readonly now?: () => number;
  readonly sweepMs?: number;
  readonly quietMs?: number;
  readonly missingAfterMs?: number;
}

export class Recorder {
  readonly #o: RecorderOptions;
  readonly #now: () => number;
  /** Recordings this process has asked Asterisk to stop. */
  readonly #stopped = new Set<string>();
  /** Calls whose recording is being started (an answer seen twice starts one), with the start's promise. */
  readonly #starting = new Map<string, Promise<RecordingRow | undefined>>();
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  #closed = false;
  readonly #onUpdate = (u: CallUpdate) => this.#follow(u.callId, u.state);
  /** An outbound call's citizen channel carries the conversation like an inbound caller's (outbound.ts). */
  readonly #onOutbound = (v: OutboundCallView) => this.#follow(v.callId, v.state);

  constructor(o: RecorderOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
  }

  start(): void {
    this.#o.events.on('call.updated', this.#onUpdate);
    this.#o.events.on('call.outbound', this.#onOutbound);
    this.#schedule(0);
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#o.events.off('call.updated', this.#onUpdate);
    this.#o.events.off('call.outbound', this.#onOutbound);
    clearTimeout(this.#timer);
    return this.#sweeping ?? Promise.resolve();
  }

  /** A domain event's handler: starts the work and returns at once (the emitter is the call path); a failure is logged. */
  #follow(callId: string, state: string): void {
    const work = state === 'answered' ? this.begin(callId) : state === 'ended' ? this.end(callId) : undefined;
    work?.catch((err: unknown) =>
      this.#o.log.error({ err, callId }, state === 'answered' ? 'recording could not start' : 'recording could not be stopped; the sweep retries'),
    );
  }

  /** Starts recording an answered call, unless its hotline is not recorded or it already is. */
  begin(callId: string): Promise<RecordingRow | undefined> {
    if (!this.#o.telephony || this.#starting.has(callId)) return Promise.resolve(undefined);
    // Marked before the first await: an answer seen twice meanwhile starts nothing.
    const started = this.#begin(callId, this.#o.telephony).finally(() => this.#starting.delete(callId));
    this.#starting.set(callId, started);
    return started;
  }

  async #begin(callId: string, telephony: RecordingTelephony): Promise<RecordingRow | undefined> {
    const { repo, log } = this.#o;
    // The call's row as the answer wrote it (its agent, who may play it back), not as it was before.
    await this.#o.settled?.();
    if (await repo.activeFor(callId)) return undefined;
    const call = await repo.callToRecord(callId);
    if (!call) return undefined;
    if (!recordsHotline(this.#o.config(), call.hotline)) {
      log.debug({ callId, hotline: call.hotline }, 'call not recorded (recording.yaml)');
      return undefined;
    }
    const id = randomUUID();
    const row = {
      id,
      callId,
      orderId: call.orderId,
      agentId: call.agentId,
      hotline: call.hotline,
      state: 'recording' as const,
      channelId: call.channelId,
      spoolFile: `sunline/${id}.raw`,
      channels: MIXMONITOR_STEREO.channels,
      startedAt: this.#now(),
    };
    // The row first (committed): if we die right after MixMonitor starts, the next process finds the file.
    await repo.insert(row);
    try {
      await telephony.start(call.channelId, row.spoolFile);
      log.info({ callId, recordingId: id }, 'recording started');
    } catch (err) {
      await repo.failed(id);
      log.warn({ err, callId, recordingId: id }, 'recording could not start');
    }
    return repo.get(id);
  }

  /** The call ended: stop its recording now and move it into storage once Asterisk lets go. */
  async end(callId: string): Promise<void> {
    // A start under way first (its failure is its own caller's to log).
    await this.#starting.get(callId)?.catch(() => undefined);
    const row = await this.#o.repo.activeFor(callId);
    if (!row) return;
    await this.#stop(row);
    this.#schedule(this.#o.quietMs ?? 2000);
  }

  async #stop(row: RecordingRow): Promise<void> {
    if (this.#stopped.has(row.id) || !this.#o.telephony) return;
    try {
      await this.#o.telephony.stop(row.channelId);
      this.#stopped.add(row.id);
    } catch (err) {
      // Asterisk unreachable: the next sweep asks again; the file stays where it is meanwhile.
      this.#o.log.warn({ err, recordingId: row.id }, 'recording could not be stopped');
    }
  }

  #schedule(ms: number): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.sweep(), ms);
    this.#timer.unref();
  }

  /** One pass over the pending recordings of ended calls; resolves when it is done. */
  sweep(): Promise<void> {
    this.#sweeping ??= this.#sweepOnce()
      .then(() => this.#o.repo.pendingOfEndedCalls())
      .then(
        (left) => left.length > 0,
        (err: unknown) => {
          // The database unreachable: try again later rather than leave the recordings behind.
          this.#o.log.error({ err }, 'recording sweep failed; retrying');
          return true;
        },
      )
      .then((again) => {
        this.#sweeping = undefined;
        if (again) this.#schedule(this.#o.sweepMs ?? 5000);
      });
    return this.#sweeping;
  }

  async #sweepOnce(): Promise<void> {
    for (const row of await this.#o.repo.pendingOfEndedCalls()) {
      if (this.#closed) return;
      try {
        await this.#settle(row);
      } catch (err) {
        this.#o.log.error({ err, recordingId: row.id }, 'recording could not be stored; retrying');
      }
    }
  }

  async #settle(row: RecordingRow & { callEndedAt: number | null }): Promise<void> {
    await this.#stop(row);
    const file = path.join(this.#o.spoolDir, row.spoolFile);
    const st = await fs.promises.stat(file).catch(() => null);
    const now = this.#now();
    if (!st) {
      if (now - (row.callEndedAt ?? row.startedAt) > (this.#o.missingAfterMs ?? 120_000)) {
        await this.#o.repo.failed(row.id);
        this.#o.log.warn({ recordingId: row.id, file }, 'recording file never appeared');
      }
      return;
    }
    if (Date.now() - st.mtimeMs < (this.#o.quietMs ?? 2000)) return; // still being written
    await this.#import(row, file, st.size);
  }

  async #import(row: RecordingRow, file: string, rawBytes: number): Promise<void> {
    const dataBytes = wholeFrames(rawBytes) * ((MIXMONITOR_STEREO.channels * MIXMONITOR_STEREO.bitsPerSample) / 8);
    const key = recordingKey(row.id, row.startedAt);
    const body = dataBytes > 0 ? Readable.from(wavStream(file, dataBytes)) : Readable.from([wavHeader(0)]);
    const put = await this.#o.storage.put(key, body);
    await this.#o.repo.stored(row.id, { storedAt: this.#now(), durationMs: durationMs(dataBytes), sizeBytes: put.size, sha256: put.sha256, storageKey: key });
    // Stored: a spool file we may not delete (Asterisk's folder rights) is only left behind.
    await fs.promises.rm(file, { force: true }).catch((err: unknown) => this.#o.log.warn({ err, file }, 'spool file not removed'));
    this.#stopped.delete(row.id);
    this.#o.log.info({ callId: row.callId, recordingId: row.id, bytes: put.size }, 'recording stored');
  }
}

async function* wavStream(file: string, dataBytes: number): AsyncGenerator<Buffer> {
  yield wavHeader(dataBytes);
  for await (const chunk of fs.createReadStream(file, { start: 0, end: dataBytes - 1 })) yield chunk as Buffer;
}
