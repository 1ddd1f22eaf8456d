/* eslint-disable */
// GENERATED FILE: do not edit by hand.
// Source: Asterisk ARI swagger (rest-api/*.json), ARI apiVersion 10.0.0.
// Regenerate: npx tsx scripts/gen-ari-types.ts [/path/to/asterisk/rest-api]
// (default path: the Asterisk 22 chroot made by scripts/asterisk/provision.sh).

/** ARI version these types were generated from. */
export const ARI_API_VERSION = '10.0.0';

// ---------------------------------------------------------------- models

/** Details of a Stasis application */
export interface Application {
  /** Name of this application */
  name: string;
  /** Id's for channels subscribed to. */
  channel_ids: string[];
  /** Id's for bridges subscribed to. */
  bridge_ids: string[];
  /** {tech}/{resource} for endpoints subscribed to. */
  endpoint_ids: string[];
  /** Names of the devices subscribed to. */
  device_names: string[];
  /** Event types sent to the application. */
  events_allowed: Record<string, unknown>[];
  /** Event types not sent to the application. */
  events_disallowed: Record<string, unknown>[];
}

/** Info about how Asterisk was built */
export interface BuildInfo {
  /** OS Asterisk was built on. */
  os: string;
  /** Kernel version Asterisk was built on. */
  kernel: string;
  /** Compile time options, or empty string if default. */
  options: string;
  /** Machine architecture (x86_64, i686, ppc, etc.) */
  machine: string;
  /** Date and time when Asterisk was built. */
  date: string;
  /** Username that build Asterisk */
  user: string;
}

/** Info about Asterisk */
export interface SystemInfo {
  /** Asterisk version. */
  version: string;
  entity_id: string;
}

/** Effective user/group id */
export interface SetId {
  /** Effective user id. */
  user: string;
  /** Effective group id. */
  group: string;
}

/** Info about Asterisk configuration */
export interface ConfigInfo {
  /** Asterisk system name. */
  name: string;
  /** Default language for media playback. */
  default_language: string;
  /** Maximum number of simultaneous channels. */
  max_channels?: number;
  /** Maximum number of open file handles (files, sockets). */
  max_open_files?: number;
  /** Maximum load avg on system. */
  max_load?: number;
  /** Effective user/group id for running Asterisk. */
  setid: SetId;
}

/** Info about Asterisk status */
export interface StatusInfo {
  /** Time when Asterisk was started. */
  startup_time: string;
  /** Time when Asterisk was last reloaded. */
  last_reload_time: string;
}

/** Asterisk system information */
export interface AsteriskInfo {
  /** Info about how Asterisk was built */
  build?: BuildInfo;
  /** Info about the system running Asterisk */
  system?: SystemInfo;
  /** Info about Asterisk configuration */
  config?: ConfigInfo;
  /** Info about Asterisk status */
  status?: StatusInfo;
}

/** Asterisk ping information */
export interface AsteriskPing {
  /** Asterisk id info */
  asterisk_id: string;
  /** Always string value is pong */
  ping: string;
  /** The timestamp string of request received time */
  timestamp: string;
}

/** Details of an Asterisk module */
export interface Module {
  /** The name of this module */
  name: string;
  /** The description of this module */
  description: string;
  /** The number of times this module is being used */
  use_count: number;
  /** The running status of this module */
  status: string;
  /** The support state of this module */
  support_level: string;
}

/** Details of an Asterisk log channel */
export interface LogChannel {
  /** The log channel path */
  channel: string;
  /** Types of logs for the log channel */
  type: string;
  /** Whether or not a log type is enabled */
  status: string;
  /** The various log levels */
  configuration: string;
}

/** The value of a channel variable */
export interface Variable {
  /** The value of the variable requested */
  value: string;
}

/** A dictionary of channel variables */
export interface Variables {
  /** A dictionary of channel variables */
  variables: Record<string, unknown>;
}

/** A key/value pair that makes up part of a configuration object. */
export interface ConfigTuple {
  /** A configuration object attribute. */
  attribute: string;
  /** The value for the attribute. */
  value: string;
}

/**
 * The merging of media from one or more channels.
 *
 * Everyone on the bridge receives the same audio.
 */
export interface Bridge {
  /** Unique identifier for this bridge */
  id: string;
  /** Name of the current bridging technology */
  technology: string;
  /** Type of bridge technology */
  bridge_type: 'mixing' | 'holding';
  /** Bridging class */
  bridge_class: string;
  /** Entity that created the bridge */
  creator: string;
  /** Name the creator gave the bridge */
  name: string;
  /** Ids of channels participating in this bridge */
  channels: string[];
  /** The video mode the bridge is using. One of 'none', 'talker', 'sfu', or 'single'. */
  video_mode?: string;
  /** The ID of the channel that is the source of video in this bridge, if one exists. */
  video_source_id?: string;
  /** Timestamp when bridge was created */
  creationtime: string;
  /** Bridge variables */
  bridgevars?: Record<string, unknown>;
}

/** Dialed channel information. */
export interface Dialed {
}

/** Dialplan location (context/extension/priority) */
export interface DialplanCEP {
  /** Context in the dialplan */
  context: string;
  /** Extension in the dialplan */
  exten: string;
  /** Priority in the dialplan */
  priority: number;
  /** Name of current dialplan application */
  app_name: string;
  /** Parameter of current dialplan application */
  app_data: string;
}

/** Caller identification */
export interface CallerID {
  name: string;
  number: string;
}

/** A statistics of a RTP. */
export interface RTPstat {
  /** Number of packets transmitted. */
  txcount: number;
  /** Number of packets received. */
  rxcount: number;
  /** Jitter on transmitted packets. */
  txjitter?: number;
  /** Jitter on received packets. */
  rxjitter?: number;
  /** Maximum jitter on remote side. */
  remote_maxjitter?: number;
  /** Minimum jitter on remote side. */
  remote_minjitter?: number;
  /** Average jitter on remote side. */
  remote_normdevjitter?: number;
  /** Standard deviation jitter on remote side. */
  remote_stdevjitter?: number;
  /** Maximum jitter on local side. */
  local_maxjitter?: number;
  /** Minimum jitter on local side. */
  local_minjitter?: number;
  /** Average jitter on local side. */
  local_normdevjitter?: number;
  /** Standard deviation jitter on local side. */
  local_stdevjitter?: number;
  /** Number of transmitted packets lost. */
  txploss: number;
  /** Number of received packets lost. */
  rxploss: number;
  /** Maximum number of packets lost on remote side. */
  remote_maxrxploss?: number;
  /** Minimum number of packets lost on remote side. */
  remote_minrxploss?: number;
  /** Average number of packets lost on remote side. */
  remote_normdevrxploss?: number;
  /** Standard deviation packets lost on remote side. */
  remote_stdevrxploss?: number;
  /** Maximum number of packets lost on local side. */
  local_maxrxploss?: number;
  /** Minimum number of packets lost on local side. */
  local_minrxploss?: number;
  /** Average number of packets lost on local side. */
  local_normdevrxploss?: number;
  /** Standard deviation packets lost on local side. */
  local_stdevrxploss?: number;
  /** Total round trip time. */
  rtt?: number;
  /** Maximum round trip time. */
  maxrtt?: number;
  /** Minimum round trip time. */
  minrtt?: number;
  /** Average round trip time. */
  normdevrtt?: number;
  /** Standard deviation round trip time. */
  stdevrtt?: number;
  /** Our SSRC. */
  local_ssrc: number;
  /** Their SSRC. */
  remote_ssrc: number;
  /** Number of octets transmitted. */
  txoctetcount: number;
  /** Number of octets received. */
  rxoctetcount: number;
  /** The Asterisk channel's unique ID that owns this instance. */
  channel_uniqueid: string;
}

/** A specific communication connection between Asterisk and an Endpoint. */
export interface Channel {
  /**
   * Unique identifier of the channel.
   *
   * This is the same as the Uniqueid field in AMI.
   */
  id: string;
  /** Protocol id from underlying channel driver (i.e. Call-ID for chan_pjsip; will be empty if not applicable or not implemented by driver). */
  protocol_id: string;
  /** Name of the channel (i.e. SIP/foo-0000a7e3) */
  name: string;
  state: 'Down' | 'Rsrved' | 'OffHook' | 'Dialing' | 'Ring' | 'Ringing' | 'Up' | 'Busy' | 'Dialing Offhook' | 'Pre-ring' | 'Unknown';
  caller: CallerID;
  connected: CallerID;
  accountcode: string;
  /** Current location in the dialplan */
  dialplan: DialplanCEP;
  /** Timestamp when channel was created */
  creationtime: string;
  /** The default spoken language */
  language: string;
  /** Channel variables */
  channelvars?: Record<string, string>;
  /** The Caller ID RDNIS */
  caller_rdnis?: string;
  /** The Tenant ID for the channel */
  tenantid?: string;
}

/** Represents the state of a device. */
export interface DeviceState {
  /** Name of the device. */
  name: string;
  /** Device's state */
  state: 'UNKNOWN' | 'NOT_INUSE' | 'INUSE' | 'BUSY' | 'INVALID' | 'UNAVAILABLE' | 'RINGING' | 'RINGINUSE' | 'ONHOLD';
}

/**
 * An external device that may offer/accept calls to/from Asterisk.
 *
 * Unlike most resources, which have a single unique identifier, an endpoint is uniquely identified by the technology/resource pair.
 */
export interface Endpoint {
  /** Technology of the endpoint */
  technology: string;
  /** Identifier of the endpoint, specific to the given technology. */
  resource: string;
  /** Endpoint's state */
  state?: 'unknown' | 'offline' | 'online';
  /** Id's of channels associated with this endpoint */
  channel_ids: string[];
}

/** A text message. */
export interface TextMessage {
  /** A technology specific URI specifying the source of the message. For pjsip technology, any SIP URI can be specified. For xmpp, the URI must correspond to the client connection being used to send the message. */
  from: string;
  /** A technology specific URI specifying the destination of the message. Valid technologies include pjsip, and xmp. The destination of a message should be an endpoint. */
  to: string;
  /** The text of the message. */
  body: string;
  /** Technology specific key/value pairs (JSON object) associated with the message. */
  variables?: Record<string, unknown>;
}

/** Base type for errors and events */
export interface Message {
  /** Indicates the type of this message. */
  type: string;
  /** The unique ID for the Asterisk instance that raised this event. */
  asterisk_id?: string;
}

/** Error event sent when required params are missing. */
export interface MissingParams extends Message {
  type: 'MissingParams';
  /** A list of the missing parameters */
  params: string[];
}

/** Base type for asynchronous events from Asterisk. */
export interface Event extends Message {
  /** Name of the application receiving the event. */
  application: string;
  /** Time at which this event was created. */
  timestamp: string;
}

/** Detailed information about a contact on an endpoint. */
export interface ContactInfo {
  /** The location of the contact. */
  uri: string;
  /** The current status of the contact. */
  contact_status: 'Unreachable' | 'Reachable' | 'Unknown' | 'NonQualified' | 'Removed';
  /** The Address of Record this contact belongs to. */
  aor: string;
  /** Current round trip time, in microseconds, for the contact. */
  roundtrip_usec?: string;
}

/** Detailed information about a remote peer that communicates with Asterisk. */
export interface Peer {
  /** The current state of the peer. Note that the values of the status are dependent on the underlying peer technology. */
  peer_status: string;
  /** An optional reason associated with the change in peer_status. */
  cause?: string;
  /** The IP address of the peer. */
  address?: string;
  /** The port of the peer. */
  port?: string;
  /** The last known time the peer was contacted. */
  time?: string;
}

/** Notification that a device state has changed. */
export interface DeviceStateChanged extends Event {
  type: 'DeviceStateChanged';
  /** Device state object */
  device_state: DeviceState;
}

/** Event showing the start of a media playback operation. */
export interface PlaybackStarted extends Event {
  type: 'PlaybackStarted';
  /** Playback control object */
  playback: Playback;
}

/** Event showing the continuation of a media playback operation from one media URI to the next in the list. */
export interface PlaybackContinuing extends Event {
  type: 'PlaybackContinuing';
  /** Playback control object */
  playback: Playback;
}

/** Event showing the completion of a media playback operation. */
export interface PlaybackFinished extends Event {
  type: 'PlaybackFinished';
  /** Playback control object */
  playback: Playback;
}

/** Event showing the start of a recording operation. */
export interface RecordingStarted extends Event {
  type: 'RecordingStarted';
  /** Recording control object */
  recording: LiveRecording;
}

/** Event showing the completion of a recording operation. */
export interface RecordingFinished extends Event {
  type: 'RecordingFinished';
  /** Recording control object */
  recording: LiveRecording;
}

/** Event showing failure of a recording operation. */
export interface RecordingFailed extends Event {
  type: 'RecordingFailed';
  /** Recording control object */
  recording: LiveRecording;
}

