/**
 * The load generator of bench:http in its own process (autocannon), so that the server under
 * test keeps its event loop to itself, as with clients on other machines. IPC: the parent sends
 * {type:'run', …LoadSpec}; the child replies {type:'result', …LoadResult}; {type:'stop'} ends it.
 */
import autocannon from 'autocannon';

export interface LoadSpec {
  readonly name: string;
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly paths: readonly string[];
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly seconds: number;
  readonly connections: number;
}

export interface LoadResult {
  readonly name: string;
  readonly rps: number;
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
}

const send = (m: unknown): void => {
  process.send?.(m);
};
process.on('disconnect', () => process.exit(0));

process.on('message', (m: { type?: string } & Partial<LoadSpec>) => {
  if (m.type === 'stop') process.exit(0);
  if (m.type !== 'run') return;
  const spec = m as LoadSpec;
  let i = 0;
  autocannon(
    {
      url: spec.url,
      method: spec.method,
      connections: spec.connections,
      duration: spec.seconds,
      headers: spec.headers ?? {},
      ...(spec.body !== undefined ? { body: spec.body } : {}),
      // Each request its own path (ids and queries in turn).
      requests: [{ setupRequest: (req) => ({ ...req, path: spec.paths[i++ % spec.paths.length]! }) }],
    },
    (err: Error | null, r: autocannon.Result) => {
      if (err) {
        send({ type: 'error', message: err.message });
        return;
      }
      const result: LoadResult = {
        name: spec.name,
        rps: r.requests.total / (r.duration || spec.seconds),
        requests: r.requests.total,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        non2xx: r.non2xx,
        errors: r.errors + r.timeouts,
      };
      send({ type: 'result', ...result });
    },
  );
});
send({ type: 'ready' });
