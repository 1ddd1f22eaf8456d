/**
 * What the log keeps of an HTTP request (pino serializers, wired into Fastify's logger in
 * app.ts). Citizens' phone numbers and free text reach us in query strings
 * (`/api/public/orders/HZ-…?phone=138…`, `/api/workorders?q=张三`) and bodies: the log keeps
 * them masked (PIPL), never in clear. Addresses: the socket peer is what really connected; the
 * client address a trusted proxy reports (SUNLINE_TRUST_PROXY) is logged beside it, never
 * instead of it.
 */
import { maskPhone, maskPhonesInText } from './mask.js';

/** Query and body keys whose values are phone numbers: masked like any logged phone. */
const PHONE_FIELDS = new Set(['phone', 'callerPhone', 'callerNumber', 'mobile', 'tel']);
/** Query keys of our API that carry no personal data (their values still pass maskPhonesInText). */
const PLAIN_QUERY_KEYS = new Set(['ids', 'status', 'category', 'channel', 'leadUnitId', 'overdue', 'createdFrom', 'createdTo', 'page', 'pageSize', 'sort']);
/** Body keys of free text a citizen or agent wrote (names, addresses, what happened): left out. */
const PERSONAL_TEXT_FIELDS = new Set([
  'name',
  'callerName',
  'nickname',
  'openid',
  'content',
  'location',
  'subject',
  'text',
  'answer',
  'reason',
  'comment',
  'q',
  'password',
]);
const HIDDEN = '***';
const MAX_DEPTH = 6;

/**
 * A path segment that is a phone number: a citizen types one where the lookup wants the order
 * number (/api/public/orders/13800001111). Eleven digits or more, or a leading 0 or + (an area or
 * country code): row ids (at most 2^31 - 1, ten digits, no leading 0) and order numbers are kept.
 */
const PHONE_SEGMENT = /^(?=(?:\D*\d){7})(?:\+|0|(?=(?:\D*\d){11}))[\d -]*\d$/;

function maskPath(pathname: string): string {
  return pathname
    .split('/')
    .map((seg) => (PHONE_SEGMENT.test(decode(seg)) ? encodeURIComponent(maskPhone(decode(seg))) : seg))
    .join('/');
}

/** The URL with each query value masked (phones keep 3 + 4 digits, unknown or free-text keys are hidden), and a phone number in the path. */
export function maskUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return maskPath(url);
  const pairs = url
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawKey = eq < 0 ? pair : pair.slice(0, eq);
      if (eq < 0) return rawKey;
      const key = decode(rawKey);
      const value = decode(pair.slice(eq + 1));
      const masked = PHONE_FIELDS.has(key) ? maskPhone(value) : PLAIN_QUERY_KEYS.has(key) ? maskPhonesInText(value) : HIDDEN;
      return `${rawKey}=${encodeURIComponent(masked)}`;
    });
  return `${maskPath(url.slice(0, q))}?${pairs.join('&')}`;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** A copy of a request body (or any payload) with phones masked and personal free text hidden. */
export function maskPersonal(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPhonesInText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return HIDDEN;
  if (Array.isArray(value)) return value.map((v) => maskPersonal(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (PHONE_FIELDS.has(k) && (typeof v === 'string' || typeof v === 'number')) out[k] = maskPhone(v);
    else if (PERSONAL_TEXT_FIELDS.has(k) && v !== null && v !== undefined) out[k] = HIDDEN;
    else out[k] = maskPersonal(v, depth + 1);
  }
  return out;
}

/** The parts of a Fastify request (or a bare IncomingMessage) the log needs. */
interface LoggedRequest {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly host?: string | undefined;
  readonly headers?: { readonly host?: string | undefined };
  /** Fastify's client address: the socket peer, or what a trusted proxy says the client is. */
  readonly ip?: string | undefined;
  readonly socket?: { readonly remoteAddress?: string | undefined; readonly remotePort?: number | undefined } | null;
}

/** The `req` serializer: masked URL, the socket peer, and the proxy-reported client when it differs. */
export function serializeRequest(req: LoggedRequest): Record<string, unknown> {
  const peer = req.socket?.remoteAddress;
  return {
    method: req.method,
    url: maskUrl(req.url ?? ''),
    host: req.host ?? req.headers?.host,
    remoteAddress: peer,
    remotePort: req.socket?.remotePort,
    ...(req.ip !== undefined && req.ip !== peer ? { clientAddress: req.ip } : {}),
  };
}

/** pino serializers for request logging: `req` (Fastify's access log) and `body`. */
export const requestSerializers = {
  req: serializeRequest,
  body: (body: unknown) => maskPersonal(body),
} as const;
