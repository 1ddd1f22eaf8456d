/**
 * Socket events of in-call controls (hang up, hold, mute, DTMF, transfer, three-way call). Part of the one typed contract (contract.ts extends these interfaces);
 * payload schemas here are validated by realtime/ before anything runs.
 */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ControlsServerEvents {}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ControlsClientEvents {}
