import type { FastifyError, FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { asUnavailable } from '../db/unavailable.js';
import { AppError, errorBody, isCodedError, type AppErrorCode } from '../errors/index.js';

/** Fastify's own client errors, translated to our codes. */
const FASTIFY_CODES: Record<string, AppErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
};

/** The one renderer of errors for HTTP: every reply body comes from `errorBody` (src/errors). */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((thrown: FastifyError | Error, req, reply) => {
    const err = asUnavailable(thrown) as FastifyError | Error;
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => ({
        path: `${err.validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}`,
        message: v.message,
      }));
      return reply.status(400).send(errorBody(new AppError('VALIDATION_FAILED', undefined, { details })));
    }
    if (isCodedError(err)) {
      if (err.statusCode >= 500) req.log.error({ err }, 'request failed');
      // e.g. LOGIN_LOCKED: when the client may try again.
      if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
      return reply.status(err.statusCode).send(errorBody(err));
    }
    const fst = (err as FastifyError).code ? FASTIFY_CODES[(err as FastifyError).code] : undefined;
    if (fst) return reply.status(AppError.catalogue[fst].statusCode).send(errorBody(new AppError(fst, err.message || undefined)));
    const status = (err as FastifyError).statusCode;
    if (status === 429) return reply.status(429).send(errorBody(new AppError('RATE_LIMITED')));
    // Fastify's status (it may not be 400), our code.
    if (status && status >= 400 && status < 500) return reply.status(status).send(errorBody(new AppError('BAD_REQUEST', err.message)));
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send(errorBody(err));
  });

  app.setNotFoundHandler((req, reply) => reply.status(404).send(errorBody(new AppError('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`))));
}

/**
 * Fastify's `frameworkErrors`: the errors the router answers before any route or hook (a path
 * parameter over maxParamLength, a malformed percent-encoding), in our one error shape.
 */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (err, req, reply) => {
  const status = err.statusCode ?? 500;
  const code: AppErrorCode = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'URI_TOO_LONG' : status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  if (code === 'INTERNAL') req.log.error({ err }, 'router error');
  // BAD_REQUEST keeps Fastify's status and words (a malformed URL component); the others their own.
  const body = errorBody(new AppError(code, code === 'BAD_REQUEST' ? err.message : undefined));
  void (reply as FastifyReply).status(code === 'BAD_REQUEST' ? status : AppError.catalogue[code].statusCode).send(body);
};
