/**
 * For the contract tests (test/contract/http-responses*.test.ts): the response schemas of the
 * routes some plugins add, by "METHOD path", read off a bare Fastify (no database, no app); and
 * the exact type equality that proves a web type is a reply's type.
 */
import Fastify, { type FastifyPluginAsync } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';

/** `true` only when A and B are the same type (not merely assignable either way). */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** A plugin, or a plugin with the options it reads while registering (e.g. the upload limits). */
export type RoutePlugin = FastifyPluginAsync<never> | readonly [FastifyPluginAsync<never>, unknown];

export async function routeResponses(plugins: readonly RoutePlugin[]): Promise<Map<string, Record<string, unknown>>> {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const seen = new Map<string, Record<string, unknown>>();
  app.addHook('onRoute', (r) => {
    const response = (r.schema as { response?: Record<string, unknown> } | undefined)?.response;
    for (const m of [r.method].flat()) if (m !== 'HEAD') seen.set(`${m} ${r.url}`, response ?? {});
  });
  // Most plugins only read their options when a request comes; none comes here.
  for (const p of plugins) {
    const [plugin, opts] = typeof p === 'function' ? [p, {}] : p;
    await app.register(plugin, opts as never);
  }
  await app.ready();
  await app.close();
  return seen;
}
