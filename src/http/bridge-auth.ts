/**
 * Channel bridges authenticate each request with a shared secret (docs/configuration.md,
 * "Channel bridges"), as WeChat signs its own webhooks: the bridge sends
 *
 *   X-Sunline-Bridge:    its id (SUNLINE_BRIDGE_SECRETS_FILE)
 *   X-Sunline-Timestamp: Unix time in seconds
 *   X-Sunline-Nonce:     16-64 characters of A-Z a-z 0-9 _ -, new for every request
 *   X-Sunline-Signature: lowercase hex HMAC-SHA256(secret, timestamp + "\n" + nonce + "\n" + body)
 *
 * where body is the raw request body, byte for byte. A request is refused with 401 and a
 * fixed code when a header is missing or malformed (BRIDGE_AUTH_MISSING), the bridge is
 * unknown or the signature differs (BRIDGE_SIGNATURE_INVALID), the timestamp is more than
 * BRIDGE_MAX_SKEW_SECONDS from our clock (BRIDGE_TIMESTAMP_STALE), or the bridge already used
 * the nonce within that window (BRIDGE_NONCE_REPLAYED; the nonces are in the database,
 * bridge-nonces.ts, so this holds across restarts and nodes). The headers are checked at onRequest,
 * before the body is read; the signature by the route's body parser, before the JSON is parsed
 * or validated; a route hook refuses any request that did not get that far (no body).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BridgeSecret } from '../config/bridge-secrets.js';
import { defineErrors } from '../errors/index.js';
import type { BridgeNonces, NonceClaim } from './bridge-nonces.js';

export class BridgeAuthError extends defineErrors('BridgeAuthError', {
  BRIDGE_AUTH_MISSING: [401, 'sign the request: X-Sunline-Bridge, X-Sunline-Timestamp, X-Sunline-Nonce and X-Sunline-Signature'],
  BRIDGE_SIGNATURE_INVALID: [401, 'the signature does not match'],
  BRIDGE_TIMESTAMP_STALE: [401, 'the timestamp is too far from the server clock'],
  BRIDGE_NONCE_REPLAYED: [401, 'this nonce was already used'],
  /** More nonces within the window than we keep: refused rather than forgetting one (which could then be replayed). */
  BRIDGE_BUSY: [503, 'too many bridge requests; try again shortly'],
}) {}

/** How far a bridge's clock may be from ours, either way; a nonce is remembered this long after its timestamp. */
export const BRIDGE_MAX_SKEW_SECONDS = 300;

export const BRIDGE_HEADERS = {
  bridge: 'x-sunline-bridge',
  timestamp: 'x-sunline-timestamp',
  nonce: 'x-sunline-nonce',
  signature: 'x-sunline-signature',
} as const;

/** The signature a bridge sends: lowercase hex HMAC-SHA256 over timestamp, nonce and the raw body. */
export function bridgeSignature(secret: string, timestamp: string, nonce: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${nonce}\n`).update(body).digest('hex');
}

export interface BridgeAuthOptions {
  readonly bridges: readonly BridgeSecret[];
  /** Where the nonces are remembered (the database: shared by every node, kept across restarts); BRIDGE_BUSY when it is full. */
  readonly nonces: Pick<BridgeNonces, 'claim'>;
  readonly now?: () => number;
}

/** What onRequest found in the headers, checked by the body parser. */
interface Claim {
  readonly secret: string;
  readonly bridgeId: string;
  readonly timestamp: string;
  readonly nonce: string;
  readonly signature: Buffer;
  /** Set once the signature matched. */
  verified: boolean;
}

const claims = new WeakMap<FastifyRequest, Claim>();
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^[0-9a-f]{64}$/;

const header = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

/**
 * Installs bridge authentication on every route of `app` (an encapsulated plugin holding only
 * bridge routes): the header checks, a JSON body parser that verifies the signature over the
 * raw bytes first, and the guard. The bridge's id is on `req` afterwards (bridgeIdOf).
 */
export function installBridgeAuth(app: FastifyInstance, opts: BridgeAuthOptions): void {
  const now = opts.now ?? Date.now;
  const secrets = new Map(opts.bridges.map((b) => [b.id, b.secret]));

  app.addHook('onRequest', (req, _reply, done) => {
    const bridgeId = header(req, BRIDGE_HEADERS.bridge);
    const timestamp = header(req, BRIDGE_HEADERS.timestamp);
    const nonce = header(req, BRIDGE_HEADERS.nonce);
    const signature = header(req, BRIDGE_HEADERS.signature)?.toLowerCase();
    if (!bridgeId || !timestamp || !nonce || !signature || !TIMESTAMP.test(timestamp) || !NONCE.test(nonce) || !SIGNATURE.test(signature)) {
      return done(new BridgeAuthError('BRIDGE_AUTH_MISSING'));
    }
    if (Math.abs(now() / 1000 - Number(timestamp)) > BRIDGE_MAX_SKEW_SECONDS) return done(new BridgeAuthError('BRIDGE_TIMESTAMP_STALE'));
    const secret = secrets.get(bridgeId);
    // An unknown bridge reads like a wrong signature: ids are not to be probed.
    if (secret === undefined) return done(new BridgeAuthError('BRIDGE_SIGNATURE_INVALID'));
    claims.set(req, { secret, bridgeId, timestamp, nonce, signature: Buffer.from(signature, 'hex'), verified: false });
    done();
  });

  // The signature covers the bytes as sent: the body is kept raw until it has been checked.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    const claim = claims.get(req);
    if (!claim) return done(new BridgeAuthError('BRIDGE_AUTH_MISSING'), undefined);
    const expected = Buffer.from(bridgeSignature(claim.secret, claim.timestamp, claim.nonce, body), 'hex');
    if (!timingSafeEqual(expected, claim.signature)) return done(new BridgeAuthError('BRIDGE_SIGNATURE_INVALID'), undefined);
    // Only a correctly signed nonce is remembered: nobody else can fill the table. Remembered as
    // long as its timestamp would still be accepted.
    opts.nonces.claim(claim.bridgeId, claim.nonce, (Number(claim.timestamp) + BRIDGE_MAX_SKEW_SECONDS) * 1000 + 1000, now()).then(
      (claimed: NonceClaim) => {
        if (claimed === 'replayed') return done(new BridgeAuthError('BRIDGE_NONCE_REPLAYED'), undefined);
        if (claimed === 'busy') return done(new BridgeAuthError('BRIDGE_BUSY'), undefined);
        claim.verified = true;
        void parseJson(req, body.toString('utf8'), done);
      },
      (err: unknown) => done(err instanceof Error ? err : new Error(String(err)), undefined),
    );
  });

  // A request whose body never reached the parser (none, or another type) was not verified.
  app.addHook('preValidation', (req, _reply, done) => {
    if (claims.get(req)?.verified !== true) return done(new BridgeAuthError('BRIDGE_AUTH_MISSING', 'send the signed body as application/json'));
    done();
  });
}

/** The id of the bridge that signed this request (after installBridgeAuth's checks). */
export function bridgeIdOf(req: FastifyRequest): string | undefined {
  const claim = claims.get(req);
  return claim?.verified ? claim.bridgeId : undefined;
}
