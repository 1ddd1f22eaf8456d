/**
 * The front door's last resort, over AMI: when ARI's HTTP requests fail (Asterisk's session
 * limit, sockets closed under a stalled event loop), a caller must not stay in our Stasis app in
 * silence. AMI is its own TCP connection, already logged in, so it usually still answers: it
 * lists the channels (CoreShowChannels), marks the caller for the agent legs (Setvar) and sends
 * it to the queue (Redirect).
 *
 * A Redirect of a channel in Stasis() works like ARI's continue: the async goto makes Stasis()
 * return (ARI sends StasisEnd) and the PBX goes on at the new location (verified against
 * Asterisk 22 in test/telephony/front-door-ari-failures.real.test.ts). We send the caller
 * straight to sunline-queue, not back to [from-trunk]'s fallback: that path records the caller
 * as queued without the server (AstDB sunline_outage) and plays the fallback greeting again.
 */
import type { AmiGateway } from './ami/index.js';

/** A channel as AMI lists it, and whether it waits at our front door (Stasis `<app>,inbound`). */
export interface AmiChannel {
  channelId: string;
  channelName: string;
  atFrontDoor: boolean;
}

/** Every channel Asterisk has now, by unique id (AMI CoreShowChannels). */
export async function amiChannels(ami: AmiGateway, app: string): Promise<Map<string, AmiChannel>> {
  const items = await ami.list('CoreShowChannels');
  const frontDoor = `${app},inbound`;
  const channels = new Map<string, AmiChannel>();
  for (const e of items) {
    const channelId = String(e['uniqueid'] ?? '');
    if (!channelId) continue;
    const data = String(e['applicationdata'] ?? '');
    const atFrontDoor = e['application'] === 'Stasis' && (data === frontDoor || data.startsWith(`${frontDoor},`));
    channels.set(channelId, { channelId, channelName: String(e['channel'] ?? ''), atFrontDoor });
  }
  return channels;
}

/**
 * Marks the caller for the agent legs as Switchboard.sendToQueue does ('__' = inherited by
 * app_queue's member channels) and redirects it to the queue's first priority.
 */
export async function redirectToQueue(ami: AmiGateway, ch: AmiChannel, o: { callId: string; priority: number; context: string; queue: string }): Promise<void> {
  await ami.action('Setvar', { Channel: ch.channelName, Variable: '__SUNLINE_CALL_ID', Value: o.callId });
  await ami.action('Setvar', { Channel: ch.channelName, Variable: '__SUNLINE_CALLER_CHANNEL', Value: ch.channelId });
  await ami.action('Setvar', { Channel: ch.channelName, Variable: 'QUEUE_PRIO', Value: String(o.priority) });
  await ami.action('Redirect', { Channel: ch.channelName, Context: o.context, Exten: o.queue, Priority: 1 });
}
