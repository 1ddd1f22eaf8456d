/** Call recordings for the web app (GET /api/recordings; issue 13). */
import type { RecordingListDto, RecordingViewDto } from '../contract/recordings.js';
import { call } from './api.js';

export type Recording = RecordingViewDto;

export const orderRecordings = (orderId: number) => call<RecordingListDto>('GET', `/api/recordings?orderId=${orderId}`).then((r) => r.items);

/** The signed-in agent's own calls' latest recordings, newest first. */
export const myRecordings = () => call<RecordingListDto>('GET', '/api/recordings/mine').then((r) => r.items);

/** One call's recordings (quality inspection; an agent's own calls). */
export const callRecordings = (callId: string) => call<RecordingListDto>('GET', `/api/recordings?callId=${encodeURIComponent(callId)}`).then((r) => r.items);

/** The audio, streamed with ranges (the <audio> element seeks); every request is audited. */
export const recordingUrl = (id: string, download = false) => `/api/recordings/${encodeURIComponent(id)}${download ? '?download=1' : ''}`;
