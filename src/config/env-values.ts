/**
 * The settings whose values are lists with a syntax of their own (TURN URLs, trusted proxies),
 * checked inside env.ts's schema with every problem reported at once.
 */
import net from 'node:net';
import type { z } from 'zod';

/** turn:/turns: URLs as browsers take them (RFC 7065): host or [IPv6], optional port and transport. */
const TURN_URL = /^(turns?):(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(?:\?transport=(udp|tcp))?$/;

export function parseTurnUrls(v: string | undefined, ctx: z.RefinementCtx): string[] {
  const urls = (v ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  for (const url of urls) {
    const m = TURN_URL.exec(url);
    const port = m?.[3] === undefined ? 1 : Number(m[3]);
    if (!m || port < 1 || port > 65535) {
      ctx.addIssue({ code: 'custom', message: `'${url}' is not a turn: or turns: URL (turn:host[:port][?transport=udp|tcp])` });
    } else if (m[1] === 'turns' && m[4] === 'udp') {
      ctx.addIssue({ code: 'custom', message: `'${url}': turns: runs over TLS (TCP), not transport=udp` });
    }
  }
  return urls;
}

const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal']; // proxy-addr's named ranges, as Fastify's `trustProxy` takes them

/**
 * SUNLINE_TRUST_PROXY: off (unset, empty, false, off), or a comma-separated list of the proxies'
 * addresses / CIDRs / named ranges. Trusting every address is refused: any client could then
 * choose the address its rate limits and log lines are kept under. So is a hop count: Fastify 5
 * ignores one (it cannot tell a proxy from a client that sends enough hops), and a setting that
 * does nothing must not exist.
 */
export function parseTrustProxy(v: string | undefined, ctx: z.RefinementCtx): false | string[] {
  const text = (v ?? '').trim();
  if (['', 'false', 'off', 'no'].includes(text.toLowerCase())) return false;
  if (/^\d+$/.test(text)) {
    ctx.addIssue({
      code: 'custom',
      message: `'${text}': a hop count cannot tell a proxy from a client; list the proxies' addresses (e.g. 127.0.0.1 or 10.0.0.0/8)`,
    });
    return false;
  }
  if (['true', 'on', 'yes', '*', 'all'].includes(text.toLowerCase())) {
    ctx.addIssue({
      code: 'custom',
      message: `'${text}' would trust X-Forwarded-For from any client: list the proxy addresses (e.g. 127.0.0.1,10.0.0.0/8)`,
    });
    return false;
  }
  const entries = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (PROXY_RANGES.includes(entry)) continue;
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = net.isIP(address);
    const bits = family === 6 ? 128 : 32;
    const badPrefix = prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits);
    if (family === 0 || badPrefix || rest.length > 0) {
      ctx.addIssue({ code: 'custom', message: `'${entry}' is not an IP address, a CIDR (address/prefix) or one of ${PROXY_RANGES.join(', ')}` });
    }
  }
  return entries;
}
