/** Refusals of recording playback (issue 13), one catalogue (decision 0009 #5). */
import { defineErrors } from '../errors/index.js';

export class RecordingError extends defineErrors('RecordingError', {
  /** No such recording, or one outside the reader's scope (its existence is not confirmed). */
  RECORDING_NOT_FOUND: [404, 'no such recording'],
  /** Asterisk is still writing it, or it is on its way into storage. */
  RECORDING_NOT_READY: [409, 'the recording is not stored yet'],
  /** Deleted after the retention period (config/recording.yaml retentionDays). */
  RECORDING_PURGED: [410, 'the recording was deleted after its retention period'],
  /** A Range header no byte of the file satisfies. */
  RANGE_NOT_SATISFIABLE: [416, 'the range lies outside the recording'],
}) {}
