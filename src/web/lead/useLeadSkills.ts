/**
 * The agents' skills on the shift-lead page (issue 11 item 2, decision 0015): loaded over HTTP, kept
 * current by `agent:skills` (another lead's or an administrator's change shows without a reload),
 * and loaded again after a reconnect for the changes missed meanwhile.
 */
import { useEffect, type RefObject } from 'react';
import { useAgentSkills } from '../skills-api.js';
import type { LeadSocket } from './useLeadSocket.js';

export function useLeadSkills(socketRef: RefObject<LeadSocket | null>, connected: boolean) {
  const skills = useAgentSkills();
  const { apply, reload } = skills;
  useEffect(() => {
    const socket = socketRef.current;
    if (!socket || !connected) return;
    void reload();
    socket.on('agent:skills', apply);
    return () => {
      socket.off('agent:skills', apply);
    };
  }, [socketRef, connected, apply, reload]);
  return skills;
}
