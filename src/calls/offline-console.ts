/** Console commands when telephony is switched off (SUNLINE_TELEPHONY=false): views work, actions say why not. */
import type { AgentsService } from '../agents/agents-service.js';
import type { AgentView, QueueSnapshot, ScreenPop } from '../contract/index.js';
import type { ConsoleCommands } from '../contract/console-commands.js';
import { TelephonyError } from '../telephony/errors.js';

const unavailable = () => Promise.reject(new TelephonyError('ASTERISK_UNAVAILABLE', { detail: 'telephony is switched off on this server' }));

export function offlineConsole(agents: AgentsService, now: () => number = Date.now): ConsoleCommands {
  return {
    agentView: (id: number): AgentView => agents.view(id),
    pendingOffer: (): Promise<ScreenPop | null> => Promise.resolve(null),
    callInProgress: (): Promise<ScreenPop | null> => Promise.resolve(null),
    consoleConnected: () => undefined,
    consoleClosed: () => undefined,
    queueSnapshot: (): QueueSnapshot => ({ at: now(), waiting: [], agents: agents.loggedIn() }),
    telephonyUp: () => false,
    agentLogin: unavailable,
    agentLogout: unavailable,
    agentPause: unavailable,
    agentUnpause: unavailable,
    wrapUpDone: unavailable,
    answer: unavailable,
    reject: unavailable,
    setPriority: unavailable,
    withdraw: unavailable,
    callControls: () => null,
    hangup: unavailable,
    hold: unavailable,
    mute: unavailable,
    sendDtmf: unavailable,
    transfer: unavailable,
    conference: unavailable,
    dropConference: unavailable,
    dial: unavailable,
    outboundCall: () => null,
  };
}
