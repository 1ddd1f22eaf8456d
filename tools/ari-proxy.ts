/**
 * A TCP proxy in front of Asterisk's HTTP port that breaks ARI's REST requests on demand while
 * the events websocket (GET /ari/events) passes untouched: the failures a Sunline server sees
 * when Asterisk is overloaded or closes connections.
 *
 * Modes, for connections opened from then on (switching also cuts the open REST connections):
 *  - `pass`: every byte goes through;
 *  - `drop`: a new REST connection is destroyed as soon as its first request arrives, before
 *    Asterisk sees it (the client gets "other side closed" / ECONNRESET), every `dropEvery`-th
 *    one (1 = all);
 *  - `blackhole`: REST requests are accepted and never answered (they time out).
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type ProxyMode = { mode: 'pass' } | { mode: 'drop'; dropEvery: number } | { mode: 'blackhole' };

export interface AriProxy {
  /** Base URL for SUNLINE_ARI_URL. */
  readonly url: string;
  /** REST connections opened / cut by the proxy so far. */
  readonly stats: { connections: number; dropped: number; held: number };
  set(mode: ProxyMode): void;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (free port) to `target` (`http://host:port`). */
export async function startAriProxy(target: string): Promise<AriProxy> {
  const { hostname, port } = new URL(target);
  let mode: ProxyMode = { mode: 'pass' };
  const stats = { connections: 0, dropped: 0, held: 0 };
  const rest = new Set<Socket>();
  const all = new Set<Socket>();

  const server: Server = createServer((client) => {
    all.add(client);
    client.on('close', () => {
      all.delete(client);
      rest.delete(client);
    });
    client.on('error', () => client.destroy());
    client.once('data', (first: Buffer) => {
      const websocket = /^GET \/ari\/events/.test(first.toString('latin1', 0, 64));
      if (!websocket) {
        rest.add(client);
        stats.connections++;
        if (mode.mode === 'blackhole') {
          stats.held++;
          return; // never answered; cut when the mode changes or the proxy closes
        }
        if (mode.mode === 'drop' && stats.connections % mode.dropEvery === 0) {
          stats.dropped++;
          client.destroy();
          return;
        }
      }
      const upstream = createConnection({ host: hostname, port: Number(port) });
      all.add(upstream);
      upstream.on('close', () => {
        all.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      upstream.write(first);
      client.pipe(upstream);
      upstream.pipe(client);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  return {
    url,
    stats,
    set(next) {
      mode = next;
      // Kept-alive REST connections opened under the old mode would keep working: cut them.
      for (const s of rest) s.destroy();
    },
    async close() {
      for (const s of all) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
