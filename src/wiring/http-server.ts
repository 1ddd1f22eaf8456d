/**
 * The app's Fastify instance with the house's hooks and plugins, before any route: the access
 * log (personal data masked, one line per request), replies compiled from their schemas, the
 * error shape, durable replies (every writing request answered once its change is on disk),
 * cookies, security headers, rate limits and the OpenAPI document with its UI. Routes, auth and
 * the CSRF defence are added by app.ts.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import type { Env } from '../config/env.js';
import type { Logger } from '../logging/logger.js';
import { requestSerializers } from '../logging/request-log.js';
import { AccessLog, installAccessLog } from '../http/access-log.js';
import { responseSerializerCompiler } from '../http/response-serializer.js';
import { frameworkErrors, installErrorHandler } from '../http/error-handler.js';
import { installUnstorableTextRefusal } from '../http/unstorable-text.js';
import { withCsrfHeader } from '../http/openapi-csrf.js';
import { docsCsp, installSecurityHeaders } from '../http/security-headers.js';
import { installDurableReplies } from '../http/durable-replies.js';

export interface HttpServerOptions {
  readonly env: Env;
  readonly log: Logger;
  /** Resolves once every change committed so far is on disk (decisions 0005/0006). */
  readonly durable: () => Promise<void>;
}

export async function createHttpServer(o: HttpServerOptions): Promise<FastifyInstance> {
  const http = Fastify({
    // Access log: the socket peer, and personal data in query strings and bodies masked.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- Fastify types its instance by the logger's type
    loggerInstance: o.log.child({ component: 'http' }, { serializers: requestSerializers }) as FastifyBaseLogger,
    // One access-log line per request, with its outcome (http/access-log.ts).
    logController: new AccessLog(),
    bodyLimit: 1024 * 1024,
    // X-Forwarded-For only from the configured proxies (SUNLINE_TRUST_PROXY); otherwise the socket
    // peer is the client, so a client cannot pick the address its rate limits are counted under.
    trustProxy: o.env.trustProxy && [...o.env.trustProxy],
    // The router's own refusals (a path parameter over 100 characters: 414) in our error shape.
    frameworkErrors,
  });
  try {
    await install(http, o);
  } catch (err) {
    await http.close();
    throw err;
  }
  return http;
}

async function install(http: FastifyInstance, o: HttpServerOptions): Promise<void> {
  installAccessLog(http);
  http.setValidatorCompiler(validatorCompiler);
  // Replies written by a serializer compiled from their schema (zod's parse where it cannot be).
  http.setSerializerCompiler(responseSerializerCompiler);
  installErrorHandler(http);
  // Text with NUL or unpaired surrogates refused alike on both databases (PostgreSQL cannot store
  // them: a 500 otherwise; text columns would hold U+FFFD).
  installUnstorableTextRefusal(http);
  // Before the routes: every writing request is answered once its change is on disk.
  installDurableReplies(http, o.durable);
  await http.register(cookie);
  await installSecurityHeaders(http);
  await http.register(rateLimit, { global: false });
  await http.register(swagger, {
    openapi: {
      info: {
        title: 'Sunline API',
        description:
          '12345 hotline contact-centre server. Sessions are the httpOnly `sunline_session` cookie (POST /api/auth/login). Every POST, PUT, PATCH and DELETE that carries the cookie, and login, needs the header `X-Sunline-Request: 1` (403 CSRF_HEADER_REQUIRED without it); bodies are JSON unless a route says multipart (415 UNSUPPORTED_MEDIA_TYPE otherwise).',
        version: '0.1.0',
      },
    },
    transform: jsonSchemaTransform,
    // Generated clients send the CSRF header (http/openapi-csrf.ts).
    transformObject: (doc) => ('openapiObject' in doc ? withCsrfHeader(doc.openapiObject) : doc.swaggerObject),
  });
  await http.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, transformStaticCSP: docsCsp });
}
