/**
 * Refusals of a prompt upload (issue 11 item 5): coded 4xx through the shared error handler;
 * nothing is written to the sounds folder when one is thrown.
 */
import { defineErrors } from '../errors/index.js';

export class PromptError extends defineErrors('PromptError', {
  /** Uploaded prompts live under sunline/ (Asterisk's own sounds are never overwritten). */
  PROMPT_NAME_INVALID: [400, 'a prompt name is sunline/ and then letters, digits, "-" or "_" (at most 64), without an extension'],
  /** Neither a WAV nor an MP3 file, or a WAV encoding other than PCM or float (A-law, ADPCM…). */
  PROMPT_FORMAT_UNSUPPORTED: [415, 'upload a WAV (PCM or float samples) or MP3 file'],
  /** A WAV or MP3 file that cannot be read, holds no sound or lasts too long. */
  PROMPT_AUDIO_INVALID: [422, 'the sound file cannot be used as a prompt'],
  /** The sounds folder (SUNLINE_SOUNDS_DIR) cannot be written from here. */
  PROMPT_SOUNDS_UNAVAILABLE: [503, 'the sounds folder cannot be written (SUNLINE_SOUNDS_DIR)'],
  PROMPT_NOT_FOUND: [404, 'no such prompt in the sounds folder'],
}) {}

export type PromptErrorCode = keyof typeof PromptError.catalogue;
