/**
 * A process crash right after answers: the real server (src/server.ts, default
 * SUNLINE_DB_SYNC=group) takes online intake orders from 8 concurrent clients and is SIGKILLed
 * while requests are in flight; reopened, the database holds every order that was answered.
 * This tests a crash of the process (which synchronous=NORMAL alone already survives: the WAL
 * is in the OS page cache); power loss is NOT tested here (see decision 0006).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { openDb } from '../../src/db/connection.js';
import { startServerProcess } from '../helpers/server-process.js';

t.test('every order answered before a SIGKILL is in the database after it', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-crash-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  // The clients below stand in for a proxy on loopback that forwards many citizens' addresses.
  const { child, port, exited } = await startServerProcess(t, {
    SUNLINE_DATA_DIR: dir,
    SUNLINE_TELEPHONY: 'false',
    SUNLINE_MEDIA: 'false',
    SUNLINE_TRUST_PROXY: '127.0.0.1,::1',
  });

  const answered: string[] = [];
  let killed = false;
  let seq = 0;
  const client = async (c: number) => {
    while (!killed) {
      const i = seq++;
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/intake/web`, {
          method: 'POST',
          // A client address per request: intake is rate-limited per address.
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.${c}.${i % 250}` },
          body: JSON.stringify({
            name: '市民',
            phone: '13800001111',
            category: 'complaint',
            subject: `路灯不亮 ${i}`,
            content: '小区路灯不亮已一周',
            location: '吴兴区',
          }),
        });
        if (res.status === 201) answered.push(((await res.json()) as { number: string }).number);
      } catch {
        return; // the server is gone
      }
    }
  };
  const clients = Array.from({ length: 8 }, (_, c) => client(c));
  while (answered.length < 150) await new Promise((r) => setTimeout(r, 5));
  // Kill with requests in flight: some are committed but not answered, which is allowed.
  child.kill('SIGKILL');
  killed = true;
  t.equal(await exited, 'SIGKILL');
  await Promise.all(clients);

  const h = openDb({ file: path.join(dir, 'sunline.db'), migrate: false });
  t.teardown(() => h.close());
  const stored = new Set((h.sqlite.prepare('select number from work_orders').all() as Array<{ number: string }>).map((r) => r.number));
  const lost = answered.filter((n) => !stored.has(n));
  t.same(lost, [], `${answered.length} answered orders, all stored (${stored.size} in the database)`);
  t.ok(stored.size >= answered.length);
});
