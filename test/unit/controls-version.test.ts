/**
 * The console keeps the newer of two views of a call's controls: a command's reply, which waits
 * for the fsync, must not undo a push that came before it (the three-way call shown "dialling"
 * after the unit had answered).
 */
import t from 'tap';
import type { CallControlsView } from '../../src/contract/index.js';
import { newerControls } from '../../src/web/components/controls-version.js';

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
