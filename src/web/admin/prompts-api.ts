/** The config editor's prompts (src/http/routes/admin-prompts-routes.ts): list, upload a WAV, listen. */
import { call, HttpError } from '../api.js';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../contract/csrf.js';
import type { PromptFile, PromptList, PromptRow, StoredPrompt } from '../../contract/http-admin-config.js';

// The replies' types are the contract's (src/contract/http-admin-config.ts): the routes reply through the same schemas.
export type { PromptFile, PromptList, PromptRow, StoredPrompt };

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
