/**
 * Typed helpers for the ARI operations the call path uses. Each is a one-liner over
 * {@link AriRest.call}, so parameter names and types stay those of the generated swagger types;
 * the id of the resource is positional, the rest an options object.
 */
import { isTelephonyError } from '../errors.js';
import type { AriRest, AriParams } from './rest.js';
import type { AsteriskInfo, AsteriskPing, Application, Bridge, Channel, DeviceState, LiveRecording, Playback } from './generated/ari-types.js';

type Opts<K extends Parameters<AriRest['call']>[0], Fixed extends string> = Omit<AriParams<K>, Fixed>;
type DeviceStateValue = AriParams<'deviceStates.update'>['deviceState'];

/** `/channels`: call legs. A 404 rejects with `CHANNEL_GONE`. */
export class ChannelsApi {
  constructor(private readonly rest: AriRest) {}
  list(): Promise<Channel[]> {
    return this.rest.call('channels.list');
  }
  get(channelId: string): Promise<Channel> {
    return this.rest.call('channels.get', { channelId });
  }
  /** Create a channel and dial it; `variables` go into the JSON body. */
  originate(opts: AriParams<'channels.originate'>): Promise<Channel> {
    return this.rest.call('channels.originate', opts);
  }
  answer(channelId: string): Promise<void> {
    return this.rest.call('channels.answer', { channelId });
  }
  hangup(channelId: string, opts: Opts<'channels.hangup', 'channelId'> = {}): Promise<void> {
    return this.rest.call('channels.hangup', { channelId, ...opts });
  }
  /** Leave Stasis and continue in the dialplan (e.g. into the 12345 queue). */
  continueInDialplan(channelId: string, opts: Opts<'channels.continueInDialplan', 'channelId'> = {}): Promise<void> {
    return this.rest.call('channels.continueInDialplan', { channelId, ...opts });
  }
  /** Move the channel to another Stasis application. */
  move(channelId: string, app: string, appArgs?: string): Promise<void> {
    return this.rest.call('channels.move', { channelId, app, ...(appArgs === undefined ? {} : { appArgs }) });
  }
  /** Transfer to another endpoint (SIP REFER/302 where the channel driver supports it). */
  redirect(channelId: string, endpoint: string): Promise<void> {
    return this.rest.call('channels.redirect', { channelId, endpoint });
  }
  ring(channelId: string): Promise<void> {
    return this.rest.call('channels.ring', { channelId });
  }
  ringStop(channelId: string): Promise<void> {
    return this.rest.call('channels.ringStop', { channelId });
  }
  mute(channelId: string, direction?: AriParams<'channels.mute'>['direction']): Promise<void> {
    return this.rest.call('channels.mute', { channelId, ...(direction ? { direction } : {}) });
  }
  unmute(channelId: string, direction?: AriParams<'channels.unmute'>['direction']): Promise<void> {
    return this.rest.call('channels.unmute', { channelId, ...(direction ? { direction } : {}) });
  }
  hold(channelId: string): Promise<void> {
    return this.rest.call('channels.hold', { channelId });
  }
  unhold(channelId: string): Promise<void> {
    return this.rest.call('channels.unhold', { channelId });
  }
  startMoh(channelId: string, mohClass?: string): Promise<void> {
    return this.rest.call('channels.startMoh', { channelId, ...(mohClass ? { mohClass } : {}) });
  }
  stopMoh(channelId: string): Promise<void> {
    return this.rest.call('channels.stopMoh', { channelId });
  }
  sendDTMF(channelId: string, dtmf: string, opts: Opts<'channels.sendDTMF', 'channelId' | 'dtmf'> = {}): Promise<void> {
    return this.rest.call('channels.sendDTMF', { channelId, dtmf, ...opts });
  }
  /** Play `sound:…`, `tone:…`, `digits:…` etc.; a list plays in order. */
  play(channelId: string, media: string | string[], opts: Opts<'channels.play', 'channelId' | 'media'> = {}): Promise<Playback> {
    return this.rest.call('channels.play', { channelId, media, ...opts });
  }
  record(channelId: string, opts: Opts<'channels.record', 'channelId'>): Promise<LiveRecording> {
    return this.rest.call('channels.record', { channelId, ...opts });
  }
  setChannelVar(channelId: string, variable: string, value: string): Promise<void> {
    return this.rest.call('channels.setChannelVar', { channelId, variable, value });
  }
  /**
   * Read a channel variable; `undefined` when it is not set. Asterisk answers an unset variable
   * with 404 "Provided variable was not found" — the same status as a missing channel — so the
   * detail text tells the two apart (res/ari/resource_channels.c, ast_ari_channels_get_channel_var).
   */
  async getChannelVar(channelId: string, variable: string): Promise<string | undefined> {
    try {
      return (await this.rest.call('channels.getChannelVar', { channelId, variable })).value;
    } catch (e) {
      if (isTelephonyError(e, 'CHANNEL_GONE') && /variable/i.test(e.detail ?? '')) return undefined;
      throw e;
    }
  }
  /** Create a snooping channel (spy/whisper) that enters `app` — supervisor listen-in. */
  snoop(channelId: string, opts: Opts<'channels.snoopChannel', 'channelId'>): Promise<Channel> {
    return this.rest.call('channels.snoopChannel', { channelId, ...opts });
  }
  /** RTP to/from `external_host` (our media bridge); `format` e.g. `ulaw`. */
  externalMedia(opts: AriParams<'channels.externalMedia'>): Promise<Channel> {
    return this.rest.call('channels.externalMedia', opts);
  }
  dial(channelId: string, opts: Opts<'channels.dial', 'channelId'> = {}): Promise<void> {
    return this.rest.call('channels.dial', { channelId, ...opts });
  }
}

