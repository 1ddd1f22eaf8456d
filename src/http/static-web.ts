/**
 * Serves the agent console (the Vite build of src/web, in dist/web) from the API's own origin,
 * so the session cookie and socket.io need no CORS. Client-side routes fall back to index.html;
 * /api, /docs, /health and /socket.io keep their own 404s. Without a build, `/` says how to make one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** src/http and dist/http are both two levels below the repository root. */
export const WEB_ROOT = fileURLToPath(new URL('../../dist/web', import.meta.url));

const RESERVED = ['/api', '/docs', '/health', '/socket.io'];

export function isReservedPath(url: string): boolean {
  const p = url.replace(/\?.*$/s, '');
  return RESERVED.some((r) => p === r || p.startsWith(`${r}/`));
}

export const staticWeb: FastifyPluginAsync<{ root?: string }> = async (app, opts) => {
  const root = path.resolve(opts.root ?? WEB_ROOT);
  const index = path.join(root, 'index.html');
  if (!fs.existsSync(index)) {
    app.log.warn({ root }, 'web console not built: run `npm run build:web`');
    app.get('/', { schema: { hide: true } }, async (_req, reply) =>
      reply.type('text/plain; charset=utf-8').send('Sunline: the agent console is not built. Run `npm run build:web`, then restart the server.\n'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root,
    // Files are listed when the server starts; a rebuilt console needs a restart.
    wildcard: false,
    schemaHide: true,
    setHeaders(reply, file) {
      // Hashed assets never change; index.html always revalidates so a new build is picked up.
      if (file.includes(`${path.sep}assets${path.sep}`)) reply.header('cache-control', 'public, max-age=31536000, immutable');
      else reply.header('cache-control', 'no-cache');
    },
  });
  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    if (isReservedPath(req.url)) return reply.callNotFound();
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html');
  });
};
