/**
 * Pause reasons come from config/agents.yaml (issue 11 item 3): the console commands are wrapped
 * so that a pause with any other reason is refused with 400 UNKNOWN_PAUSE_REASON before anything
 * moves (the ringing call is not declined, the agent stays as they were), whoever asks (the agent,
 * or a shift lead for an agent). The list is read at each pause: a hot reload applies at once.
 */
import type { ConsoleCommands } from '../contract/console-commands.js';
import { AgentError } from './agents-service.js';

export function withConfiguredPauseReasons(commands: ConsoleCommands, codes: () => readonly string[]): ConsoleCommands {
  return {
    ...commands,
    agentPause: async (agentId, reason) => {
      if (!codes().includes(reason)) throw new AgentError('UNKNOWN_PAUSE_REASON', `"${reason}" is not a pause reason of config/agents.yaml`);
      return commands.agentPause(agentId, reason);
    },
  };
}
