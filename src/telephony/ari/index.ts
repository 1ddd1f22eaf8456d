/** Public surface of the ARI client: import from `src/telephony/ari/index.js`. */
export { AriClient, type AriClientOptions, type AriClientEvents, type AriSnapshot, type TelephonyHealth } from './client.js';
export { AriRest, translateAriStatus, translateFetchError, type AriParams, type AriResult } from './rest.js';
export type { ConnectionState } from './event-socket.js';
export { ApplicationsApi, AsteriskApi, BridgesApi, ChannelsApi, DeviceStatesApi, PlaybacksApi } from './resources.js';
export { maskNumber, redactNumbers } from './redact.js';
export type * from './generated/ari-types.js';
export { ARI_API_VERSION, ARI_EVENT_TYPES, ARI_OPERATIONS } from './generated/ari-types.js';
