/**
 * Config history and the editor's API (issue 11 items 4-5) through the real app: every set that
 * runs is a version with its source, author and texts; a save with a stale version is refused
 * (409) and a bad one too (422 with FILE:LINE:COL), both without touching the folder; a rollback
 * is a new version with the old texts; the versions survive a restart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';

function configCopy(t: { teardown(fn: () => unknown): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-cfg-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync('config', dir, { recursive: true });
  return dir;
}

t.test('save, conflict, refusal, diff, rollback, restart', async (t) => {
  const cfg = configCopy(t);
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-data-'));
  t.teardown(() => fs.rmSync(data, { recursive: true, force: true }));
  const env = { SUNLINE_CONFIG_DIR: cfg, SUNLINE_DATA_DIR: data };
  const app = await testApp(t, { env });
  const admin = await loginCookies(app, 'root', 'admin');
  const inject = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    app.http.inject({ method, url, cookies: admin, ...(payload ? { payload } : {}) });

  const first = await inject('GET', '/api/admin/config/versions');
  t.equal(first.statusCode, 200);
  t.match(first.json(), { running: 1, versions: [{ id: 1, source: 'startup', actorId: null }] });

  const read = (await inject('GET', '/api/admin/config/files/numbers.yaml')).json();
  t.equal(read.version, 1);
  t.equal(read.text, fs.readFileSync(path.join(cfg, 'numbers.yaml'), 'utf8'));
  const edited = read.text.replace('zh: 消费维权热线', 'zh: 消费者权益热线');
  t.not(edited, read.text, 'the fixture has the 12315 name this test edits');

  // A bad text: 422 with the line and column, nothing written, the old set keeps serving.
  const lines = read.text.split('\n');
  const idx = lines.findIndex((l: string) => l.includes('skill: consumer'));
  const bad = lines.map((l: string, i: number) => (i === idx ? l.replace('skill:', 'skil:') : l)).join('\n');
  const checked = (await inject('POST', '/api/admin/config/files/numbers.yaml/check', { text: bad })).json();
  t.equal(checked.ok, false);
  const col = lines[idx]!.indexOf('skill:') + 1;
  const at = (ps: Array<{ line: number; col: number; text: string }>) => ps.find((p) => p.line === idx + 1 && p.col === col);
  t.match(at(checked.problems), { text: new RegExp(`numbers\\.yaml:${idx + 1}:${col} unknown key "skil"`) });
  const refused = await inject('PUT', '/api/admin/config/files/numbers.yaml', { text: bad, expectedVersion: 1 });
  t.equal(refused.statusCode, 422);
  t.equal(refused.json().error.code, 'CONFIG_INVALID');
  t.ok(at(refused.json().error.details), 'the refusal carries the line and column');
  t.equal(fs.readFileSync(path.join(cfg, 'numbers.yaml'), 'utf8'), read.text, 'a refused save writes nothing');
  t.equal((await inject('GET', '/api/admin/config/versions')).json().versions.length, 1);

  const saved = await inject('PUT', '/api/admin/config/files/numbers.yaml', { text: edited, expectedVersion: 1 });
  t.equal(saved.statusCode, 200, saved.body);
  t.match(saved.json(), { version: 2, changed: true });
  t.equal(fs.readFileSync(path.join(cfg, 'numbers.yaml'), 'utf8'), edited, 'the file in the config folder is the saved text');
  t.equal(app.config.current().numbers.numbers.find((n) => n.number === '12315')?.name.zh, '消费者权益热线', 'the running server applies it');

  // A second admin who opened version 1 cannot overwrite it.
  const stale = await inject('PUT', '/api/admin/config/files/numbers.yaml', { text: read.text, expectedVersion: 1 });
  t.equal(stale.statusCode, 409);
  t.match(stale.json().error, { code: 'CONFIG_VERSION_CONFLICT', details: { version: 2 } });
  t.equal(fs.readFileSync(path.join(cfg, 'numbers.yaml'), 'utf8'), edited);

  const list = (await inject('GET', '/api/admin/config/versions')).json();
  t.match(list.versions, [
    { id: 2, source: 'editor', actorUsername: 'root' },
    { id: 1, source: 'startup' },
  ]);
  const diff = (await inject('GET', '/api/admin/config/diff?from=1&to=2')).json();
  t.equal(diff.files.length, 1);
  t.match(diff.files[0], { file: 'numbers.yaml', change: 'changed', patch: /-.*消费维权热线[\s\S]*\+.*消费者权益热线/ });
  const v1 = (await inject('GET', '/api/admin/config/versions/1')).json();
  t.equal(v1.texts['numbers.yaml'], read.text);
  t.equal((await inject('GET', '/api/admin/config/versions/99')).json().error.code, 'CONFIG_VERSION_NOT_FOUND');

  // Rollback: the old texts again, as a new version; with a stale expectedVersion refused.
  t.equal((await inject('POST', '/api/admin/config/versions/1/rollback', { expectedVersion: 1 })).statusCode, 409);
  const back = await inject('POST', '/api/admin/config/versions/1/rollback', { expectedVersion: 2 });
  t.equal(back.statusCode, 200, back.body);
  t.match(back.json(), { version: 3, changed: true });
  t.equal(fs.readFileSync(path.join(cfg, 'numbers.yaml'), 'utf8'), read.text);
  t.equal(app.config.current().numbers.numbers.find((n) => n.number === '12315')?.name.zh, '消费维权热线');
  t.match((await inject('GET', '/api/admin/config/versions')).json().versions[0], { id: 3, source: 'rollback', rollbackOf: 1, actorUsername: 'root' });

  // An edit on disk applied by a reload is recorded too.
  fs.writeFileSync(path.join(cfg, 'numbers.yaml'), edited);
  t.match((await inject('POST', '/api/admin/config/reload')).json(), { version: 4, changed: true });
  t.match((await inject('GET', '/api/admin/config/versions')).json().versions[0], { id: 4, source: 'reload' });
  await app.close();

  // A restart on the same set keeps its version and the history; a changed set is a new version.
  const again = await testApp(t, { env });
  t.equal(again.config.status().version, 4, 'the running version survives a restart');
  fs.writeFileSync(path.join(cfg, 'numbers.yaml'), read.text);
  await again.close();
  const third = await testApp(t, { env });
  t.equal(third.config.status().version, 5);
  const cookies = await loginCookies(third, 'root2', 'admin');
  const all = (await third.http.inject({ method: 'GET', url: '/api/admin/config/versions', cookies })).json();
  t.same(
    all.versions.map((v: { source: string }) => v.source),
    ['startup', 'reload', 'rollback', 'editor', 'startup'],
  );
});

t.test('only administrators reach the config editor and history', async (t) => {
  const app = await testApp(t, { env: { SUNLINE_CONFIG_DIR: configCopy(t) } });
  const lead = await loginCookies(app, 'lead', 'shift_lead');
  const routes: Array<['GET' | 'POST' | 'PUT', string, object?]> = [
    ['GET', '/api/admin/config/versions'],
    ['GET', '/api/admin/config/versions/1'],
    ['GET', '/api/admin/config/diff?from=1&to=1'],
    ['GET', '/api/admin/config/files/ivr.yaml'],
    ['POST', '/api/admin/config/files/ivr.yaml/check', { text: '' }],
    ['PUT', '/api/admin/config/files/ivr.yaml', { text: '', expectedVersion: 1 }],
    ['POST', '/api/admin/config/versions/1/rollback', {}],
  ];
  for (const [method, url, payload] of routes) {
    t.equal((await app.http.inject({ method, url, ...(payload ? { payload } : {}) })).statusCode, 401, `${method} ${url} anonymous`);
    const res = await app.http.inject({ method, url, cookies: lead, ...(payload ? { payload } : {}) });
    t.equal(res.statusCode, 403, `${method} ${url} shift lead`);
  }
  const admin = await loginCookies(app, 'root', 'admin');
  const other = await app.http.inject({ method: 'GET', url: '/api/admin/config/files/sla.yaml', cookies: admin });
  t.equal(other.statusCode, 400, 'only numbers.yaml and ivr.yaml are edited here');
  t.equal(other.json().error.code, 'VALIDATION_FAILED');
});
