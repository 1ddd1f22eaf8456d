/** Public surface of the AMI gateway: import from `src/telephony/ami/index.js`. */
export { AmiGateway, type AmiGatewayOptions, type AmiGatewayEvents } from './gateway.js';
export { QueueControl, type QueueAddInput, type QueuePauseInput, type QueueStatusResult } from './queue-control.js';
export type * from './types.js';
