/**
 * The balancer's calls address for the failover test and bench (docs/deployment.md, "Which consoles go to
 * the call-control node"): a TCP listener that hands each new connection to the node whose
 * `GET /health/call-control` last answered 200, as HAProxy's `option httpchk` on that name does.
 * While no node leads, a new connection is closed at once (the balancer has no healthy server);
 * connections already made stay where they are until their node goes away. Agents' and leads'
 * consoles connect here, so after a failover they reconnect to the new leader by themselves.
 */
import net from 'node:net';

export interface CallsAddress {
  readonly port: number;
  readonly url: string;
  /** The port of the node connections go to now (null: none leads). */
  leader(): number | null;
  /** Node ports checked (a node started again on a port is checked again). */
  nodes: number[];
  close(): Promise<void>;
}

export async function startCallsAddress(t: { teardown(fn: () => unknown): void }, nodes: number[], checkMs = 200): Promise<CallsAddress> {
  let leader: number | null = null;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('error', () => undefined);
    client.on('close', () => sockets.delete(client));
    if (leader === null) return void client.destroy();
    const upstream = net.connect({ host: '127.0.0.1', port: leader });
    sockets.add(upstream);
    upstream.on('error', () => undefined);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const address: CallsAddress = {
    port,
    url: `http://127.0.0.1:${port}`,
    leader: () => leader,
    nodes,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
  let checking = false;
  const check = async () => {
    if (checking) return;
    checking = true;
    try {
      const answers = await Promise.all(
        address.nodes.map(async (p) => {
          try {
            const res = await fetch(`http://127.0.0.1:${p}/health/call-control`, { signal: AbortSignal.timeout(2000) });
            await res.arrayBuffer();
            return res.status === 200 ? p : null;
          } catch {
            return null; // down, or between two apps of a role change
          }
        }),
      );
      leader = answers.find((p) => p !== null) ?? null;
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), checkMs);
  await check();
  t.teardown(() => address.close());
  return address;
}