/** Notification that trying to move a channel to another Stasis application failed. */
export interface ApplicationMoveFailed extends Event {
  type: 'ApplicationMoveFailed';
  channel: Channel;
  destination: string;
  /** Arguments to the application */
  args: string[];
}

/** Notification that a Stasis app has been registered. */
export interface ApplicationRegistered extends Event {
  type: 'ApplicationRegistered';
}

/** Notification that a Stasis app has been unregistered. */
export interface ApplicationUnregistered extends Event {
  type: 'ApplicationUnregistered';
}

/**
 * Notification that another WebSocket has taken over for an application.
 *
 * An application may only be subscribed to by a single WebSocket at a time. If multiple WebSockets attempt to subscribe to the same application, the newer WebSocket wins, and the older one receives this event.
 */
export interface ApplicationReplaced extends Event {
  type: 'ApplicationReplaced';
}

/** Notification that a bridge has been created. */
export interface BridgeCreated extends Event {
  type: 'BridgeCreated';
  bridge: Bridge;
}

/** Notification that a bridge has been destroyed. */
export interface BridgeDestroyed extends Event {
  type: 'BridgeDestroyed';
  bridge: Bridge;
}

/** Notification that one bridge has merged into another. */
export interface BridgeMerged extends Event {
  type: 'BridgeMerged';
  bridge: Bridge;
  bridge_from: Bridge;
}

/** Notification that the source of video in a bridge has changed. */
export interface BridgeVideoSourceChanged extends Event {
  type: 'BridgeVideoSourceChanged';
  bridge: Bridge;
  old_video_source_id?: string;
}

/** Notification that a blind transfer has occurred. */
export interface BridgeBlindTransfer extends Event {
  type: 'BridgeBlindTransfer';
  /** The channel performing the blind transfer */
  channel: Channel;
  /** The channel that is replacing transferer when the transferee(s) can not be transferred directly */
  replace_channel?: Channel;
  /** The channel that is being transferred */
  transferee?: Channel;
  /** The extension transferred to */
  exten: string;
  /** The context transferred to */
  context: string;
  /** The result of the transfer attempt */
  result: string;
  /** Whether the transfer was externally initiated or not */
  is_external: boolean;
  /** The bridge being transferred */
  bridge?: Bridge;
}

/** Notification that an attended transfer has occurred. */
export interface BridgeAttendedTransfer extends Event {
  type: 'BridgeAttendedTransfer';
  /** First leg of the transferer */
  transferer_first_leg: Channel;
  /** Second leg of the transferer */
  transferer_second_leg: Channel;
  /** The channel that is replacing transferer_first_leg in the swap */
  replace_channel?: Channel;
  /** The channel that is being transferred */
  transferee?: Channel;
  /** The channel that is being transferred to */
  transfer_target?: Channel;
  /** The result of the transfer attempt */
  result: string;
  /** Whether the transfer was externally initiated or not */
  is_external: boolean;
  /** Bridge the transferer first leg is in */
  transferer_first_leg_bridge?: Bridge;
  /** Bridge the transferer second leg is in */
  transferer_second_leg_bridge?: Bridge;
  /** How the transfer was accomplished */
  destination_type: string;
  /** Bridge that survived the merge result */
  destination_bridge?: string;
  /** Application that has been transferred into */
  destination_application?: string;
  /** First leg of a link transfer result */
  destination_link_first_leg?: Channel;
  /** Second leg of a link transfer result */
  destination_link_second_leg?: Channel;
  /** Transferer channel that survived the threeway result */
  destination_threeway_channel?: Channel;
  /** Bridge that survived the threeway result */
  destination_threeway_bridge?: Bridge;
}

/** Notification that a channel has been created. */
export interface ChannelCreated extends Event {
  type: 'ChannelCreated';
  channel: Channel;
}

/** Notification that a channel has been destroyed. */
export interface ChannelDestroyed extends Event {
  type: 'ChannelDestroyed';
  /** Integer representation of the cause of the hangup */
  cause: number;
  /** Text representation of the cause of the hangup */
  cause_txt: string;
  /** Integer representation of the technology-specific off-nominal cause of the hangup. */
  tech_cause?: number;
  channel: Channel;
}

/** Notification that a channel has entered a bridge. */
export interface ChannelEnteredBridge extends Event {
  type: 'ChannelEnteredBridge';
  bridge: Bridge;
  channel?: Channel;
}

/** Notification that a channel has left a bridge. */
export interface ChannelLeftBridge extends Event {
  type: 'ChannelLeftBridge';
  bridge: Bridge;
  channel: Channel;
}

/** Notification of a channel's state change. */
export interface ChannelStateChange extends Event {
  type: 'ChannelStateChange';
  channel: Channel;
}

/**
 * DTMF received on a channel.
 *
 * This event is sent when the DTMF ends. There is no notification about the start of DTMF
 */
export interface ChannelDtmfReceived extends Event {
  type: 'ChannelDtmfReceived';
  /** DTMF digit received (0-9, A-E, # or *) */
  digit: string;
  /** Number of milliseconds DTMF was received */
  duration_ms: number;
  /** The channel on which DTMF was received */
  channel: Channel;
}

/** Channel changed location in the dialplan. */
export interface ChannelDialplan extends Event {
  type: 'ChannelDialplan';
  /** The channel that changed dialplan location. */
  channel: Channel;
  /** The application about to be executed. */
  dialplan_app: string;
  /** The data to be passed to the application. */
  dialplan_app_data: string;
}

/** Channel changed Caller ID. */
export interface ChannelCallerId extends Event {
  type: 'ChannelCallerId';
  /** The integer representation of the Caller Presentation value. */
  caller_presentation: number;
  /** The text representation of the Caller Presentation value. */
  caller_presentation_txt: string;
  /** The channel that changed Caller ID. */
  channel: Channel;
}

/** User-generated event with additional user-defined fields in the object. */
export interface ChannelUserevent extends Event {
  type: 'ChannelUserevent';
  /** The name of the user event. */
  eventname: string;
  /** A channel that is signaled with the user event. */
  channel?: Channel;
  /** A bridge that is signaled with the user event. */
  bridge?: Bridge;
  /** A endpoint that is signaled with the user event. */
  endpoint?: Endpoint;
  /** Custom Userevent data */
  userevent: Record<string, unknown>;
}

/** A hangup was requested on the channel. */
export interface ChannelHangupRequest extends Event {
  type: 'ChannelHangupRequest';
  /** Integer representation of the cause of the hangup. */
  cause?: number;
  /** Integer representation of the technology-specific off-nominal cause of the hangup. */
  tech_cause?: number;
  /** Whether the hangup request was a soft hangup request. */
  soft?: boolean;
  /** The channel on which the hangup was requested. */
  channel: Channel;
}

/** Channel variable changed. */
export interface ChannelVarset extends Event {
  type: 'ChannelVarset';
  /** The variable that changed. */
  variable: string;
  /** The new value of the variable. */
  value: string;
  /**
   * The channel on which the variable was set.
   *
   * If missing, the variable is a global variable.
   */
  channel?: Channel;
}

/** A channel initiated a media hold. */
export interface ChannelHold extends Event {
  type: 'ChannelHold';
  /** The channel that initiated the hold event. */
  channel: Channel;
  /** The music on hold class that the initiator requested. */
  musicclass?: string;
}

/** A channel initiated a media unhold. */
export interface ChannelUnhold extends Event {
  type: 'ChannelUnhold';
  /** The channel that initiated the unhold event. */
  channel: Channel;
}

/** Tone was detected on the channel. */
export interface ChannelToneDetected extends Event {
  type: 'ChannelToneDetected';
  /** The channel the tone was detected on. */
  channel: Channel;
}

/** Talking was detected on the channel. */
export interface ChannelTalkingStarted extends Event {
  type: 'ChannelTalkingStarted';
  /** The channel on which talking started. */
  channel: Channel;
}

/** Talking is no longer detected on the channel. */
export interface ChannelTalkingFinished extends Event {
  type: 'ChannelTalkingFinished';
  /** The channel on which talking completed. */
  channel: Channel;
  /** The length of time, in milliseconds, that talking was detected on the channel */
  duration: number;
}

/** The state of a contact on an endpoint has changed. */
export interface ContactStatusChange extends Event {
  type: 'ContactStatusChange';
  endpoint: Endpoint;
  contact_info: ContactInfo;
}

/** The state of a peer associated with an endpoint has changed. */
export interface PeerStatusChange extends Event {
  type: 'PeerStatusChange';
  endpoint: Endpoint;
  peer: Peer;
}

/** Endpoint state changed. */
export interface EndpointStateChange extends Event {
  type: 'EndpointStateChange';
  endpoint: Endpoint;
}

/** Dialing state has changed. */
export interface Dial extends Event {
  type: 'Dial';
  /** The calling channel. */
  caller?: Channel;
  /** The dialed channel. */
  peer: Channel;
  /** Forwarding target requested by the original dialed channel. */
  forward?: string;
  /** Channel that the caller has been forwarded to. */
  forwarded?: Channel;
  /** The dial string for calling the peer channel. */
  dialstring?: string;
  /** Current status of the dialing attempt to the peer. */
  dialstatus: string;
}

/** Notification that a channel has left a Stasis application. */
export interface StasisEnd extends Event {
  type: 'StasisEnd';
  channel: Channel;
}

/** Notification that a channel has entered a Stasis application. */
export interface StasisStart extends Event {
  type: 'StasisStart';
  /** Arguments to the application */
  args: string[];
  channel: Channel;
  replace_channel?: Channel;
}

/** A text message was received from an endpoint. */
export interface TextMessageReceived extends Event {
  type: 'TextMessageReceived';
  message: TextMessage;
  endpoint?: Endpoint;
}

/** Channel changed Connected Line. */
export interface ChannelConnectedLine extends Event {
  type: 'ChannelConnectedLine';
  /** The channel whose connected line has changed. */
  channel: Channel;
}

/** transfer on a channel. */
export interface ChannelTransfer extends Event {
  type: 'ChannelTransfer';
  /** Transfer State */
  state?: string;
  /** Refer-To information with optionally both affected channels */
  refer_to: ReferTo;
  /** Referred-By SIP Header according rfc3892 */
  referred_by: ReferredBy;
}

/** transfer destination requested by transferee */
export interface ReferTo {
  requested_destination: RequiredDestination;
  /** The Channel Object, that is to be replaced */
  destination_channel?: Channel;
  /** Channel, connected to the to be replaced channel */
  connected_channel?: Channel;
  /** Bridge connecting both destination channels */
  bridge?: Bridge;
}

/** transfer destination requested by transferee */
export interface ReferredBy {
  /** The channel on which the refer was received */
  source_channel: Channel;
  /** Channel, Connected to the channel, receiving the transfer request on. */
  connected_channel?: Channel;
  /** Bridge connecting both Channels */
  bridge?: Bridge;
}

/** Information about the requested destination */
export interface RequiredDestination {
  /** the requested protocol-id by the referee in case of SIP channel, this is a SIP Call ID, Mutually exclusive to destination */
  protocol_id?: string;
  /** Destination User Part. Only for Blind transfer. Mutually exclusive to protocol_id */
  destination?: string;
  /** List of additional protocol specific information */
  additional_protocol_params?: AdditionalParam[];
}

/** Protocol specific additional parameter */
export interface AdditionalParam {
  /** Name of the parameter */
  parameter_name: string;
  /** Value of the parameter */
  parameter_value: string;
}

/** REST over Websocket header */
export interface RESTHeader {
  /** Header name */
  name: string;
  /** Header value */
  value: string;
}

/** REST over Websocket Query String Parameter */
export interface RESTQueryStringParameter {
  /** Parameter name */
  name: string;
  /** Parameter value */
  value: string;
}

/** REST over Websocket Request. */
export interface RESTRequest {
  /** Message type.  Must be 'RESTRequest' */
  type: string;
  /** Opaque transaction id.  Can be any valid string.  Will be returned in any response to this request. */
  transaction_id: string;
  /** Opaque request id.  Can be any valid string.  Will be returned in any response to this request. */
  request_id: string;
  /** HTTP method (GET, PUT, POST, DELETE, etc.) */
  method: string;
  /** Resource URI with optional query string parameters. */
  uri: string;
  /** The Content-Type of the message body. */
  content_type?: string;
  /** Request query string parameters. */
  query_strings?: RESTQueryStringParameter[];
  /** Request message body. Only content types application/json and application/x-www-form-urlencoded are supported. */
  message_body?: string;
}

/** REST over Websocket Response. */
export interface RESTResponse extends Event {
  type: 'RESTResponse';
  /** Opaque transaction id.  Will be whatever was specified on the original request. */
  transaction_id: string;
  /** Opaque request id.  Will be whatever was specified on the original request. */
  request_id: string;
  /** HTTP status code */
  status_code: number;
  /** HTTP reason phrase */
  reason_phrase: string;
  /** Original request resource URI */
  uri: string;
  /** The Content-Type of the message body. */
  content_type?: string;
  /** Response message body */
  message_body?: string;
}

