export { attachRealtime, type Realtime, type RealtimeOptions } from './server.js';
export type { RealtimeServer } from './broadcast.js';
export type { ConsoleCommands } from './commands.js';
export type { SocketData } from './session.js';
export * from './contract.js';
