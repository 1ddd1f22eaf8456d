/**
 * A TCP proxy in front of a server, for network faults in tests: `cut()` black-holes every
 * connection (bytes either way are held back, nothing is closed: a cable pulled, a frozen
 * switch), `heal()` lets the held bytes through again.
 */
import net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, t: { teardown(fn: () => unknown): void }): Promise<TcpProxy> {
  let cut = false;
  const held: Array<() => void> = [];
  const sockets = new Set<net.Socket>();
  const pipe = (from: net.Socket, to: net.Socket) =>
    from.on('data', (chunk: Buffer) => {
      if (cut) held.push(() => to.write(chunk));
      else to.write(chunk);
    });
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      sockets.forEach((s) => s.destroy());
      server.close(() => resolve());
    });
  t.teardown(close);
  return {
    port: (server.address() as net.AddressInfo).port,
    cut: () => void (cut = true),
    heal: () => {
      cut = false;
      held.splice(0).forEach((write) => write());
    },
    close,
  };
}