/** Notification that a channel is being broadcast to ARI applications for claiming. */
export interface CallBroadcast extends Event {
  type: 'CallBroadcast';
  /** The channel being broadcast. */
  channel: Channel;
  /** The caller ID number. */
  caller?: string;
  /** The called number. */
  called?: string;
}

/** Notification that a broadcast channel has been successfully claimed by an ARI application. */
export interface CallClaimed extends Event {
  type: 'CallClaimed';
  /** The channel that was claimed. */
  channel: Channel;
  /** The name of the ARI application that claimed the channel. */
  winner_app: string;
}

/** Represents the state of a mailbox. */
export interface Mailbox {
  /** Name of the mailbox. */
  name: string;
  /** Count of old messages in the mailbox. */
  old_messages: number;
  /** Count of new messages in the mailbox. */
  new_messages: number;
}

/** Object representing the playback of media to a channel */
export interface Playback {
  /** ID for this playback operation */
  id: string;
  /** The URI for the media currently being played back. */
  media_uri: string;
  /** If a list of URIs is being played, the next media URI to be played back. */
  next_media_uri?: string;
  /** URI for the channel or bridge to play the media on */
  target_uri: string;
  /** For media types that support multiple languages, the language requested for playback. */
  language?: string;
  /** Current state of the playback operation. */
  state: 'queued' | 'playing' | 'continuing' | 'done' | 'failed';
}

/** A past recording that may be played back. */
export interface StoredRecording {
  name: string;
  format: string;
}

/** A recording that is in progress */
export interface LiveRecording {
  /** Base name for the recording */
  name: string;
  /** Recording format (wav, gsm, etc.) */
  format: string;
  /** URI for the channel or bridge being recorded */
  target_uri: string;
  state: 'queued' | 'recording' | 'paused' | 'done' | 'failed' | 'canceled';
  /** Duration in seconds of the recording */
  duration?: number;
  /** Duration of talking, in seconds, detected in the recording. This is only available if the recording was initiated with a non-zero maxSilenceSeconds. */
  talking_duration?: number;
  /** Duration of silence, in seconds, detected in the recording. This is only available if the recording was initiated with a non-zero maxSilenceSeconds. */
  silence_duration?: number;
  /** Cause for recording failure if failed */
  cause?: string;
}

/** Identifies the format and language of a sound file */
export interface FormatLangPair {
  language: string;
  format: string;
}

/** A media file that may be played back. */
export interface Sound {
  /** Sound's identifier. */
  id: string;
  /** Text description of the sound, usually the words spoken. */
  text?: string;
  /** The formats and languages in which this sound is available. */
  formats: FormatLangPair[];
}

// ---------------------------------------------------------------- events

/** Every event the ARI events websocket can deliver, discriminated on `type`. */
export type AriEvent =
  | DeviceStateChanged
  | PlaybackStarted
  | PlaybackContinuing
  | PlaybackFinished
  | RecordingStarted
  | RecordingFinished
  | RecordingFailed
  | ApplicationMoveFailed
  | ApplicationRegistered
  | ApplicationUnregistered
  | ApplicationReplaced
  | BridgeCreated
  | BridgeDestroyed
  | BridgeMerged
  | BridgeBlindTransfer
  | BridgeAttendedTransfer
  | BridgeVideoSourceChanged
  | ChannelCreated
  | ChannelDestroyed
  | ChannelEnteredBridge
  | ChannelLeftBridge
  | ChannelStateChange
  | ChannelDtmfReceived
  | ChannelDialplan
  | ChannelCallerId
  | ChannelUserevent
  | ChannelHangupRequest
  | ChannelVarset
  | ChannelToneDetected
  | ChannelTalkingStarted
  | ChannelTalkingFinished
  | ChannelHold
  | ChannelUnhold
  | ContactStatusChange
  | EndpointStateChange
  | Dial
  | StasisEnd
  | StasisStart
  | TextMessageReceived
  | ChannelConnectedLine
  | PeerStatusChange
  | ChannelTransfer
  | RESTResponse
  | CallBroadcast
  | CallClaimed;

/** The `type` of an {@link AriEvent}. */
export type AriEventType = AriEvent['type'];

/** The event interface for one `type`: `AriEventOf<'StasisStart'>`. */
export type AriEventOf<T extends AriEventType> = Extract<AriEvent, { type: T }>;

/** Every `type` value, for runtime checks. */
export const ARI_EVENT_TYPES: readonly AriEventType[] = [
  'DeviceStateChanged',
  'PlaybackStarted',
  'PlaybackContinuing',
  'PlaybackFinished',
  'RecordingStarted',
  'RecordingFinished',
  'RecordingFailed',
  'ApplicationMoveFailed',
  'ApplicationRegistered',
  'ApplicationUnregistered',
  'ApplicationReplaced',
  'BridgeCreated',
  'BridgeDestroyed',
  'BridgeMerged',
  'BridgeBlindTransfer',
  'BridgeAttendedTransfer',
  'BridgeVideoSourceChanged',
  'ChannelCreated',
  'ChannelDestroyed',
  'ChannelEnteredBridge',
  'ChannelLeftBridge',
  'ChannelStateChange',
  'ChannelDtmfReceived',
  'ChannelDialplan',
  'ChannelCallerId',
  'ChannelUserevent',
  'ChannelHangupRequest',
  'ChannelVarset',
  'ChannelToneDetected',
  'ChannelTalkingStarted',
  'ChannelTalkingFinished',
  'ChannelHold',
  'ChannelUnhold',
  'ContactStatusChange',
  'EndpointStateChange',
  'Dial',
  'StasisEnd',
  'StasisStart',
  'TextMessageReceived',
  'ChannelConnectedLine',
  'PeerStatusChange',
  'ChannelTransfer',
  'RESTResponse',
  'CallBroadcast',
  'CallClaimed',
];

// ---------------------------------------------------------------- operations

