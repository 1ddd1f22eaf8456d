import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, ERROR_CATALOGUE } from './errors.js';

/** Fastify's own client errors, translated to our codes. */
const FASTIFY_CODES: Record<string, keyof typeof ERROR_CATALOGUE> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
};

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => ({
        path: `${err.validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}`,
        message: v.message,
      }));
      return reply.status(400).send({ error: { code: 'VALIDATION_FAILED', message: ERROR_CATALOGUE.VALIDATION_FAILED[1], details } });
    }
    if (err instanceof AppError || isCodedError(err)) {
      const e = err as AppError;
      if (e.statusCode >= 500) req.log.error({ err }, 'request failed');
      // e.g. LOGIN_LOCKED: when the client may try again.
      const retryAfter = (err as { retryAfterSeconds?: unknown }).retryAfterSeconds;
      if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
      return reply.status(e.statusCode).send({ error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } });
    }
    const fst = (err as FastifyError).code ? FASTIFY_CODES[(err as FastifyError).code] : undefined;
    if (fst) {
      const [status, message] = ERROR_CATALOGUE[fst];
      return reply.status(status).send({ error: { code: fst, message: (err as FastifyError).message || message } });
    }
    const status = (err as FastifyError).statusCode;
    if (status === 429) return reply.status(429).send({ error: { code: 'RATE_LIMITED', message: ERROR_CATALOGUE.RATE_LIMITED[1] } });
    if (status && status >= 400 && status < 500) {
      return reply.status(status).send({ error: { code: 'BAD_REQUEST', message: err.message } });
    }
    req.log.error({ err }, 'unhandled error');
    // 5xx bodies hide internals.
    return reply.status(500).send({ error: { code: 'INTERNAL', message: ERROR_CATALOGUE.INTERNAL[1] } });
  });

  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } }),
  );
}

/** Errors from lower layers (e.g. telephony's fixed-code errors) that carry a code and status. */
function isCodedError(err: unknown): boolean {
  const e = err as { code?: unknown; statusCode?: unknown };
  return typeof e.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(e.code) && !e.code.startsWith('FST_') && typeof e.statusCode === 'number';
}
