export { attachRealtime, type Realtime, type RealtimeOptions } from './server.js';
export type { RealtimeServer } from './session.js';
export type { ConsoleCommands } from '../contract/console-commands.js';
export type { SocketData } from './session.js';
export * from '../contract/index.js';