/** Typed parameters (path, query and body, flattened) and result of every REST operation. */
export interface AriOperations {
  /** GET /applications: List all applications. */
  'applications.list': {
    params: Record<string, never>;
    result: Application[];
  };
  /**
   * GET /applications/{applicationName}: Get details of an application.
   *
   * @throws 404 Application does not exist.
   */
  'applications.get': {
    params: {
      /** Application's name */
      applicationName: string;
    };
    result: Application;
  };
  /**
   * POST /applications/{applicationName}/subscription: Subscribe an application to a event source.
   *
   * Returns the state of the application after the subscriptions have changed
   *
   * @throws 400 Missing parameter.
   *
   * @throws 404 Application does not exist.
   *
   * @throws 422 Event source does not exist.
   */
  'applications.subscribe': {
    params: {
      /** Application's name */
      applicationName: string;
      /** URI for event source (channel:{channelId}, bridge:{bridgeId}, endpoint:{tech}[/{resource}], deviceState:{deviceName} */
      eventSource: string | Array<string>;
    };
    result: Application;
  };
  /**
   * DELETE /applications/{applicationName}/subscription: Unsubscribe an application from an event source.
   *
   * Returns the state of the application after the subscriptions have changed
   *
   * @throws 400 Missing parameter; event source scheme not recognized.
   *
   * @throws 404 Application does not exist.
   *
   * @throws 409 Application not subscribed to event source.
   *
   * @throws 422 Event source does not exist.
   */
  'applications.unsubscribe': {
    params: {
      /** Application's name */
      applicationName: string;
      /** URI for event source (channel:{channelId}, bridge:{bridgeId}, endpoint:{tech}[/{resource}], deviceState:{deviceName} */
      eventSource: string | Array<string>;
    };
    result: Application;
  };
  /**
   * PUT /applications/{applicationName}/eventFilter: Filter application events types.
   *
   * Allowed and/or disallowed event type filtering can be done. The body (parameter) should specify a JSON key/value object that describes the type of event filtering needed. One, or both of the following keys can be designated:<br /><br />"allowed" - Specifies an allowed list of event types<br />"disallowed" - Specifies a disallowed list of event types<br /><br />Further, each of those key's value should be a JSON array that holds zero, or more JSON key/value objects. Each of these objects must contain the following key with an associated value:<br /><br />"type" - The type name of the event to filter<br /><br />The value must be the string name (case sensitive) of the event type that needs filtering. For example:<br /><br />{ "allowed": [ { "type": "StasisStart" }, { "type": "StasisEnd" } ] }<br /><br />As this specifies only an allowed list, then only those two event type messages are sent to the application. No other event messages are sent.<br /><br />The following rules apply:<br /><br />* If the body is empty, both the allowed and disallowed filters are set empty.<br />* If both list types are given then both are set to their respective values (note, specifying an empty array for a given type sets that type to empty).<br />* If only one list type is given then only that type is set. The other type is not updated.<br />* An empty "allowed" list means all events are allowed.<br />* An empty "disallowed" list means no events are disallowed.<br />* Disallowed events take precedence over allowed events if the event type is specified in both lists.
   *
   * @throws 400 Bad request.
   *
   * @throws 404 Application does not exist.
   */
  'applications.filter': {
    params: {
      /** Application's name */
      applicationName: string;
      /** Specify which event types to allow/disallow */
      filter?: Record<string, unknown>;
    };
    result: Application;
  };
  /**
   * GET /asterisk/config/dynamic/{configClass}/{objectType}/{id}: Retrieve a dynamic configuration object.
   *
   * @throws 404 {configClass|objectType|id} not found
   */
  'asterisk.getObject': {
    params: {
      /** The configuration class containing dynamic configuration objects. */
      configClass: string;
      /** The type of configuration object to retrieve. */
      objectType: string;
      /** The unique identifier of the object to retrieve. */
      id: string;
    };
    result: ConfigTuple[];
  };
  /**
   * PUT /asterisk/config/dynamic/{configClass}/{objectType}/{id}: Create or update a dynamic configuration object.
   *
   * @throws 400 Bad request body
   *
   * @throws 403 Could not create or update object
   *
   * @throws 404 {configClass|objectType} not found
   */
  'asterisk.updateObject': {
    params: {
      /** The configuration class containing dynamic configuration objects. */
      configClass: string;
      /** The type of configuration object to create or update. */
      objectType: string;
      /** The unique identifier of the object to create or update. */
      id: string;
      /** The body object should have a value that is a list of ConfigTuples, which provide the fields to update. Ex. [ { "attribute": "directmedia", "value": "false" } ] */
      fields?: ConfigTuple[];
    };
    result: ConfigTuple[];
  };
  /**
   * DELETE /asterisk/config/dynamic/{configClass}/{objectType}/{id}: Delete a dynamic configuration object.
   *
   * @throws 403 Could not delete object
   *
   * @throws 404 {configClass|objectType|id} not found
   */
  'asterisk.deleteObject': {
    params: {
      /** The configuration class containing dynamic configuration objects. */
      configClass: string;
      /** The type of configuration object to delete. */
      objectType: string;
      /** The unique identifier of the object to delete. */
      id: string;
    };
    result: void;
  };
  /** GET /asterisk/info: Gets Asterisk system information. */
  'asterisk.getInfo': {
    params: {
      /** Filter information returned */
      only?: ('build' | 'system' | 'config' | 'status') | Array<'build' | 'system' | 'config' | 'status'>;
    };
    result: AsteriskInfo;
  };
  /** GET /asterisk/ping: Response pong message. */
  'asterisk.ping': {
    params: Record<string, never>;
    result: AsteriskPing;
  };
  /** GET /asterisk/modules: List Asterisk modules. */
  'asterisk.listModules': {
    params: Record<string, never>;
    result: Module[];
  };
  /**
   * GET /asterisk/modules/{moduleName}: Get Asterisk module information.
   *
   * @throws 404 Module could not be found in running modules.
   *
   * @throws 409 Module information could not be retrieved.
   */
  'asterisk.getModule': {
    params: {
      /** Module's name */
      moduleName: string;
    };
    result: Module;
  };
  /**
   * POST /asterisk/modules/{moduleName}: Load an Asterisk module.
   *
   * @throws 409 Module could not be loaded.
   */
  'asterisk.loadModule': {
    params: {
      /** Module's name */
      moduleName: string;
    };
    result: void;
  };
  /**
   * DELETE /asterisk/modules/{moduleName}: Unload an Asterisk module.
   *
   * @throws 404 Module not found in running modules.
   *
   * @throws 409 Module could not be unloaded.
   */
  'asterisk.unloadModule': {
    params: {
      /** Module's name */
      moduleName: string;
    };
    result: void;
  };
  /**
   * PUT /asterisk/modules/{moduleName}: Reload an Asterisk module.
   *
   * @throws 404 Module not found in running modules.
   *
   * @throws 409 Module could not be reloaded.
   */
  'asterisk.reloadModule': {
    params: {
      /** Module's name */
      moduleName: string;
    };
    result: void;
  };
  /** GET /asterisk/logging: Gets Asterisk log channel information. */
  'asterisk.listLogChannels': {
    params: Record<string, never>;
    result: LogChannel[];
  };
  /**
   * POST /asterisk/logging/{logChannelName}: Adds a log channel.
   *
   * @throws 400 Bad request body
   *
   * @throws 409 Log channel could not be created.
   */
  'asterisk.addLog': {
    params: {
      /** The log channel to add */
      logChannelName: string;
      /** levels of the log channel */
      configuration: string;
    };
    result: void;
  };
  /**
   * DELETE /asterisk/logging/{logChannelName}: Deletes a log channel.
   *
   * @throws 404 Log channel does not exist.
   */
  'asterisk.deleteLog': {
    params: {
      /** Log channels name */
      logChannelName: string;
    };
    result: void;
  };
  /**
   * PUT /asterisk/logging/{logChannelName}/rotate: Rotates a log channel.
   *
   * @throws 404 Log channel does not exist.
   */
  'asterisk.rotateLog': {
    params: {
      /** Log channel's name */
      logChannelName: string;
    };
    result: void;
  };
  /**
   * GET /asterisk/variable: Get the value of a global variable.
   *
   * @throws 400 Missing variable parameter.
   */
  'asterisk.getGlobalVar': {
    params: {
      /** The variable to get */
      variable: string;
    };
    result: Variable;
  };
  /**
   * POST /asterisk/variable: Set the value of a global variable.
   *
   * @throws 400 Missing variable parameter.
   */
  'asterisk.setGlobalVar': {
    params: {
      /** The variable to set */
      variable: string;
      /** The value to set the variable to */
      value?: string;
    };
    result: void;
  };
  /** GET /bridges: List all active bridges in Asterisk. */
  'bridges.list': {
    params: Record<string, never>;
    result: Bridge[];
  };
  /**
   * POST /bridges: Create a new bridge.
   *
   * This bridge persists until it has been shut down, or Asterisk has been shut down.
   *
   * @throws 409 Bridge with the same bridgeId already exists
   */
  'bridges.create': {
    params: {
      /** Comma separated list of bridge type attributes (mixing, holding, dtmf_events, proxy_media, video_sfu, video_single, sdp_label). */
      type?: string;
      /** Unique ID to give to the bridge being created. */
      bridgeId?: string;
      /** Name to give to the bridge being created. */
      name?: string;
      /** The "variables" key in the body object holds variable key/value pairs to set on the bridge on creation. Each variable is an object containing "value" (string) and optional "report_events" (boolean) to include updates for that variable in bridge events (defaults to false).   Ex. { "name": "SupportBridge", "variables": {  "Bridge_State": { "value": "WaitingForAgent", "report_events": true } } } */
      variables?: Record<string, string>;
    };
    result: Bridge;
  };
  /**
   * POST /bridges/{bridgeId}: Create a new bridge.
   *
   * This bridge persists until it has been shut down, or Asterisk has been shut down.
   *
   * @throws 409 Bridge with the same bridgeId already exists
   */
  'bridges.createWithId': {
    params: {
      /** Comma separated list of bridge type attributes (mixing, holding, dtmf_events, proxy_media, video_sfu, video_single, sdp_label) to set. */
      type?: string;
      /** Unique ID to give to the bridge being created. */
      bridgeId: string;
      /** Set the name of the bridge. */
      name?: string;
      /** The "variables" key in the body object holds variable key/value pairs to set on the bridge on creation. Each variable is an object containing "value" (string) and optional "report_events" (boolean) to include updates for that variable in bridge events (defaults to false).   Ex. { "name": "SupportBridge", "variables": {  "Bridge_State": { "value": "WaitingForAgent", "report_events": true } } } */
      variables?: Record<string, string>;
    };
    result: Bridge;
  };
  /**
   * GET /bridges/{bridgeId}: Get bridge details.
   *
   * @throws 404 Bridge not found
   */
  'bridges.get': {
    params: {
      /** Bridge's id */
      bridgeId: string;
    };
    result: Bridge;
  };
  /**
   * DELETE /bridges/{bridgeId}: Shut down a bridge.
   *
   * If any channels are in this bridge, they will be removed and resume whatever they were doing beforehand.
   *
   * @throws 404 Bridge not found
   */
  'bridges.destroy': {
    params: {
      /** Bridge's id */
      bridgeId: string;
    };
    result: void;
  };
  /**
   * GET /bridges/{bridgeId}/variable: Get the value of a bridge variable or function.
   *
   * @throws 400 Missing variable parameter.
   *
   * @throws 404 Bridge or variable not found
   *
   * @throws 409 Bridge not in a Stasis application
   */
  'bridges.getBridgeVar': {
    params: {
      /** Bridge's id */
      bridgeId: string;
      /** The bridge variable or function to get */
      variable: string;
    };
    result: Variable;
  };
  /**
   * POST /bridges/{bridgeId}/variable: Set the value of a bridge variable or function.
   *
   * @throws 400 Missing variable parameter.
   *
   * @throws 404 Bridge not found
   *
   * @throws 409 Bridge not in a Stasis application
   */
  'bridges.setBridgeVar': {
    params: {
      /** Bridge's id */
      bridgeId: string;
      /** The bridge variable or function to set */
      variable: string;
      /** The value to set the variable to */
      value?: string;
      /** Whether this variable should be included in bridge events. Defaults to false. */
      report_events?: boolean;
    };
    result: void;
  };
  /**
   * GET /bridges/{bridgeId}/variables: Get the value of multiple bridge variables or functions.
   *
   * @throws 400 Missing variables parameter.
   *
   * @throws 404 Bridge or variable not found
   *
   * @throws 409 Bridge not in a Stasis application
   */
  'bridges.getBridgeVars': {
    params: {
      /** Bridge's id */
      bridgeId: string;
      /** The bridge variables or functions to get */
      variables: string | Array<string>;
    };
    result: Variables;
  };
  /**
   * POST /bridges/{bridgeId}/variables: Set the values of multiple bridge variables or functions.
   *
   * @throws 400 Missing variables parameter.
   *
   * @throws 404 Bridge not found
   *
   * @throws 409 Bridge not in a Stasis application
   */
  'bridges.setBridgeVars': {
    params: {
      /** Bridge's id */
      bridgeId: string;
      /** The "variables" key in the body object holds variable key/value pairs to set on the bridge. Each variable value may be either a string or an object containing "value" (string) and optional "report_events" (boolean) to include updates for that variable in bridge events (defaults to false). Ex. { "variables": { "Bridge_State": "WaitingForAgent", "Support_Level": { "value": "Premium", "report_events": true } } } */
      variables: Record<string, string>;
    };
    result: void;
  };
  /**
   * POST /bridges/{bridgeId}/addChannel: Add a channel to a bridge.
   *
   * @throws 400 Channel not found
   *
   * @throws 404 Bridge not found
   *
   * @throws 409 Bridge not in Stasis application; Channel currently recording
   *
   * @throws 422 Channel not in Stasis application
   */
  'bridges.addChannel': {
    params: {
      /** Bridge's id */
      bridgeId: string;
      /** Ids of channels to add to bridge */
      channel: string | Array<string>;
      /** Channel's role in the bridge */
      role?: string;
      /** Absorb DTMF coming from this channel, preventing it to pass through to the bridge */
      absorbDTMF?: boolean;
      /** Mute audio from this channel, preventing it to pass through to the bridge */
      mute?: boolean;
      /** Do not present the identity of the newly connected channel to other bridge members */
      inhibitConnectedLineUpdates?: boolean;
    };
    result: void;
  };
  /**
   * POST /bridges/{bridgeId}/removeChannel: Remove a channel from a bridge.
   *
   * @throws 400 Channel not found
   *
   * @throws 404 Bridge not found
   *
   * @throws 409 Bridge not in Stasis application
   *
   * @throws 422 Channel not in this bridge
   */
  'bridges.removeChannel': {
    params: {
      /** Bridge's id */
      bridgeId: string;
      /** Ids of channels to remove from bridge */
      channel: string | Array<string>;
    };
    result: void;
  };
  /**
   * POST /bridges/{bridgeId}/videoSource/{channelId}: Set a channel as the video source in a multi-party mixing bridge. This operation has no effect on bridges with two or fewer participants.
   *
   * @throws 404 Bridge or Channel not found
   *
   * @throws 409 Channel not in Stasis application
   *
   * @throws 422 Channel not in this Bridge
   */
  'bridges.setVideoSource': {
    params: {
      /** Bridge's id */
      bridgeId: string;
      /** Channel's id */
      channelId: string;
    };
    result: void;
  };
  /**
   * DELETE /bridges/{bridgeId}/videoSource: Removes any explicit video source in a multi-party mixing bridge. This operation has no effect on bridges with two or fewer participants. When no explicit video source is set, talk detection will be used to determine the active video stream.
   *
   * @throws 404 Bridge not found
   */
  'bridges.clearVideoSource': {
    params: {
      /** Bridge's id */
      bridgeId: string;
    };
    result: void;
  };
  /**
   * POST /bridges/{bridgeId}/moh: Play music on hold to a bridge or change the MOH class that is playing.
   *
   * @throws 404 Bridge not found
   *
   * @throws 409 Bridge not in Stasis application
   */
  'bridges.startMoh': {
    params: {
      /** Bridge's id */
      bridgeId: string;
      /** Channel's id */
      mohClass?: string;
    };
    result: void;
  };
  /**
   * DELETE /bridges/{bridgeId}/moh: Stop playing music on hold to a bridge.
   *
   * This will only stop music on hold being played via POST bridges/{bridgeId}/moh.
   *
   * @throws 404 Bridge not found
   *
   * @throws 409 Bridge not in Stasis application
   */
  'bridges.stopMoh': {
    params: {
      /** Bridge's id */
      bridgeId: string;
    };
    result: void;
  };
  /**
   * POST /bridges/{bridgeId}/play: Start playback of media on a bridge.
   *
   * The media URI may be any of a number of URI's. Currently sound:, recording:, number:, digits:, characters:, and tone: URI's are supported. This operation creates a playback resource that can be used to control the playback of media (pause, rewind, fast forward, etc.)
   *
   * @throws 404 Bridge not found
   *
   * @throws 409 Bridge not in a Stasis application
   *
   * @throws 422 The format specified is unknown on this system
   */
  'bridges.play': {
    params: {
      /** Bridge's id */
      bridgeId: string;
      /** Media URIs to play. */
      media: string | Array<string>;
      /** Format of the 'Anouncer' channel attached to the bridge. Defaults to the format of the channel in the bridge with the highest sampe rate. */
      announcer_format?: string;
      /** For sounds, selects language for sound. */
      lang?: string;
      /** Number of milliseconds to skip before playing. Only applies to the first URI if multiple media URIs are specified. */
      offsetms?: number;
      /** Number of milliseconds to skip for forward/reverse operations. */
      skipms?: number;
      /** Playback Id. */
      playbackId?: string;
    };
    result: Playback;
  };
  /**
   * POST /bridges/{bridgeId}/play/{playbackId}: Start playback of media on a bridge.
   *
   * The media URI may be any of a number of URI's. Currently sound:, recording:, number:, digits:, characters:, and tone: URI's are supported. This operation creates a playback resource that can be used to control the playback of media (pause, rewind, fast forward, etc.)
   *
   * @throws 404 Bridge not found
   *
   * @throws 409 Bridge not in a Stasis application
   *
   * @throws 422 The format specified is unknown on this system
   */
  'bridges.playWithId': {
    params: {
      /** Bridge's id */
      bridgeId: string;
      /** Playback ID. */
      playbackId: string;
      /** Media URIs to play. */
      media: string | Array<string>;
      /** Format of the 'Anouncer' channel attached to the bridge. Defaults to the format of the channel in the bridge with the highest sampe rate. */
      announcer_format?: string;
      /** For sounds, selects language for sound. */
      lang?: string;
      /** Number of milliseconds to skip before playing. Only applies to the first URI if multiple media URIs are specified. */
      offsetms?: number;
      /** Number of milliseconds to skip for forward/reverse operations. */
      skipms?: number;
    };
    result: Playback;
  };
  /**
   * POST /bridges/{bridgeId}/record: Start a recording.
   *
   * This records the mixed audio from all channels participating in this bridge.
   *
   * @throws 400 Invalid parameters
   *
   * @throws 404 Bridge not found
   *
   * @throws 409 Bridge is not in a Stasis application; A recording with the same name already exists on the system and can not be overwritten because it is in progress or ifExists=fail
   *
   * @throws 422 The format specified is unknown on this system
   */
  'bridges.record': {
    params: {
      /** Bridge's id */
      bridgeId: string;
      /** Recording's filename */
      name: string;
      /** Format to encode audio in */
      format: string;
      /** Format of the 'Recorder' channel attached to the bridge. Defaults to the same format as the 'format' parameter. */
      recorder_format?: string;
      /** Maximum duration of the recording, in seconds. 0 for no limit. */
      maxDurationSeconds?: number;
      /** Maximum duration of silence, in seconds. 0 for no limit. */
      maxSilenceSeconds?: number;
      /** Action to take if a recording with the same name already exists. */
      ifExists?: 'fail' | 'overwrite' | 'append';
      /** Play beep when recording begins */
      beep?: boolean;
      /** DTMF input to terminate recording. */
      terminateOn?: 'none' | 'any' | '*' | '#';
    };
    result: LiveRecording;
  };
  /** GET /channels: List all active channels in Asterisk. */
  'channels.list': {
    params: Record<string, never>;
    result: Channel[];
  };
  /**
   * POST /channels: Create a new channel (originate).
   *
   * The new channel is created immediately and a snapshot of it returned. If a Stasis application is provided it will be automatically subscribed to the originated channel for further events and updates.
   *
   * @throws 400 Invalid parameters for originating a channel.
   *
   * @throws 409 Channel with given unique ID already exists.
   */
  'channels.originate': {
    params: {
      /** Endpoint to call. */
      endpoint: string;
      /** The extension to dial after the endpoint answers. Mutually exclusive with 'app'. */
      extension?: string;
      /** The context to dial after the endpoint answers. If omitted, uses 'default'. Mutually exclusive with 'app'. */
      context?: string;
      /** The priority to dial after the endpoint answers. If omitted, uses 1. Mutually exclusive with 'app'. */
      priority?: number;
      /** The label to dial after the endpoint answers. Will supersede 'priority' if provided. Mutually exclusive with 'app'. */
      label?: string;
      /** The application that is subscribed to the originated channel. When the channel is answered, it will be passed to this Stasis application. Mutually exclusive with 'context', 'extension', 'priority', and 'label'. */
      app?: string;
      /** The application arguments to pass to the Stasis application provided by 'app'. Mutually exclusive with 'context', 'extension', 'priority', and 'label'. */
      appArgs?: string;
      /** CallerID to use when dialing the endpoint or extension. */
      callerId?: string;
      /** Timeout (in seconds) before giving up dialing, or -1 for no timeout. */
      timeout?: number;
      /** The "variables" key in the body object holds variable key/value pairs to set on the channel on creation. Each variable value may be either a string or an object containing "value" (string) and optional "report_events" (boolean) to include updates for that variable in channel events (defaults to false). Other keys in the body object are interpreted as query parameters. Ex. { "endpoint": "SIP/Alice", "variables": { "CALLERID(name)": "Alice", "Call_State": { "value": "WaitingForAgent", "report_events": true } } } */
      variables?: Record<string, string>;
      /** The unique id to assign the channel on creation. */
      channelId?: string;
      /** The unique id to assign the second channel when using local channels. */
      otherChannelId?: string;
      /** The unique id of the channel which is originating this one. */
      originator?: string;
      /** The format name capability list to use if originator is not specified. Ex. "ulaw,slin16".  Format names can be found with "core show codecs". */
      formats?: string;
    };
    result: Channel;
  };
  /**
   * POST /channels/create: Create channel.
   *
   * @throws 409 Channel with given unique ID already exists.
   */
  'channels.create': {
    params: {
      /** Endpoint for channel communication */
      endpoint: string;
      /** Stasis Application to place channel into */
      app: string;
      /** The application arguments to pass to the Stasis application provided by 'app'. Mutually exclusive with 'context', 'extension', 'priority', and 'label'. */
      appArgs?: string;
      /** The unique id to assign the channel on creation. */
      channelId?: string;
      /** The unique id to assign the second channel when using local channels. */
      otherChannelId?: string;
      /** Unique ID of the calling channel */
      originator?: string;
      /** The format name capability list to use if originator is not specified. Ex. "ulaw,slin16".  Format names can be found with "core show codecs". */
      formats?: string;
      /** The "variables" key in the body object holds variable key/value pairs to set on the channel on creation. Each variable value may be either a string or an object containing "value" (string) and optional "report_events" (boolean) to include updates for that variable in channel events (defaults to false). Other keys in the body object are interpreted as query parameters. Ex. { "endpoint": "SIP/Alice", "variables": { "CALLERID(name)": "Alice", "Call_State": { "value": "WaitingForAgent", "report_events": true } } } */
      variables?: Record<string, string>;
    };
    result: Channel;
  };
  /**
   * GET /channels/{channelId}: Channel details.
   *
   * @throws 404 Channel not found
   */
  'channels.get': {
    params: {
      /** Channel's id */
      channelId: string;
    };
    result: Channel;
  };
  /**
   * POST /channels/{channelId}: Create a new channel (originate with id).
   *
   * The new channel is created immediately and a snapshot of it returned. If a Stasis application is provided it will be automatically subscribed to the originated channel for further events and updates.
   *
   * @throws 400 Invalid parameters for originating a channel.
   *
   * @throws 409 Channel with given unique ID already exists.
   */
  'channels.originateWithId': {
    params: {
      /** The unique id to assign the channel on creation. */
      channelId: string;
      /** Endpoint to call. */
      endpoint: string;
      /** The extension to dial after the endpoint answers. Mutually exclusive with 'app'. */
      extension?: string;
      /** The context to dial after the endpoint answers. If omitted, uses 'default'. Mutually exclusive with 'app'. */
      context?: string;
      /** The priority to dial after the endpoint answers. If omitted, uses 1. Mutually exclusive with 'app'. */
      priority?: number;
      /** The label to dial after the endpoint answers. Will supersede 'priority' if provided. Mutually exclusive with 'app'. */
      label?: string;
      /** The application that is subscribed to the originated channel. When the channel is answered, it will be passed to this Stasis application. Mutually exclusive with 'context', 'extension', 'priority', and 'label'. */
      app?: string;
      /** The application arguments to pass to the Stasis application provided by 'app'. Mutually exclusive with 'context', 'extension', 'priority', and 'label'. */
      appArgs?: string;
      /** CallerID to use when dialing the endpoint or extension. */
      callerId?: string;
      /** Timeout (in seconds) before giving up dialing, or -1 for no timeout. */
      timeout?: number;
      /** The "variables" key in the body object holds variable key/value pairs to set on the channel on creation. Each variable value may be either a string or an object containing "value" (string) and optional "report_events" (boolean) to include updates for that variable in channel events (defaults to false). Other keys in the body object are interpreted as query parameters. Ex. { "endpoint": "SIP/Alice", "variables": { "CALLERID(name)": "Alice", "Call_State": { "value": "WaitingForAgent", "report_events": true } } } */
      variables?: Record<string, string>;
      /** The unique id to assign the second channel when using local channels. */
      otherChannelId?: string;
      /** The unique id of the channel which is originating this one. */
      originator?: string;
      /** The format name capability list to use if originator is not specified. Ex. "ulaw,slin16".  Format names can be found with "core show codecs". */
      formats?: string;
    };
    result: Channel;
  };
  /**
   * DELETE /channels/{channelId}: Delete (i.e. hangup) a channel.
   *
   * @throws 400 Invalid reason for hangup provided
   *
   * @throws 404 Channel not found
   */
  'channels.hangup': {
    params: {
      /** Channel's id */
      channelId: string;
      /** The reason code for hanging up the channel for detail use. Mutually exclusive with 'reason'. See detail hangup codes at here. https://docs.asterisk.org/Configuration/Miscellaneous/Hangup-Cause-Mappings/ */
      reason_code?: string;
      /** Reason for hanging up the channel for simple use. Mutually exclusive with 'reason_code'. */
      reason?: 'normal' | 'busy' | 'congestion' | 'no_answer' | 'timeout' | 'rejected' | 'unallocated' | 'normal_unspecified' | 'number_incomplete' | 'codec_mismatch' | 'interworking' | 'failure' | 'answered_elsewhere';
    };
    result: void;
  };
  /**
   * POST /channels/{channelId}/continue: Exit application; continue execution in the dialplan.
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel not in a Stasis application
   *
   * @throws 412 Channel in invalid state
   */
  'channels.continueInDialplan': {
    params: {
      /** Channel's id */
      channelId: string;
      /** The context to continue to. */
      context?: string;
      /** The extension to continue to. */
      extension?: string;
      /** The priority to continue to. */
      priority?: number;
      /** The label to continue to - will supersede 'priority' if both are provided. */
      label?: string;
    };
    result: void;
  };
  /**
   * POST /channels/{channelId}/move: Move the channel from one Stasis application to another.
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel not in a Stasis application
   */
  'channels.move': {
    params: {
      /** Channel's id */
      channelId: string;
      /** The channel will be passed to this Stasis application. */
      app: string;
      /** The application arguments to pass to the Stasis application provided by 'app'. */
      appArgs?: string;
    };
    result: void;
  };
  /**
   * POST /channels/{channelId}/redirect: Redirect the channel to a different location.
   *
   * @throws 400 Endpoint parameter not provided
   *
   * @throws 404 Channel or endpoint not found
   *
   * @throws 409 Channel not in a Stasis application
   *
   * @throws 422 Endpoint is not the same type as the channel
   *
   * @throws 412 Channel in invalid state
   */
  'channels.redirect': {
    params: {
      /** Channel's id */
      channelId: string;
      /** The endpoint to redirect the channel to */
      endpoint: string;
    };
    result: void;
  };
  /**
   * POST /channels/{channelId}/answer: Answer a channel.
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel not in a Stasis application
   *
   * @throws 412 Channel in invalid state
   */
  'channels.answer': {
    params: {
      /** Channel's id */
      channelId: string;
    };
    result: void;
  };
  /**
   * POST /channels/{channelId}/ring: Indicate ringing to a channel.
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel not in a Stasis application
   *
   * @throws 412 Channel in invalid state
   */
  'channels.ring': {
    params: {
      /** Channel's id */
      channelId: string;
    };
    result: void;
  };
  /**
   * DELETE /channels/{channelId}/ring: Stop ringing indication on a channel if locally generated.
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel not in a Stasis application
   *
   * @throws 412 Channel in invalid state
   */
  'channels.ringStop': {
    params: {
      /** Channel's id */
      channelId: string;
    };
    result: void;
  };
  /**
   * POST /channels/{channelId}/progress: Indicate progress on a channel.
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel not in a Stasis application
   *
   * @throws 412 Channel in invalid state
   */
  'channels.progress': {
    params: {
      /** Channel's id */
      channelId: string;
    };
    result: void;
  };
  /**
   * POST /channels/{channelId}/dtmf: Send provided DTMF to a given channel.
   *
   * @throws 400 DTMF is required
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel not in a Stasis application
   *
   * @throws 412 Channel in invalid state
   */
  'channels.sendDTMF': {
    params: {
      /** Channel's id */
      channelId: string;
      /** DTMF To send. */
      dtmf?: string;
      /** Amount of time to wait before DTMF digits (specified in milliseconds) start. */
      before?: number;
      /** Amount of time in between DTMF digits (specified in milliseconds). */
      between?: number;
      /** Length of each DTMF digit (specified in milliseconds). */
      duration?: number;
      /** Amount of time to wait after DTMF digits (specified in milliseconds) end. */
      after?: number;
    };
    result: void;
  };
  /**
   * POST /channels/{channelId}/mute: Mute a channel.
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel not in a Stasis application
   *
   * @throws 412 Channel in invalid state
   */
  'channels.mute': {
    params: {
      /** Channel's id */
      channelId: string;
      /** Direction in which to mute audio */
      direction?: 'both' | 'in' | 'out';
    };
    result: void;
  };
  /**
   * DELETE /channels/{channelId}/mute: Unmute a channel.
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel not in a Stasis application
   *
   * @throws 412 Channel in invalid state
   */
  'channels.unmute': {
    params: {
      /** Channel's id */
      channelId: string;
      /** Direction in which to unmute audio */
      direction?: 'both' | 'in' | 'out';
    };
    result: void;
  };
  /**
   * POST /channels/{channelId}/hold: Hold a channel.
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel not in a Stasis application
   *
   * @throws 412 Channel in invalid state
   */
  'channels.hold': {
    params: {
      /** Channel's id */
      channelId: string;
    };
    result: void;
  };
  /**
   * DELETE /channels/{channelId}/hold: Remove a channel from hold.
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel not in a Stasis application
   *
   * @throws 412 Channel in invalid state
   */
  'channels.unhold': {
    params: {
      /** Channel's id */
      channelId: string;
    };
    result: void;
  };
  /**
   * POST /channels/{channelId}/moh: Play music on hold to a channel.
   *
   * Using media operations such as /play on a channel playing MOH in this manner will suspend MOH without resuming automatically. If continuing music on hold is desired, the stasis application must reinitiate music on hold.
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel not in a Stasis application
   *
   * @throws 412 Channel in invalid state
   */
  'channels.startMoh': {
    params: {
      /** Channel's id */
      channelId: string;
      /** Music on hold class to use */
      mohClass?: string;
    };
    result: void;
  };
  /**
   * DELETE /channels/{channelId}/moh: Stop playing music on hold to a channel.
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel not in a Stasis application
   *
   * @throws 412 Channel in invalid state
   */
  'channels.stopMoh': {
    params: {
      /** Channel's id */
      channelId: string;
    };
    result: void;
  };
  /**
   * POST /channels/{channelId}/silence: Play silence to a channel.
   *
   * Using media operations such as /play on a channel playing silence in this manner will suspend silence without resuming automatically.
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel not in a Stasis application
   *
   * @throws 412 Channel in invalid state
   */
  'channels.startSilence': {
    params: {
      /** Channel's id */
      channelId: string;
    };
    result: void;
  };
  /**
   * DELETE /channels/{channelId}/silence: Stop playing silence to a channel.
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel not in a Stasis application
   *
   * @throws 412 Channel in invalid state
   */
  'channels.stopSilence': {
    params: {
      /** Channel's id */
      channelId: string;
    };
    result: void;
  };
  /**
   * POST /channels/{channelId}/play: Start playback of media.
   *
   * The media URI may be any of a number of URI's. Currently sound:, recording:, number:, digits:, characters:, and tone: URI's are supported. This operation creates a playback resource that can be used to control the playback of media (pause, rewind, fast forward, etc.)
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel not in a Stasis application
   *
   * @throws 412 Channel in invalid state
   */
  'channels.play': {
    params: {
      /** Channel's id */
      channelId: string;
      /** Media URIs to play. */
      media: string | Array<string>;
      /** For sounds, selects language for sound. */
      lang?: string;
      /** Number of milliseconds to skip before playing. Only applies to the first URI if multiple media URIs are specified. */
      offsetms?: number;
      /** Number of milliseconds to skip for forward/reverse operations. */
      skipms?: number;
      /** Playback ID. */
      playbackId?: string;
    };
    result: Playback;
  };
  /**
   * POST /channels/{channelId}/play/{playbackId}: Start playback of media and specify the playbackId.
   *
   * The media URI may be any of a number of URI's. Currently sound:, recording:, number:, digits:, characters:, and tone: URI's are supported. This operation creates a playback resource that can be used to control the playback of media (pause, rewind, fast forward, etc.)
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel not in a Stasis application
   *
   * @throws 412 Channel in invalid state
   */
  'channels.playWithId': {
    params: {
      /** Channel's id */
      channelId: string;
      /** Playback ID. */
      playbackId: string;
      /** Media URIs to play. */
      media: string | Array<string>;
      /** For sounds, selects language for sound. */
      lang?: string;
      /** Number of milliseconds to skip before playing. Only applies to the first URI if multiple media URIs are specified. */
      offsetms?: number;
      /** Number of milliseconds to skip for forward/reverse operations. */
      skipms?: number;
    };
    result: Playback;
  };
  /**
   * POST /channels/{channelId}/record: Start a recording.
   *
   * Record audio from a channel. Note that this will not capture audio sent to the channel. The bridge itself has a record feature if that's what you want.
   *
   * @throws 400 Invalid parameters
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel is not in a Stasis application; the channel is currently bridged with other channels; A recording with the same name already exists on the system and can not be overwritten because it is in progress or ifExists=fail
   *
   * @throws 422 The format specified is unknown on this system
   */
  'channels.record': {
    params: {
      /** Channel's id */
      channelId: string;
      /** Recording's filename */
      name: string;
      /** Format to encode audio in */
      format: string;
      /** Maximum duration of the recording, in seconds. 0 for no limit */
      maxDurationSeconds?: number;
      /** Maximum duration of silence, in seconds. 0 for no limit */
      maxSilenceSeconds?: number;
      /** Action to take if a recording with the same name already exists. */
      ifExists?: 'fail' | 'overwrite' | 'append';
      /** Play beep when recording begins */
      beep?: boolean;
      /** DTMF input to terminate recording */
      terminateOn?: 'none' | 'any' | '*' | '#';
    };
    result: LiveRecording;
  };
  /**
   * GET /channels/{channelId}/variable: Get the value of a channel variable or function.
   *
   * @throws 400 Missing variable parameter.
   *
   * @throws 404 Channel or variable not found
   *
   * @throws 409 Channel not in a Stasis application
   */
  'channels.getChannelVar': {
    params: {
      /** Channel's id */
      channelId: string;
      /** The channel variable or function to get */
      variable: string;
    };
    result: Variable;
  };
  /**
   * POST /channels/{channelId}/variable: Set the value of a channel variable or function.
   *
   * @throws 400 Missing variable parameter.
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel not in a Stasis application
   */
  'channels.setChannelVar': {
    params: {
      /** Channel's id */
      channelId: string;
      /** The channel variable or function to set */
      variable: string;
      /** The value to set the variable to */
      value?: string;
      /** Whether this variable should be included in channel events. Defaults to false. */
      report_events?: boolean;
    };
    result: void;
  };
  /**
   * GET /channels/{channelId}/variables: Get the value of multiple channel variables or functions.
   *
   * @throws 400 Missing variables parameter.
   *
   * @throws 404 Channel or variable not found
   *
   * @throws 409 Channel not in a Stasis application
   */
  'channels.getChannelVars': {
    params: {
      /** Channel's id */
      channelId: string;
      /** The channel variables or functions to get */
      variables: string | Array<string>;
    };
    result: Variables;
  };
  /**
   * POST /channels/{channelId}/variables: Set the values of multiple channel variables or functions.
   *
   * @throws 400 Missing variables parameter.
   *
   * @throws 404 Channel not found
   *
   * @throws 409 Channel not in a Stasis application
   */
  'channels.setChannelVars': {
    params: {
      /** Channel's id */
      channelId: string;
      /** The "variables" key in the body object holds variable key/value pairs to set on the channel. Each variable value may be either a string or an object containing "value" (string) and optional "report_events" (boolean) to include updates for that variable in channel events (defaults to false). Ex. { "variables": { "CALLERID(name)": "Alice", "Call_State": { "value": "WaitingForAgent", "report_events": true } } } */
      variables: Record<string, string>;
    };
    result: void;
  };
  /**
   * POST /channels/{channelId}/snoop: Start snooping.
   *
   * Snoop (spy/whisper) on a specific channel.
   *
   * @throws 400 Invalid parameters
   *
   * @throws 404 Channel not found
   */
  'channels.snoopChannel': {
    params: {
      /** Channel's id */
      channelId: string;
      /** Direction of audio to spy on */
      spy?: 'none' | 'both' | 'out' | 'in';
      /** Direction of audio to whisper into */
      whisper?: 'none' | 'both' | 'out' | 'in';
      /** Application the snooping channel is placed into */
      app: string;
      /** The application arguments to pass to the Stasis application */
      appArgs?: string;
      /** Unique ID to assign to snooping channel */
      snoopId?: string;
    };
    result: Channel;
  };
  /**
   * POST /channels/{channelId}/snoop/{snoopId}: Start snooping.
   *
   * Snoop (spy/whisper) on a specific channel.
   *
   * @throws 400 Invalid parameters
   *
   * @throws 404 Channel not found
   */
  'channels.snoopChannelWithId': {
    params: {
      /** Channel's id */
      channelId: string;
      /** Unique ID to assign to snooping channel */
      snoopId: string;
      /** Direction of audio to spy on */
      spy?: 'none' | 'both' | 'out' | 'in';
      /** Direction of audio to whisper into */
      whisper?: 'none' | 'both' | 'out' | 'in';
      /** Application the snooping channel is placed into */
      app: string;
      /** The application arguments to pass to the Stasis application */
      appArgs?: string;
    };
    result: Channel;
  };
  /**
   * POST /channels/{channelId}/dial: Dial a created channel.
   *
   * @throws 404 Channel cannot be found.
   *
   * @throws 409 Channel cannot be dialed.
   */
  'channels.dial': {
    params: {
      /** Channel's id */
      channelId: string;
      /** Channel ID of caller */
      caller?: string;
      /** Dial timeout */
      timeout?: number;
    };
    result: void;
  };
  /**
   * GET /channels/{channelId}/rtp_statistics: RTP stats on a channel.
   *
   * @throws 404 Channel cannot be found.
   */
  'channels.rtpstatistics': {
    params: {
      /** Channel's id */
      channelId: string;
    };
    result: RTPstat;
  };
  /**
   * POST /channels/externalMedia: Start an External Media session.
   *
   * Create a channel to an External Media source/sink.  The combination of transport and encapsulation will select one of chan_rtp(udp/rtp), chan_audiosocket(tcp/audiosocket) or chan_websocket(websocket/none) channel drivers.
   *
   * @throws 400 Invalid parameters
   *
   * @throws 409 Channel is not in a Stasis application; Channel is already bridged
   */
  'channels.externalMedia': {
    params: {
      /** The unique id to assign the channel on creation. */
      channelId?: string;
      /** Stasis Application to place channel into */
      app: string;
      /** The "variables" key in the body object holds variable key/value pairs to set on the channel on creation. Each variable value may be either a string or an object containing "value" (string) and optional "report_events" (boolean) to include updates for that variable in channel events (defaults to false). Other keys in the body object are interpreted as query parameters. Ex. { "endpoint": "SIP/Alice", "variables": { "CALLERID(name)": "Alice", "Call_State": { "value": "WaitingForAgent", "report_events": true } } } */
      variables?: Record<string, string>;
      /** Hostname/ip:port or websocket_client connection ID of external host.  May be empty for a websocket server connection. */
      external_host?: string;
      /** Payload encapsulation protocol.  Must be 'none' for the websocket transport. */
      encapsulation?: 'rtp' | 'audiosocket' | 'none';
      /** Transport protocol */
      transport?: 'udp' | 'tcp' | 'websocket';
      /** Connection type (client/server). 'server' is only valid for the websocket transport. */
      connection_type?: 'client' | 'server';
      /** Format to encode audio in */
      format: string;
      /** External media direction */
      direction?: 'both';
      /** An arbitrary data field */
      data?: string;
      /** Transport-specific data. For websocket this is appended to the dialstring. */
      transport_data?: string;
    };
    result: Channel;
  };
  /**
   * POST /channels/{channelId}/transfer_progress: Inform the channel about the progress of the attended/blind transfer.
   *
   * @throws 400 Endpoint parameter not provided
   *
   * @throws 404 Channel or endpoint not found
   *
   * @throws 409 Channel not in a Stasis application
   *
   * @throws 412 Channel in invalid state
   */
  'channels.transfer_progress': {
    params: {
      /** Channel's id */
      channelId: string;
      /** The state of the progress */
      states: string;
    };
    result: void;
  };
  /** GET /deviceStates: List all ARI controlled device states. */
  'deviceStates.list': {
    params: Record<string, never>;
    result: DeviceState[];
  };
  /** GET /deviceStates/{deviceName}: Retrieve the current state of a device. */
  'deviceStates.get': {
    params: {
      /** Name of the device */
      deviceName: string;
    };
    result: DeviceState;
  };
  /**
   * PUT /deviceStates/{deviceName}: Change the state of a device controlled by ARI. (Note - implicitly creates the device state).
   *
   * @throws 404 Device name is missing
   *
   * @throws 409 Uncontrolled device specified
   */
  'deviceStates.update': {
    params: {
      /** Name of the device */
      deviceName: string;
      /** Device state value */
      deviceState: 'NOT_INUSE' | 'INUSE' | 'BUSY' | 'INVALID' | 'UNAVAILABLE' | 'RINGING' | 'RINGINUSE' | 'ONHOLD';
    };
    result: void;
  };
  /**
   * DELETE /deviceStates/{deviceName}: Destroy a device-state controlled by ARI.
   *
   * @throws 404 Device name is missing
   *
   * @throws 409 Uncontrolled device specified
   */
  'deviceStates.delete': {
    params: {
      /** Name of the device */
      deviceName: string;
    };
    result: void;
  };
  /** GET /endpoints: List all endpoints. */
  'endpoints.list': {
    params: Record<string, never>;
    result: Endpoint[];
  };
  /**
   * PUT /endpoints/sendMessage: Send a message to some technology URI or endpoint.
   *
   * @throws 400 Invalid parameters for sending a message.
   *
   * @throws 404 Endpoint not found
   */
  'endpoints.sendMessage': {
    params: {
      /** The endpoint resource or technology specific URI to send the message to. Valid resources are pjsip, and xmpp. */
      to: string;
      /** The endpoint resource or technology specific identity to send this message from. Valid resources are pjsip, and xmpp. */
      from: string;
      /** The body of the message */
      body?: string;
      variables?: Record<string, string>;
    };
    result: void;
  };
  /**
   * POST /endpoints/refer: Refer an endpoint or technology URI to some technology URI or endpoint.
   *
   * @throws 400 Invalid parameters for referring.
   *
   * @throws 404 Endpoint not found
   */
  'endpoints.refer': {
    params: {
      /** The endpoint resource or technology specific URI that should be referred to somewhere. Valid resource is pjsip. */
      to: string;
      /** The endpoint resource or technology specific identity to refer from. */
      from: string;
      /** The endpoint resource or technology specific URI to refer to. */
      refer_to: string;
      /** If true and "refer_to" refers to an Asterisk endpoint, the "refer_to" value is set to point to this Asterisk endpoint - so the referee is referred to Asterisk. Otherwise, use the contact URI associated with the endpoint. */
      to_self?: boolean;
      /** The "variables" key in the body object holds technology specific key/value pairs to append to the message. These can be interpreted and used by the various resource types; for example, the pjsip resource type will add the key/value pairs as SIP headers. The "display_name" key is used by the PJSIP technology. Its value will be prepended as a display name to the Refer-To URI. */
      variables?: Record<string, string>;
    };
    result: void;
  };
  /**
   * GET /endpoints/{tech}: List available endoints for a given endpoint technology.
   *
   * @throws 404 Endpoints not found
   */
  'endpoints.listByTech': {
    params: {
      /** Technology of the endpoints (pjsip,iax2,...) */
      tech: string;
    };
    result: Endpoint[];
  };
  /**
   * GET /endpoints/{tech}/{resource}: Details for an endpoint.
   *
   * @throws 400 Invalid parameters for sending a message.
   *
   * @throws 404 Endpoints not found
   */
  'endpoints.get': {
    params: {
      /** Technology of the endpoint */
      tech: string;
      /** ID of the endpoint */
      resource: string;
    };
    result: Endpoint;
  };
  /**
   * PUT /endpoints/{tech}/{resource}/sendMessage: Send a message to some endpoint in a technology.
   *
   * @throws 400 Invalid parameters for sending a message.
   *
   * @throws 404 Endpoint not found
   */
  'endpoints.sendMessageToEndpoint': {
    params: {
      /** Technology of the endpoint */
      tech: string;
      /** ID of the endpoint */
      resource: string;
      /** The endpoint resource or technology specific identity to send this message from. Valid resources are pjsip and xmpp. */
      from: string;
      /** The body of the message */
      body?: string;
      variables?: Record<string, string>;
    };
    result: void;
  };
  /**
   * POST /endpoints/{tech}/{resource}/refer: Refer an endpoint or technology URI to some technology URI or endpoint.
   *
   * @throws 400 Invalid parameters for referring.
   *
   * @throws 404 Endpoint not found
   */
  'endpoints.referToEndpoint': {
    params: {
      /** Technology of the endpoint */
      tech: string;
      /** ID of the endpoint */
      resource: string;
      /** The endpoint resource or technology specific identity to refer from. */
      from: string;
      /** The endpoint resource or technology specific URI to refer to. */
      refer_to: string;
      /** If true and "refer_to" refers to an Asterisk endpoint, the "refer_to" value is set to point to this Asterisk endpoint - so the referee is referred to Asterisk. Otherwise, use the contact URI associated with the endpoint. */
      to_self?: boolean;
      /** The "variables" key in the body object holds technology specific key/value pairs to append to the message. These can be interpreted and used by the various resource types; for example, the pjsip resource type will add the key/value pairs as SIP headers, */
      variables?: Record<string, string>;
    };
    result: void;
  };
  /**
   * POST /events/user/{eventName}: Generate a user event.
   *
   * @throws 404 Application does not exist.
   *
   * @throws 422 Event source not found.
   *
   * @throws 400 Invalid even tsource URI or userevent data.
   */
  'events.userEvent': {
    params: {
      /** Event name */
      eventName: string;
      /** The name of the application that will receive this event */
      application: string;
      /** URI for event source (channel:{channelId}, bridge:{bridgeId}, endpoint:{tech}/{resource}, deviceState:{deviceName} */
      source?: string | Array<string>;
      /** The "variables" key in the body object holds custom key/value pairs to add to the user event. Ex. { "variables": { "key": "value" } } */
      variables?: Record<string, string>;
    };
    result: void;
  };
  /**
   * POST /events/claim: Claim a broadcast channel for this application.
   *
   * Atomically claims a channel that is in broadcast state. Only the first claim succeeds.
   *
   * @throws 404 Channel not found or not in broadcast state.
   *
   * @throws 409 Channel has already been claimed by another application.
   */
  'events.claimChannel': {
    params: {
      /** The ID of the channel to claim */
      channelId: string;
      /** The name of the application claiming the channel */
      application: string;
    };
    result: void;
  };
  /** GET /mailboxes: List all mailboxes. */
  'mailboxes.list': {
    params: Record<string, never>;
    result: Mailbox[];
  };
  /**
   * GET /mailboxes/{mailboxName}: Retrieve the current state of a mailbox.
   *
   * @throws 404 Mailbox not found
   */
  'mailboxes.get': {
    params: {
      /** Name of the mailbox */
      mailboxName: string;
    };
    result: Mailbox;
  };
  /**
   * PUT /mailboxes/{mailboxName}: Change the state of a mailbox. (Note - implicitly creates the mailbox).
   *
   * @throws 404 Mailbox not found
   */
  'mailboxes.update': {
    params: {
      /** Name of the mailbox */
      mailboxName: string;
      /** Count of old messages in the mailbox */
      oldMessages: number;
      /** Count of new messages in the mailbox */
      newMessages: number;
    };
    result: void;
  };
  /**
   * DELETE /mailboxes/{mailboxName}: Destroy a mailbox.
   *
   * @throws 404 Mailbox not found
   */
  'mailboxes.delete': {
    params: {
      /** Name of the mailbox */
      mailboxName: string;
    };
    result: void;
  };
  /**
   * GET /playbacks/{playbackId}: Get a playback's details.
   *
   * @throws 404 The playback cannot be found
   */
  'playbacks.get': {
    params: {
      /** Playback's id */
      playbackId: string;
    };
    result: Playback;
  };
  /**
   * DELETE /playbacks/{playbackId}: Stop a playback.
   *
   * @throws 404 The playback cannot be found
   */
  'playbacks.stop': {
    params: {
      /** Playback's id */
      playbackId: string;
    };
    result: void;
  };
  /**
   * POST /playbacks/{playbackId}/control: Control a playback.
   *
   * @throws 400 The provided operation parameter was invalid
   *
   * @throws 404 The playback cannot be found
   *
   * @throws 409 The operation cannot be performed in the playback's current state
   */
  'playbacks.control': {
    params: {
      /** Playback's id */
      playbackId: string;
      /** Operation to perform on the playback. */
      operation: 'restart' | 'pause' | 'unpause' | 'reverse' | 'forward';
    };
    result: void;
  };
  /** GET /recordings/stored: List recordings that are complete. */
  'recordings.listStored': {
    params: Record<string, never>;
    result: StoredRecording[];
  };
  /**
   * GET /recordings/stored/{recordingName}: Get a stored recording's details.
   *
   * @throws 404 Recording not found
   */
  'recordings.getStored': {
    params: {
      /** The name of the recording */
      recordingName: string;
    };
    result: StoredRecording;
  };
  /**
   * DELETE /recordings/stored/{recordingName}: Delete a stored recording.
   *
   * @throws 404 Recording not found
   */
  'recordings.deleteStored': {
    params: {
      /** The name of the recording */
      recordingName: string;
    };
    result: void;
  };
  /**
   * GET /recordings/stored/{recordingName}/file: Get the file associated with the stored recording.
   *
   * @throws 403 The recording file could not be opened
   *
   * @throws 404 Recording not found
   */
  'recordings.getStoredFile': {
    params: {
      /** The name of the recording */
      recordingName: string;
    };
    result: ArrayBuffer;
  };
  /**
   * POST /recordings/stored/{recordingName}/copy: Copy a stored recording.
   *
   * @throws 404 Recording not found
   *
   * @throws 409 A recording with the same name already exists on the system
   */
  'recordings.copyStored': {
    params: {
      /** The name of the recording to copy */
      recordingName: string;
      /** The destination name of the recording */
      destinationRecordingName: string;
    };
    result: StoredRecording;
  };
  /**
   * GET /recordings/live/{recordingName}: List live recordings.
   *
   * @throws 404 Recording not found
   */
  'recordings.getLive': {
    params: {
      /** The name of the recording */
      recordingName: string;
    };
    result: LiveRecording;
  };
  /**
   * DELETE /recordings/live/{recordingName}: Stop a live recording and discard it.
   *
   * @throws 404 Recording not found
   */
  'recordings.cancel': {
    params: {
      /** The name of the recording */
      recordingName: string;
    };
    result: void;
  };
  /**
   * POST /recordings/live/{recordingName}/stop: Stop a live recording and store it.
   *
   * @throws 404 Recording not found
   */
  'recordings.stop': {
    params: {
      /** The name of the recording */
      recordingName: string;
    };
    result: void;
  };
  /**
   * POST /recordings/live/{recordingName}/pause: Pause a live recording.
   *
   * Pausing a recording suspends silence detection, which will be restarted when the recording is unpaused. Paused time is not included in the accounting for maxDurationSeconds.
   *
   * @throws 404 Recording not found
   *
   * @throws 409 Recording not in session
   */
  'recordings.pause': {
    params: {
      /** The name of the recording */
      recordingName: string;
    };
    result: void;
  };
  /**
   * DELETE /recordings/live/{recordingName}/pause: Unpause a live recording.
   *
   * @throws 404 Recording not found
   *
   * @throws 409 Recording not in session
   */
  'recordings.unpause': {
    params: {
      /** The name of the recording */
      recordingName: string;
    };
    result: void;
  };
  /**
   * POST /recordings/live/{recordingName}/mute: Mute a live recording.
   *
   * Muting a recording suspends silence detection, which will be restarted when the recording is unmuted.
   *
   * @throws 404 Recording not found
   *
   * @throws 409 Recording not in session
   */
  'recordings.mute': {
    params: {
      /** The name of the recording */
      recordingName: string;
    };
    result: void;
  };
  /**
   * DELETE /recordings/live/{recordingName}/mute: Unmute a live recording.
   *
   * @throws 404 Recording not found
   *
   * @throws 409 Recording not in session
   */
  'recordings.unmute': {
    params: {
      /** The name of the recording */
      recordingName: string;
    };
    result: void;
  };
  /** GET /sounds: List all sounds. */
  'sounds.list': {
    params: {
      /** Lookup sound for a specific language. */
      lang?: string;
      /** Lookup sound in a specific format. */
      format?: string;
    };
    result: Sound[];
  };
  /** GET /sounds/{soundId}: Get a sound's details. */
  'sounds.get': {
    params: {
      /** Sound's id */
      soundId: string;
    };
    result: Sound;
  };
}

