/**
 * Prompts of the config editor (issue 11 item 5), for administrators: the sounds numbers.yaml and
 * ivr.yaml name (with where, and which files the sounds folder holds for each), an upload that
 * (WAV or MP3) becomes the 8 kHz mono 16-bit WAV Asterisk plays (prompts/prompt-library.ts), and the stored
 * file to listen to. The upload's body is the file itself (Content-Type audio/wav or
 * application/octet-stream; the format is judged by content); each upload is audited
 * (config.prompt) and the prompt check of /health/ready runs again at once.
 */
import { createReadStream } from 'node:fs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PromptList, StoredPrompt } from '../../contract/http-admin-config.js';
import { promptUses, type PromptCheck, type ConfigStore } from '../../config/files/index.js';
import { PromptError, PROMPT_MAX_BYTES, PROMPT_MAX_SECONDS, type PromptLibrary } from '../../prompts/index.js';
import type { UsersService } from '../../users/index.js';
import { requireRole } from '../auth.js';

/** The media types an upload may be sent as; anything else is 415 before the body is read. */
export const PROMPT_UPLOAD_TYPES = ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave', 'audio/mpeg', 'application/octet-stream'] as const;

const Name = z.object({ name: z.string().min(1).max(100) }).strict();
export interface AdminPromptsRoutesOptions {
  config: ConfigStore;
  library: PromptLibrary;
  users: UsersService;
  /** The prompt check of /health/ready, run again after an upload. */
  check: Pick<PromptCheck, 'check'>;
}

export const adminPromptsRoutes: FastifyPluginAsyncZod<AdminPromptsRoutesOptions> = async (app, opts) => {
  const { library } = opts;
  app.addHook('onRequest', requireRole('admin'));
  // Only in this plugin: the upload's body is the sound file, kept as bytes.
  app.addContentTypeParser([...PROMPT_UPLOAD_TYPES], { parseAs: 'buffer', bodyLimit: PROMPT_MAX_BYTES }, (_req, body, done) => done(null, body));

  app.get(
    '/api/admin/config/prompts',
    {
      schema: {
        tags: ['admin'],
        description:
          'The sounds the running numbers.yaml and ivr.yaml name (each with FILE:LINE:COL of where) and the uploads under sunline/, with the files the sounds folder (SUNLINE_SOUNDS_DIR) holds for each; reachable false when the folder cannot be read here.',
        querystring: z.object({}).strict(),
        response: { 200: PromptList },
      },
    },
    async () => {
      const uses = promptUses(opts.config.current(), opts.config.texts(), '');
      const found = await library.list([...new Set(uses.map((u) => u.name))]);
      const names = found ? [...found.keys()] : [...new Set(uses.map((u) => u.name))].sort();
      return {
        reachable: found !== null,
        maxBytes: PROMPT_MAX_BYTES,
        maxSeconds: PROMPT_MAX_SECONDS,
        prompts: names.map((name) => ({ name, uses: uses.filter((u) => u.name === name).map((u) => u.at), files: found?.get(name) ?? [] })),
      };
    },
  );

  app.put(
    '/api/admin/config/prompts',
    {
      bodyLimit: PROMPT_MAX_BYTES,
      schema: {
        tags: ['admin'],
        consumes: [...PROMPT_UPLOAD_TYPES],
        description: `Upload a prompt: the body is a WAV (any rate and channels; PCM 8/16/24/32-bit or float) or MP3 file (at most ${PROMPT_MAX_SECONDS} s and ${PROMPT_MAX_BYTES} bytes), stored as NAME.wav in 8 kHz mono 16-bit PCM in the sounds folder, replacing other formats of NAME. NAME is sunline/ and letters, digits, - or _ (400 PROMPT_NAME_INVALID). 415 PROMPT_FORMAT_UNSUPPORTED (neither WAV nor MP3, an A-law WAV…), 422 PROMPT_AUDIO_INVALID (unreadable, empty, too long), 413 PAYLOAD_TOO_LARGE, 503 PROMPT_SOUNDS_UNAVAILABLE; nothing is written then. Audited (config.prompt).`,
        querystring: Name,
        response: { 200: StoredPrompt },
      },
    },
    async (req) => {
      // A JSON body (or none) reached here through the app's own parsers: not a sound file.
      if (!Buffer.isBuffer(req.body)) throw new PromptError('PROMPT_FORMAT_UNSUPPORTED', 'send the file itself as the body (Content-Type audio/wav)');
      const stored = await library.store(req.query.name, req.body);
      const { name, format, uploadedBytes, bytes, seconds, replaced } = stored;
      await opts.users.recordAction(
        'config.prompt',
        null,
        { actorId: req.user!.id },
        { name, format, uploadedBytes, bytes, seconds: Math.round(seconds * 10) / 10, replaced },
      );
      req.log.info({ actorId: req.user!.id, name, seconds, replaced }, 'prompt uploaded');
      await opts.check.check();
      return stored;
    },
  );

  app.get(
    '/api/admin/config/prompts/audio',
    {
      schema: {
        tags: ['admin'],
        description: 'NAME.wav from the sounds folder, to listen to in the editor. 404 PROMPT_NOT_FOUND when there is none.',
        querystring: Name,
      },
    },
    async (req, reply) => {
      const file = await library.wavPath(req.query.name);
      return reply
        .header('content-type', 'audio/wav')
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(createReadStream(file));
    },
  );
};
