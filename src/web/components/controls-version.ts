/**
 * Which of two views of a call's controls a console keeps. A command's reply carries the view
 * as it was when the command finished, but replies wait for the commit's fsync, so a later
 * change's push (the unit answering a three-way call, say) can arrive before it: the view with
 * the higher `version` of the same call wins; a view of another call replaces the old one.
 */
import type { CallControlsView } from '../../contract/index.js';

export function newerControls(prev: CallControlsView | null, next: CallControlsView): CallControlsView {
  return prev !== null && prev.callId === next.callId && prev.version > next.version ? prev : next;
}
