/**
 * What each supervision mode means for Asterisk and for the lead's microphone (pure; decision
 * 0014). The snoop channel sits on the agent's browser-audio channel (externalMedia) and always
 * spies both directions, so the lead hears the citizen (what the agent hears) and the agent:
 * - whisper `out`: mixed into what Asterisk sends that channel — only the agent hears the lead;
 * - whisper `both`: also into what Asterisk reads from it, i.e. into the call's bridge — the
 *   citizen hears the lead as if the agent spoke (barge).
 */
import type { SupervisionMode } from '../contract/supervision.js';

export type WhisperDirection = 'none' | 'out' | 'both';

const WHISPER: Record<SupervisionMode, WhisperDirection> = { listen: 'none', whisper: 'out', barge: 'both' };

/** The snoop channel's whisper direction for `mode`. */
export const whisperFor = (mode: SupervisionMode): WhisperDirection => WHISPER[mode];

/** Whether the lead's microphone is sent to Asterisk at all (listen: paused, nothing leaves the browser's consumer). */
export const leadTalks = (mode: SupervisionMode): boolean => mode !== 'listen';
