/**
 * Call recording in Asterisk (issue 13, docs/decisions/0012-call-recording.md): AMI MixMonitor
 * on the caller's channel. The recording runs inside Asterisk, attached to the channel: it goes
 * on while our server restarts and ends by itself when the caller hangs up.
 *
 * Option `D` writes the two directions interleaved as a 2-channel signed-linear 8 kHz stream
 * (file extension `.raw`, app_mixmonitor's rule): left what the channel sends us (the citizen),
 * right what it is sent (the agent, a three-way call's unit, music on hold). Sunline wraps it in
 * a WAV header when it moves the file into its storage (src/recordings/wav.ts).
 */
import type { AmiGateway } from './ami/index.js';
import type { AriClient } from './ari/index.js';
import { isTelephonyError } from './errors.js';

/** What the recorder needs of Asterisk (src/recordings/recorder.ts); a fake in unit tests. */
export interface RecordingTelephony {
  /** Starts recording the channel into `file` (relative to Asterisk's monitor folder). */
  start(channelId: string, file: string): Promise<void>;
  /** Stops the channel's recording; a channel already gone is not an error. */
  stop(channelId: string): Promise<void>;
  /** Whether the channel still exists (false only when Asterisk says it does not). */
  channelExists(channelId: string): Promise<boolean>;
}

export class MixMonitorControl implements RecordingTelephony {
  constructor(
    private readonly ari: AriClient,
    private readonly ami: AmiGateway,
  ) {}

  async start(channelId: string, file: string): Promise<void> {
    // AMI names channels, ARI ids them: one look-up for the name.
    const { name } = await this.ari.channels.get(channelId);
    await this.ami.action('MixMonitor', { Channel: name, File: file, Options: 'D' });
  }

  async stop(channelId: string): Promise<void> {
    let name: string;
    try {
      name = (await this.ari.channels.get(channelId)).name;
    } catch (err) {
      if (isTelephonyError(err) && (err.code === 'CHANNEL_GONE' || err.code === 'ARI_NOT_FOUND')) return;
      throw err;
    }
    try {
      await this.ami.action('StopMixMonitor', { Channel: name });
    } catch (err) {
      // Already stopped, or the channel hung up between the two requests.
      if (isTelephonyError(err) && err.code === 'AMI_ACTION_FAILED') return;
      throw err;
    }
  }

  async channelExists(channelId: string): Promise<boolean> {
    try {
      await this.ari.channels.get(channelId);
      return true;
    } catch (err) {
      if (isTelephonyError(err) && (err.code === 'CHANNEL_GONE' || err.code === 'ARI_NOT_FOUND')) return false;
      throw err;
    }
  }
}
