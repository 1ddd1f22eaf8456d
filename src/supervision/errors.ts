/** Fixed-code errors of supervision (decision 0009 #5). */
import { defineErrors } from '../errors/index.js';

const SupervisionErrorBase = defineErrors('SupervisionError', {
  /** Not an answered call whose agent is on browser audio (or it ended meanwhile). */
  SUPERVISION_CALL_NOT_FOUND: [404, 'no answered call with browser audio by that id'],
  SUPERVISION_NOT_ACTIVE: [409, 'you are not supervising a call'],
  SUPERVISION_AUDIO_NOT_READY: [409, 'your browser audio is not connected; allow the microphone and try again'],
  SUPERVISION_DISABLED: [503, 'supervision needs browser audio and telephony, which this server runs without'],
});

export type SupervisionErrorCode = keyof typeof SupervisionErrorBase.catalogue;

export class SupervisionError extends SupervisionErrorBase {
  declare readonly code: SupervisionErrorCode;
  constructor(code: SupervisionErrorCode) {
    super(code);
  }
}