/** `/bridges`: mixing bridges joining caller, agent and media legs. */
export class BridgesApi {
  constructor(private readonly rest: AriRest) {}
  list(): Promise<Bridge[]> {
    return this.rest.call('bridges.list');
  }
  get(bridgeId: string): Promise<Bridge> {
    return this.rest.call('bridges.get', { bridgeId });
  }
  /** `type` is a comma list, e.g. `mixing` or `mixing,dtmf_events`. */
  create(opts: AriParams<'bridges.create'> = {}): Promise<Bridge> {
    return this.rest.call('bridges.create', opts);
  }
  addChannel(bridgeId: string, channel: string | string[], opts: Opts<'bridges.addChannel', 'bridgeId' | 'channel'> = {}): Promise<void> {
    return this.rest.call('bridges.addChannel', { bridgeId, channel, ...opts });
  }
  removeChannel(bridgeId: string, channel: string | string[]): Promise<void> {
    return this.rest.call('bridges.removeChannel', { bridgeId, channel });
  }
  destroy(bridgeId: string): Promise<void> {
    return this.rest.call('bridges.destroy', { bridgeId });
  }
  play(bridgeId: string, media: string | string[], opts: Opts<'bridges.play', 'bridgeId' | 'media'> = {}): Promise<Playback> {
    return this.rest.call('bridges.play', { bridgeId, media, ...opts });
  }
  startMoh(bridgeId: string, mohClass?: string): Promise<void> {
    return this.rest.call('bridges.startMoh', { bridgeId, ...(mohClass ? { mohClass } : {}) });
  }
  stopMoh(bridgeId: string): Promise<void> {
    return this.rest.call('bridges.stopMoh', { bridgeId });
  }
}

/** `/playbacks`. */
export class PlaybacksApi {
  constructor(private readonly rest: AriRest) {}
  get(playbackId: string): Promise<Playback> {
    return this.rest.call('playbacks.get', { playbackId });
  }
  stop(playbackId: string): Promise<void> {
    return this.rest.call('playbacks.stop', { playbackId });
  }
  control(playbackId: string, operation: AriParams<'playbacks.control'>['operation']): Promise<void> {
    return this.rest.call('playbacks.control', { playbackId, operation });
  }
}

/**
 * `/deviceStates`: the agents' queue state interfaces. ARI may only change devices named
 * `Stasis:<name>` (others → 409 "Uncontrolled device specified" = `ARI_CONFLICT`); app_queue
 * watches them as `StateInterface=Stasis:<name>`. Reading a never-set one gives `UNKNOWN`, not 404.
 */
export class DeviceStatesApi {
  constructor(private readonly rest: AriRest) {}
  list(): Promise<DeviceState[]> {
    return this.rest.call('deviceStates.list');
  }
  get(deviceName: string): Promise<DeviceState> {
    return this.rest.call('deviceStates.get', { deviceName });
  }
  update(deviceName: string, deviceState: DeviceStateValue): Promise<void> {
    return this.rest.call('deviceStates.update', { deviceName, deviceState });
  }
  delete(deviceName: string): Promise<void> {
    return this.rest.call('deviceStates.delete', { deviceName });
  }
}

/** `/applications`: our Stasis app and its event subscriptions. */
export class ApplicationsApi {
  constructor(private readonly rest: AriRest) {}
  list(): Promise<Application[]> {
    return this.rest.call('applications.list');
  }
  get(applicationName: string): Promise<Application> {
    return this.rest.call('applications.get', { applicationName });
  }
  /** `eventSource`: `channel:<id>`, `bridge:<id>`, `endpoint:<tech>[/<res>]`, `deviceState:<name>`. */
  subscribe(applicationName: string, eventSource: string | string[]): Promise<Application> {
    return this.rest.call('applications.subscribe', { applicationName, eventSource });
  }
  unsubscribe(applicationName: string, eventSource: string | string[]): Promise<Application> {
    return this.rest.call('applications.unsubscribe', { applicationName, eventSource });
  }
}

/** `/asterisk`: system info and liveness. */
export class AsteriskApi {
  constructor(private readonly rest: AriRest) {}
  info(only?: AriParams<'asterisk.getInfo'>['only']): Promise<AsteriskInfo> {
    return this.rest.call('asterisk.getInfo', only ? { only } : {});
  }
  ping(): Promise<AsteriskPing> {
    return this.rest.call('asterisk.ping');
  }
  getGlobalVar(variable: string): Promise<string> {
    return this.rest.call('asterisk.getGlobalVar', { variable }).then((v) => v.value);
  }
  setGlobalVar(variable: string, value: string): Promise<void> {
    return this.rest.call('asterisk.setGlobalVar', { variable, value });
  }
}