/** Name of a REST operation: `<resource>.<nickname>` as in the swagger files. */
export type AriOperationId = keyof AriOperations;

/** How to put an operation on the wire. Body params of kind `field` go in as `{ [name]: value }`; kind `whole` is the body itself. */
export interface AriOperationMeta {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly query: readonly string[];
  readonly body: readonly { readonly name: string; readonly kind: 'field' | 'whole' }[];
}

/** Wire description of every operation in {@link AriOperations}. */
export const ARI_OPERATIONS: { readonly [K in AriOperationId]: AriOperationMeta } = {
  'applications.list': { method: 'GET', path: '/applications', query: [], body: [] },
  'applications.get': { method: 'GET', path: '/applications/{applicationName}', query: [], body: [] },
  'applications.subscribe': { method: 'POST', path: '/applications/{applicationName}/subscription', query: ['eventSource'], body: [] },
  'applications.unsubscribe': { method: 'DELETE', path: '/applications/{applicationName}/subscription', query: ['eventSource'], body: [] },
  'applications.filter': { method: 'PUT', path: '/applications/{applicationName}/eventFilter', query: [], body: [{ name: 'filter', kind: 'whole' }] },
  'asterisk.getObject': { method: 'GET', path: '/asterisk/config/dynamic/{configClass}/{objectType}/{id}', query: [], body: [] },
  'asterisk.updateObject': { method: 'PUT', path: '/asterisk/config/dynamic/{configClass}/{objectType}/{id}', query: [], body: [{ name: 'fields', kind: 'field' }] },
  'asterisk.deleteObject': { method: 'DELETE', path: '/asterisk/config/dynamic/{configClass}/{objectType}/{id}', query: [], body: [] },
  'asterisk.getInfo': { method: 'GET', path: '/asterisk/info', query: ['only'], body: [] },
  'asterisk.ping': { method: 'GET', path: '/asterisk/ping', query: [], body: [] },
  'asterisk.listModules': { method: 'GET', path: '/asterisk/modules', query: [], body: [] },
  'asterisk.getModule': { method: 'GET', path: '/asterisk/modules/{moduleName}', query: [], body: [] },
  'asterisk.loadModule': { method: 'POST', path: '/asterisk/modules/{moduleName}', query: [], body: [] },
  'asterisk.unloadModule': { method: 'DELETE', path: '/asterisk/modules/{moduleName}', query: [], body: [] },
  'asterisk.reloadModule': { method: 'PUT', path: '/asterisk/modules/{moduleName}', query: [], body: [] },
  'asterisk.listLogChannels': { method: 'GET', path: '/asterisk/logging', query: [], body: [] },
  'asterisk.addLog': { method: 'POST', path: '/asterisk/logging/{logChannelName}', query: ['configuration'], body: [] },
  'asterisk.deleteLog': { method: 'DELETE', path: '/asterisk/logging/{logChannelName}', query: [], body: [] },
  'asterisk.rotateLog': { method: 'PUT', path: '/asterisk/logging/{logChannelName}/rotate', query: [], body: [] },
  'asterisk.getGlobalVar': { method: 'GET', path: '/asterisk/variable', query: ['variable'], body: [] },
  'asterisk.setGlobalVar': { method: 'POST', path: '/asterisk/variable', query: ['variable', 'value'], body: [] },
  'bridges.list': { method: 'GET', path: '/bridges', query: [], body: [] },
  'bridges.create': { method: 'POST', path: '/bridges', query: ['type', 'bridgeId', 'name'], body: [{ name: 'variables', kind: 'field' }] },
  'bridges.createWithId': { method: 'POST', path: '/bridges/{bridgeId}', query: ['type', 'name'], body: [{ name: 'variables', kind: 'field' }] },
  'bridges.get': { method: 'GET', path: '/bridges/{bridgeId}', query: [], body: [] },
  'bridges.destroy': { method: 'DELETE', path: '/bridges/{bridgeId}', query: [], body: [] },
  'bridges.getBridgeVar': { method: 'GET', path: '/bridges/{bridgeId}/variable', query: ['variable'], body: [] },
  'bridges.setBridgeVar': { method: 'POST', path: '/bridges/{bridgeId}/variable', query: ['variable', 'value', 'report_events'], body: [] },
  'bridges.getBridgeVars': { method: 'GET', path: '/bridges/{bridgeId}/variables', query: ['variables'], body: [] },
  'bridges.setBridgeVars': { method: 'POST', path: '/bridges/{bridgeId}/variables', query: [], body: [{ name: 'variables', kind: 'field' }] },
  'bridges.addChannel': { method: 'POST', path: '/bridges/{bridgeId}/addChannel', query: ['channel', 'role', 'absorbDTMF', 'mute', 'inhibitConnectedLineUpdates'], body: [] },
  'bridges.removeChannel': { method: 'POST', path: '/bridges/{bridgeId}/removeChannel', query: ['channel'], body: [] },
  'bridges.setVideoSource': { method: 'POST', path: '/bridges/{bridgeId}/videoSource/{channelId}', query: [], body: [] },
  'bridges.clearVideoSource': { method: 'DELETE', path: '/bridges/{bridgeId}/videoSource', query: [], body: [] },
  'bridges.startMoh': { method: 'POST', path: '/bridges/{bridgeId}/moh', query: ['mohClass'], body: [] },
  'bridges.stopMoh': { method: 'DELETE', path: '/bridges/{bridgeId}/moh', query: [], body: [] },
  'bridges.play': { method: 'POST', path: '/bridges/{bridgeId}/play', query: ['media', 'announcer_format', 'lang', 'offsetms', 'skipms', 'playbackId'], body: [] },
  'bridges.playWithId': { method: 'POST', path: '/bridges/{bridgeId}/play/{playbackId}', query: ['media', 'announcer_format', 'lang', 'offsetms', 'skipms'], body: [] },
  'bridges.record': { method: 'POST', path: '/bridges/{bridgeId}/record', query: ['name', 'format', 'recorder_format', 'maxDurationSeconds', 'maxSilenceSeconds', 'ifExists', 'beep', 'terminateOn'], body: [] },
  'channels.list': { method: 'GET', path: '/channels', query: [], body: [] },
  'channels.originate': { method: 'POST', path: '/channels', query: ['endpoint', 'extension', 'context', 'priority', 'label', 'app', 'appArgs', 'callerId', 'timeout', 'channelId', 'otherChannelId', 'originator', 'formats'], body: [{ name: 'variables', kind: 'field' }] },
  'channels.create': { method: 'POST', path: '/channels/create', query: ['endpoint', 'app', 'appArgs', 'channelId', 'otherChannelId', 'originator', 'formats'], body: [{ name: 'variables', kind: 'field' }] },
  'channels.get': { method: 'GET', path: '/channels/{channelId}', query: [], body: [] },
  'channels.originateWithId': { method: 'POST', path: '/channels/{channelId}', query: ['endpoint', 'extension', 'context', 'priority', 'label', 'app', 'appArgs', 'callerId', 'timeout', 'otherChannelId', 'originator', 'formats'], body: [{ name: 'variables', kind: 'field' }] },
  'channels.hangup': { method: 'DELETE', path: '/channels/{channelId}', query: ['reason_code', 'reason'], body: [] },
  'channels.continueInDialplan': { method: 'POST', path: '/channels/{channelId}/continue', query: ['context', 'extension', 'priority', 'label'], body: [] },
  'channels.move': { method: 'POST', path: '/channels/{channelId}/move', query: ['app', 'appArgs'], body: [] },
  'channels.redirect': { method: 'POST', path: '/channels/{channelId}/redirect', query: ['endpoint'], body: [] },
  'channels.answer': { method: 'POST', path: '/channels/{channelId}/answer', query: [], body: [] },
  'channels.ring': { method: 'POST', path: '/channels/{channelId}/ring', query: [], body: [] },
  'channels.ringStop': { method: 'DELETE', path: '/channels/{channelId}/ring', query: [], body: [] },
  'channels.progress': { method: 'POST', path: '/channels/{channelId}/progress', query: [], body: [] },
  'channels.sendDTMF': { method: 'POST', path: '/channels/{channelId}/dtmf', query: ['dtmf', 'before', 'between', 'duration', 'after'], body: [] },
  'channels.mute': { method: 'POST', path: '/channels/{channelId}/mute', query: ['direction'], body: [] },
  'channels.unmute': { method: 'DELETE', path: '/channels/{channelId}/mute', query: ['direction'], body: [] },
  'channels.hold': { method: 'POST', path: '/channels/{channelId}/hold', query: [], body: [] },
  'channels.unhold': { method: 'DELETE', path: '/channels/{channelId}/hold', query: [], body: [] },
  'channels.startMoh': { method: 'POST', path: '/channels/{channelId}/moh', query: ['mohClass'], body: [] },
  'channels.stopMoh': { method: 'DELETE', path: '/channels/{channelId}/moh', query: [], body: [] },
  'channels.startSilence': { method: 'POST', path: '/channels/{channelId}/silence', query: [], body: [] },
  'channels.stopSilence': { method: 'DELETE', path: '/channels/{channelId}/silence', query: [], body: [] },
  'channels.play': { method: 'POST', path: '/channels/{channelId}/play', query: ['media', 'lang', 'offsetms', 'skipms', 'playbackId'], body: [] },
  'channels.playWithId': { method: 'POST', path: '/channels/{channelId}/play/{playbackId}', query: ['media', 'lang', 'offsetms', 'skipms'], body: [] },
  'channels.record': { method: 'POST', path: '/channels/{channelId}/record', query: ['name', 'format', 'maxDurationSeconds', 'maxSilenceSeconds', 'ifExists', 'beep', 'terminateOn'], body: [] },
  'channels.getChannelVar': { method: 'GET', path: '/channels/{channelId}/variable', query: ['variable'], body: [] },
  'channels.setChannelVar': { method: 'POST', path: '/channels/{channelId}/variable', query: ['variable', 'value', 'report_events'], body: [] },
  'channels.getChannelVars': { method: 'GET', path: '/channels/{channelId}/variables', query: ['variables'], body: [] },
  'channels.setChannelVars': { method: 'POST', path: '/channels/{channelId}/variables', query: [], body: [{ name: 'variables', kind: 'field' }] },
  'channels.snoopChannel': { method: 'POST', path: '/channels/{channelId}/snoop', query: ['spy', 'whisper', 'app', 'appArgs', 'snoopId'], body: [] },
  'channels.snoopChannelWithId': { method: 'POST', path: '/channels/{channelId}/snoop/{snoopId}', query: ['spy', 'whisper', 'app', 'appArgs'], body: [] },
  'channels.dial': { method: 'POST', path: '/channels/{channelId}/dial', query: ['caller', 'timeout'], body: [] },
  'channels.rtpstatistics': { method: 'GET', path: '/channels/{channelId}/rtp_statistics', query: [], body: [] },
  'channels.externalMedia': { method: 'POST', path: '/channels/externalMedia', query: ['channelId', 'app', 'external_host', 'encapsulation', 'transport', 'connection_type', 'format', 'direction', 'data', 'transport_data'], body: [{ name: 'variables', kind: 'field' }] },
  'channels.transfer_progress': { method: 'POST', path: '/channels/{channelId}/transfer_progress', query: ['states'], body: [] },
  'deviceStates.list': { method: 'GET', path: '/deviceStates', query: [], body: [] },
  'deviceStates.get': { method: 'GET', path: '/deviceStates/{deviceName}', query: [], body: [] },
  'deviceStates.update': { method: 'PUT', path: '/deviceStates/{deviceName}', query: ['deviceState'], body: [] },
  'deviceStates.delete': { method: 'DELETE', path: '/deviceStates/{deviceName}', query: [], body: [] },
  'endpoints.list': { method: 'GET', path: '/endpoints', query: [], body: [] },
  'endpoints.sendMessage': { method: 'PUT', path: '/endpoints/sendMessage', query: ['to', 'from', 'body'], body: [{ name: 'variables', kind: 'field' }] },
  'endpoints.refer': { method: 'POST', path: '/endpoints/refer', query: ['to', 'from', 'refer_to', 'to_self'], body: [{ name: 'variables', kind: 'field' }] },
  'endpoints.listByTech': { method: 'GET', path: '/endpoints/{tech}', query: [], body: [] },
  'endpoints.get': { method: 'GET', path: '/endpoints/{tech}/{resource}', query: [], body: [] },
  'endpoints.sendMessageToEndpoint': { method: 'PUT', path: '/endpoints/{tech}/{resource}/sendMessage', query: ['from', 'body'], body: [{ name: 'variables', kind: 'field' }] },
  'endpoints.referToEndpoint': { method: 'POST', path: '/endpoints/{tech}/{resource}/refer', query: ['from', 'refer_to', 'to_self'], body: [{ name: 'variables', kind: 'field' }] },
  'events.userEvent': { method: 'POST', path: '/events/user/{eventName}', query: ['application', 'source'], body: [{ name: 'variables', kind: 'field' }] },
  'events.claimChannel': { method: 'POST', path: '/events/claim', query: ['channelId', 'application'], body: [] },
  'mailboxes.list': { method: 'GET', path: '/mailboxes', query: [], body: [] },
  'mailboxes.get': { method: 'GET', path: '/mailboxes/{mailboxName}', query: [], body: [] },
  'mailboxes.update': { method: 'PUT', path: '/mailboxes/{mailboxName}', query: ['oldMessages', 'newMessages'], body: [] },
  'mailboxes.delete': { method: 'DELETE', path: '/mailboxes/{mailboxName}', query: [], body: [] },
  'playbacks.get': { method: 'GET', path: '/playbacks/{playbackId}', query: [], body: [] },
  'playbacks.stop': { method: 'DELETE', path: '/playbacks/{playbackId}', query: [], body: [] },
  'playbacks.control': { method: 'POST', path: '/playbacks/{playbackId}/control', query: ['operation'], body: [] },
  'recordings.listStored': { method: 'GET', path: '/recordings/stored', query: [], body: [] },
  'recordings.getStored': { method: 'GET', path: '/recordings/stored/{recordingName}', query: [], body: [] },
  'recordings.deleteStored': { method: 'DELETE', path: '/recordings/stored/{recordingName}', query: [], body: [] },
  'recordings.getStoredFile': { method: 'GET', path: '/recordings/stored/{recordingName}/file', query: [], body: [] },
  'recordings.copyStored': { method: 'POST', path: '/recordings/stored/{recordingName}/copy', query: ['destinationRecordingName'], body: [] },
  'recordings.getLive': { method: 'GET', path: '/recordings/live/{recordingName}', query: [], body: [] },
  'recordings.cancel': { method: 'DELETE', path: '/recordings/live/{recordingName}', query: [], body: [] },
  'recordings.stop': { method: 'POST', path: '/recordings/live/{recordingName}/stop', query: [], body: [] },
  'recordings.pause': { method: 'POST', path: '/recordings/live/{recordingName}/pause', query: [], body: [] },
  'recordings.unpause': { method: 'DELETE', path: '/recordings/live/{recordingName}/pause', query: [], body: [] },
  'recordings.mute': { method: 'POST', path: '/recordings/live/{recordingName}/mute', query: [], body: [] },
  'recordings.unmute': { method: 'DELETE', path: '/recordings/live/{recordingName}/mute', query: [], body: [] },
  'sounds.list': { method: 'GET', path: '/sounds', query: ['lang', 'format'], body: [] },
  'sounds.get': { method: 'GET', path: '/sounds/{soundId}', query: [], body: [] },
};
