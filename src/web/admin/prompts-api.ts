/** The config editor's prompts (src/http/routes/admin-prompts-routes.ts): list, upload a WAV, listen. */
import { call, HttpError } from '../api.js';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../contract/csrf.js';

export interface PromptFile {
  file: string;
  bytes: number;
  modifiedAt: number;
  seconds: number | null;
  /** A .wav that Asterisk plays as it is (8 kHz mono 16-bit); null for other formats. */
  playable: boolean | null;
}

export interface PromptRow {
  name: string;
  /** FILE:LINE:COL of each place the running configuration names it (empty: an upload nothing uses yet). */
  uses: string[];
  files: PromptFile[];
}

export interface PromptList {
  reachable: boolean;
  maxBytes: number;
  maxSeconds: number;
  prompts: PromptRow[];
}

export interface StoredPrompt {
  name: string;
  file: string;
  seconds: number;
  replaced: string[];
}

/** Names an upload may take (the server checks the same: 400 PROMPT_NAME_INVALID). */
export const UPLOAD_NAME = /^sunline\/[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

export const listPrompts = () => call<PromptList>('GET', '/api/admin/config/prompts');

export const promptAudioUrl = (name: string) => `/api/admin/config/prompts/audio?name=${encodeURIComponent(name)}`;

/** The file itself is the body; the server converts it to what Asterisk plays. */
export async function uploadPrompt(name: string, file: File): Promise<StoredPrompt> {
  const res = await fetch(`/api/admin/config/prompts?name=${encodeURIComponent(name)}`, {
    method: 'PUT',
    credentials: 'same-origin',
    headers: { [CSRF_HEADER]: CSRF_HEADER_VALUE, 'content-type': file.type === 'audio/mpeg' ? 'audio/mpeg' : 'audio/wav' },
    body: file,
  });
  if (!res.ok) {
    const err = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    throw new HttpError(res.status, err?.error?.code ?? 'HTTP_ERROR', err?.error?.message);
  }
  return (await res.json()) as StoredPrompt;
}
