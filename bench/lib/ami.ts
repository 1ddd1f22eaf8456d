/**
 * A minimal AMI client for the benchmark: logs in, collects events with the local receive
 * time, and sends actions. Independent of the server's own AMI connection, so both benchmark
 * paths (with and without Sunline) are measured the same way.
 */
import { createConnection, type Socket } from 'node:net';

export type AmiMessage = Record<string, string>;

export interface AmiEvent {
  at: number;
  fields: AmiMessage;
}

export interface BenchAmi {
  readonly events: AmiEvent[];
  action(fields: AmiMessage): Promise<AmiMessage>;
  close(): void;
}

export function connectAmi(o: { host: string; port: number; username: string; password: string; events?: string }): Promise<BenchAmi> {
  return new Promise((resolve, reject) => {
    const sock: Socket = createConnection({ host: o.host, port: o.port });
    const events: AmiEvent[] = [];
    const pending = new Map<string, (m: AmiMessage) => void>();
    let buf = '';
    let banner = false;
    let seq = 0;
    let settled = false;

    const action = (fields: AmiMessage): Promise<AmiMessage> =>
      new Promise((res, rej) => {
        const id = `bench-${++seq}`;
        const timer = setTimeout(() => {
          pending.delete(id);
          rej(new Error(`AMI ${fields['Action']}: no response`));
        }, 10_000);
        pending.set(id, (m) => {
          clearTimeout(timer);
          res(m);
        });
        const lines = Object.entries({ ...fields, ActionID: id }).map(([k, v]) => `${k}: ${v}`);
        sock.write(`${lines.join('\r\n')}\r\n\r\n`);
      });

    const client: BenchAmi = { events, action, close: () => sock.destroy() };

    sock.setEncoding('utf8');
    sock.on('error', (err) => {
      if (!settled) {
        settled = true;
        reject(err);
      }
    });
    sock.on('data', (chunk: string) => {
      buf += chunk;
      if (!banner) {
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        banner = true;
        buf = buf.slice(nl + 2);
        action({ Action: 'Login', Username: o.username, Secret: o.password, Events: o.events ?? 'agent' })
          .then((m) => {
            settled = true;
            if (m['Response'] === 'Success') resolve(client);
            else {
              sock.destroy();
              reject(new Error(`AMI login: ${m['Message'] ?? 'failed'}`));
            }
          })
          .catch((e: unknown) => {
            settled = true;
            reject(e as Error);
          });
      }
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 4);
        const m: AmiMessage = {};
        for (const line of block.split('\r\n')) {
          const i = line.indexOf(':');
          if (i > 0) m[line.slice(0, i)] = line.slice(i + 1).trim();
        }
        const id = m['ActionID'];
        if (m['Response'] && id && pending.has(id)) {
          const fn = pending.get(id)!;
          pending.delete(id);
          fn(m);
        } else if (m['Event']) {
          events.push({ at: Date.now(), fields: m });
        }
      }
    });
  });
}
