/** Socket routes of contract-controls.ts: agents only, on their own call. */
import { ControlsCallPayload, DtmfPayload, HoldPayload, MutePayload, UnitTargetPayload, type ControlsClientEvents } from '../contract/controls.js';
import { withPayload, type Route } from './route.js';

export const CONTROLS_ROUTES: Record<keyof ControlsClientEvents, Route> = {
  'call:hangup': withPayload('agent', ControlsCallPayload, (c, p) => c.commands.hangup(c.user.id, p.callId)),
  'call:hold': withPayload('agent', HoldPayload, (c, p) => c.commands.hold(c.user.id, p.callId, p.held)),
  'call:mute': withPayload('agent', MutePayload, (c, p) => c.commands.mute(c.user.id, p.callId, p.muted)),
  'call:dtmf': withPayload('agent', DtmfPayload, (c, p) => c.commands.sendDtmf(c.user.id, p.callId, p.digits)),
  'call:transfer': withPayload('agent', UnitTargetPayload, (c, p) => c.commands.transfer(c.user.id, p.callId, p.unitId)),
  'call:conference': withPayload('agent', UnitTargetPayload, (c, p) => c.commands.conference(c.user.id, p.callId, p.unitId)),
  'call:conference_drop': withPayload('agent', ControlsCallPayload, (c, p) => c.commands.dropConference(c.user.id, p.callId)),
};
