import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { testApp } from '../helpers/app.js';

async function login(app: Awaited<ReturnType<typeof testApp>>, username: string, role: 'admin' | 'agent') {
  await app.users.create({ username, displayName: username, role, password: 'pw-123456' });
  const res = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'pw-123456' } });
  return { sunline_session: res.cookies.find((c) => c.name === 'sunline_session')!.value };
}

t.test('admin sees a refused edit with FILE:LINE:COL while the last good config keeps serving', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-cfg-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync('config', dir, { recursive: true });
  const app = await testApp(t, { env: { SUNLINE_CONFIG_DIR: dir } });
  const admin = await login(app, 'admin1', 'admin');
  const agent = await login(app, 'agent1', 'agent');

  t.equal((await app.http.inject({ method: 'GET', url: '/api/admin/config' })).statusCode, 401);
  const forbidden = await app.http.inject({ method: 'GET', url: '/api/admin/config', cookies: agent });
  t.equal(forbidden.statusCode, 403);
  t.equal(forbidden.json().error.code, 'FORBIDDEN');

  const before = await app.http.inject({ method: 'GET', url: '/api/admin/config', cookies: admin });
  t.equal(before.statusCode, 200);
  t.equal(before.json().lastError, null);

  const file = path.join(dir, 'numbers.yaml');
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const idx = lines.findIndex((l) => l.includes('skill: consumer'));
  lines[idx] = lines[idx]!.replace('skill:', 'skil:');
  fs.writeFileSync(file, lines.join('\n'));

  const reload = await app.http.inject({ method: 'POST', url: '/api/admin/config/reload', cookies: admin });
  t.equal(reload.statusCode, 422);
  t.equal(reload.json().error.code, 'CONFIG_INVALID');
  const col = lines[idx]!.indexOf('skil:') + 1;
  t.match(
    reload
      .json()
      .error.details.map((d: { text: string }) => d.text)
      .join('\n'),
    new RegExp(`numbers\\.yaml:${idx + 1}:${col} .*skil`),
  );

  const after = await app.http.inject({ method: 'GET', url: '/api/admin/config', cookies: admin });
  t.match(after.json().lastError.lines.join('\n'), `numbers.yaml:${idx + 1}:${col}`);
  const consumer = app.config.current().numbers.numbers.find((n) => n.number === '12315');
  t.equal(consumer?.skill, 'consumer', 'the last good mapping still serves');
});
