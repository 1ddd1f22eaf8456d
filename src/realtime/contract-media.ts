/**
 * Socket events of softphone media signalling (mediasoup transports, producers, consumers). Part of the one typed contract (contract.ts extends these interfaces);
 * payload schemas here are validated by realtime/ before anything runs.
 */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MediaServerEvents {}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MediaClientEvents {}
