/**
 * The console keeps the newer of two views: a command's reply, which waits for the fsync, must
 * not undo a push that came before it (the three-way call shown "dialling" after the unit had
 * answered; "available" shown after a call was offered).
 */
import t from 'tap';
import type { AgentView, CallControlsView } from '../../src/contract/index.js';
import { newerAgentView, newerControls } from '../../src/web/components/newer-view.js';

const v = (callId: string, version: number, state: 'dialing' | 'up' | null): CallControlsView => ({
  callId,
  agentId: 1,
  callerNumber: '139',
  held: false,
  muted: false,
  conference: state ? { unitId: 'u', unitName: 'U', state } : null,
  transferredTo: null,
  at: 0,
  version,
});

t.test('the newer view of a call wins whatever order they arrive in', async (t) => {
  const up = v('c1', 7, 'up');
  const dialing = v('c1', 6, 'dialing');
  t.equal(newerControls(up, dialing), up, 'a late reply does not undo the push');
  t.equal(newerControls(dialing, up), up);
  t.equal(newerControls(null, dialing), dialing);
  const other = v('c2', 1, null);
  t.equal(newerControls(up, other), other, 'another call replaces the old one whatever its version');
});

t.test('the newer agent state wins: a late 示闲 reply does not hide the ringing that followed', async (t) => {
  const a = (state: AgentView['state'], since: number, agentId = 1): AgentView => ({
    agentId,
    displayName: 'A',
    state,
    since,
    pauseReason: null,
    callId: null,
    penalty: 0,
  });
  const ringing = a('ringing', 2000);
  const available = a('available', 1000);
  t.equal(newerAgentView(ringing, available), ringing);
  t.equal(newerAgentView(available, ringing), ringing);
  t.equal(newerAgentView(null, available), available);
  const samePhase = a('available', 1000);
  t.equal(newerAgentView(available, samePhase), samePhase, 'the same state: the later arrival');
  const other = a('paused', 10, 2);
  t.equal(newerAgentView(ringing, other), other, 'another agent replaces the old view');
});
