/**
 * CSV import of accounts (issue 11 item 1) through the real app: a good file creates every
 * account with a generated password (audited, each can log in); one bad line refuses the whole
 * file with each problem's line number and creates nothing; administrators only.
 */
import t from 'tap';
import { loginCookies, testApp } from '../helpers/app.js';

t.test('import accounts from CSV: all or nothing, problems by line', async (t) => {
  const app = await testApp(t);
  const admin = await loginCookies(app, 'root', 'admin');
  const lead = await loginCookies(app, 'lead', 'shift_lead');
  const post = (csv: string, cookies = admin) => app.http.inject({ method: 'POST', url: '/api/admin/users/import', cookies, payload: { csv } });

  const bad = [
    'username,displayName,role,unitId',
    'agent01,坐席一,agent,',
    'agent01,重复,agent,',
    'h1,承办人,unit_handler,',
    'h2,承办人二,unit_handler,no-such-unit',
    'x y,空格,agent,',
    'lead,已存在,agent,',
    'a9,"张, 三",boss,',
  ].join('\r\n');
  const refused = await post(bad);
  t.equal(refused.statusCode, 400);
  t.equal(refused.json().error.code, 'ACCOUNTS_CSV_INVALID');
  t.same(
    refused.json().error.details.map((p: { line: number }) => p.line),
    [3, 4, 5, 6, 7, 8],
    'every bad line, by its number in the file',
  );
  t.match(refused.json().error.details, [
    { line: 3, message: /also on line 2/ },
    { line: 4, message: /needs a unit/ },
    { line: 5, message: /no-such-unit/ },
  ]);
  t.equal(await app.users.byUsername('agent01'), undefined, 'nothing created');

  t.equal((await post('name,role\nx,agent')).json().error.details[0].line, 1, 'a bad header is line 1');

  const good = '\uFEFFusername,role,displayName,unitId\nagent01,agent,"坐席一, 早班",\nh1,unit_handler,承办人,city-amr\n\n';
  const res = await post(good);
  t.equal(res.statusCode, 201, res.body);
  const created = res.json().created as Array<{ line: number; user: { username: string; role: string; unitId: string | null }; password: string }>;
  t.match(created, [
    { line: 2, user: { username: 'agent01', role: 'agent', unitId: null } },
    { line: 3, user: { username: 'h1', role: 'unit_handler', unitId: 'city-amr' } },
  ]);
  t.equal((await app.users.byUsername('agent01'))?.displayName, '坐席一, 早班', 'a quoted field keeps its comma');
  for (const c of created) t.ok(await app.users.login(c.user.username, c.password), `${c.user.username} logs in with the generated password`);
  const accounts = await Promise.all(created.map((c) => app.users.byUsername(c.user.username)));
  t.ok(
    accounts.every((u) => u?.mustChangePassword === true),
    'each must choose their own password at the first login',
  );
  t.same(
    (await app.users.auditLog({ limit: 5 })).map((e) => [e.action, e.details['csvLine']]),
    [
      ['user.create', 3],
      ['user.create', 2],
    ],
  );

  t.equal((await post(good, lead)).statusCode, 403);
  t.equal((await app.http.inject({ method: 'POST', url: '/api/admin/users/import', payload: { csv: good } })).statusCode, 401);
});
