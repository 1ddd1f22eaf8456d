/**
 * Socket events of the shift-lead view (queue statistics). Part of the one typed contract (contract.ts extends these interfaces);
 * payload schemas here are validated by realtime/ before anything runs.
 */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LeadServerEvents {}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LeadClientEvents {}
