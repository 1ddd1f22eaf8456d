/**
 * A switchboard for the agents service alone (AgentsService's queue membership, pause and device
 * state): up, and every command done at once without Asterisk. A test that watches one of them
 * passes its own. The call logic's fake, which records what it is asked, is fake-call-center.ts's.
 */
import type { Switchboard } from '../../src/telephony/switchboard.js';

type AgentCommands = Pick<Switchboard, 'setAgentDevice' | 'addAgent' | 'removeAgent' | 'pauseAgent'>;

export function agentsSwitchboard(own: Partial<AgentCommands> = {}): Switchboard {
  const commands: AgentCommands = {
    setAgentDevice: async () => undefined,
    addAgent: async () => undefined,
    removeAgent: async () => undefined,
    pauseAgent: async () => undefined,
  };
  return { isUp: () => true, ...commands, ...own } as unknown as Switchboard;
}
