/**
 * Where the demo listens. Its accounts have well-known passwords (README), so it binds the
 * loopback address unless told otherwise: `--host ADDRESS` or SUNLINE_HOST (e.g. `--host 0.0.0.0`
 * to show it to colleagues on a trusted network).
 */
import net from 'node:net';

export const DEMO_DEFAULT_HOST = '127.0.0.1';

export function demoHost(flag: string | undefined, envHost: string | undefined): string {
  return flag ?? envHost ?? DEMO_DEFAULT_HOST;
}

/** Loopback only: 127.0.0.0/8, ::1, localhost. */
export const isLoopbackHost = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** The URL the demo prints and its simulated agents use: a wildcard bind is reached on 127.0.0.1. */
export function demoBaseUrl(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return `http://127.0.0.1:${port}`;
  return net.isIPv6(host) ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}
