export { PromptError, type PromptErrorCode } from './prompt-errors.js';
export { PromptLibrary, PROMPT_MAX_BYTES, UPLOAD_NAME, checkUploadName, type PromptFile, type StoredPrompt } from './prompt-library.js';
export { ASTERISK_RATE, PROMPT_MAX_SECONDS, decodeWav, toAsteriskWav, sniffFormat, type Pcm } from './prompt-audio.js';
