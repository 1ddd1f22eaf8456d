/**
 * The simulated agents' HTTP: JSON requests with the session cookie, from a chosen local address
 * (sim-agents.ts logs each agent in from its own loopback address: logins are rate limited per IP).
 */
import http from 'node:http';

export interface SimHttpReply {
  status: number;
  body: unknown;
  setCookie: string[];
}

export function simRequest(
  url: string,
  method: 'GET' | 'POST' | 'PUT',
  pathname: string,
  opts: { cookie?: string; localAddress?: string; body?: unknown } = {},
): Promise<SimHttpReply> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string | number> = { 'x-sunline-request': '1' };
  if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  if (opts.cookie) headers['cookie'] = opts.cookie;
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(pathname, url),
      { method, headers, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}), timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, setCookie: res.headers['set-cookie'] ?? [] });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${pathname}: timeout`)));
    req.on('error', reject);
    req.end(body);
  });
}
