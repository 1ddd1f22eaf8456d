/**
 * The accounts page in real Chromium against a real server (telephony off, real SQLite file):
 * an administrator opens it from their page, creates an agent (the generated password shown
 * once), who then logs in with it; renames and disables the agent, resets a password. The
 * database and the audit log are checked.
 *
 * Needs `npm run build:web` first (dist/web) and Debian's chromium (/usr/bin/chromium).
 */
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import type { Page } from 'playwright-core';
import { SHOTS, launchBrowser } from '../helpers/browser.js';
import { testApp } from '../helpers/app.js';

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `accounts-${name}.png`), fullPage: true });

t.test('accounts page: create an agent who then logs in; rename, disable, reset; all audited', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const app = await testApp(t);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  await app.users.create({ username: 'root', displayName: '管理员', role: 'admin', password: 'root-pw-123' });

  const admin = await (await browser.newContext()).newPage();
  await admin.goto(url);
  await admin.fill('input[name=username]', 'root');
  await admin.fill('input[name=password]', 'root-pw-123');
  await admin.click('button[type=submit]');
  await admin.click('[data-testid=open-accounts]');
  await admin.waitForSelector('[data-testid=accounts-page]');
  await admin.waitForSelector('[data-testid=account-root]');

  // Create an agent without a password: one is generated and shown once.
  await admin.fill('[data-testid=create-form] [data-testid=field-username]', 'agent7');
  await admin.fill('[data-testid=create-form] [data-testid=field-name]', '坐席七');
  await admin.click('[data-testid=create]');
  await admin.waitForSelector('[data-testid=account-agent7]');
  const password = (await admin.textContent('[data-testid=generated-value]'))!;
  t.match(password, /^[A-Za-z2-9]{16}$/);
  await shot(admin, 'created');

  const agent = await (await browser.newContext()).newPage();
  await agent.goto(url);
  await agent.fill('input[name=username]', 'agent7');
  await agent.fill('input[name=password]', password);
  await agent.click('button[type=submit]');
  // "Must change at next login" is ticked by default: only the forced screen until a new password is set.
  await agent.waitForSelector('[data-testid=password-change-form]');
  t.equal((await app.users.byUsername('agent7'))!.mustChangePassword, true);
  await shot(agent, 'forced-password');
  await agent.fill('input[name=new]', 'Agent7-Own-Pass');
  await agent.fill('input[name=repeat]', 'Agent7-Own-Pass');
  await agent.click('[data-testid=password-change-form] button[type=submit]');
  await agent.waitForSelector('[data-testid=display-name]:has-text("坐席七")');
  t.equal((await app.users.byUsername('agent7'))!.mustChangePassword, false);
  t.ok((await app.users.login('agent7', 'Agent7-Own-Pass')) !== null, 'the new agent logs in with the generated password, then sets their own');

  // A unit handler needs a unit: refused with the reason, nothing created.
  await admin.fill('[data-testid=create-form] [data-testid=field-username]', 'h1');
  await admin.fill('[data-testid=create-form] [data-testid=field-name]', 'H');
  await admin.selectOption('[data-testid=create-form] [data-testid=field-role]', 'unit_handler');
  await admin.click('[data-testid=create]');
  await admin.waitForSelector('[data-testid=accounts-message]:has-text("承办单位账号必须选择单位")');
  t.equal(await app.users.byUsername('h1'), undefined);

  // Rename, then disable, then reset the password.
  const row = '[data-testid=account-agent7]';
  await admin.click(`${row} [data-testid=edit]`);
  await admin.fill(`${row} [data-testid=field-name]`, '坐席七号');
  await admin.click(`${row} [data-testid=save]`);
  await admin.waitForSelector(`${row}:has-text("坐席七号")`);
  await admin.click(`${row} [data-testid=disable]`);
  await admin.waitForSelector(`${row} [data-testid=status]:has-text("已停用")`);
  t.match(await app.users.byUsername('agent7'), { displayName: '坐席七号', disabled: true });
  await admin.click(`${row} [data-testid=enable]`);
  await admin.waitForSelector(`${row} [data-testid=status]:has-text("正常")`);
  await admin.click(`${row} [data-testid=reset]`);
  await admin.getByTestId('generated-value').filter({ hasNotText: password }).waitFor();
  const next = (await admin.textContent('[data-testid=generated-value]'))!;
  t.ok((await app.users.login('agent7', next)) !== null, 'the reset password works');
  await shot(admin, 'after');

  t.same(
    (await app.users.auditLog({ limit: 10 })).map((e) => e.action),
    ['user.password', 'user.enable', 'user.disable', 'user.update', 'user.create'],
  );

  // A CSV upload: a bad file lists its problems by line and creates nothing; a good one creates each account.
  const csv = (name: string, text: string) => admin.setInputFiles('[data-testid=csv-file]', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await csv('bad.csv', 'username,displayName,role\ncsv1,甲,agent\ncsv1,乙,agent\ncsv3,丙,pilot\n');
  await admin.click('[data-testid=csv-upload]');
  await admin.waitForSelector('[data-testid=csv-problems]');
  const problems = await admin.locator('[data-testid=csv-problem]').allTextContents();
  t.match(problems, [/^第 3 行/, /^第 4 行/], problems.join(' | '));
  t.equal(await app.users.byUsername('csv1'), undefined, 'nothing created');
  await shot(admin, 'csv-problems');
  await csv('good.csv', 'username,displayName,role\ncsv1,甲,agent\ncsv2,乙,dispatcher\n');
  await admin.click('[data-testid=csv-upload]');
  await admin.waitForSelector('[data-testid=csv-created]:has-text("csv2")');
  await admin.waitForSelector('[data-testid=account-csv2]');
  t.match(await app.users.byUsername('csv2'), { role: 'dispatcher' });

  // The audit log under the table, newest first, in the reader's language.
  await admin.waitForSelector('[data-testid=audit-entry]:has-text("创建账号"):has-text("csv2")');
  const audit = await admin.locator('[data-testid=audit-entry]').allTextContents();
  t.match(
    audit.slice(0, 3),
    [/root创建账号csv2.*csvLine: 3/, /root创建账号csv1.*csvLine: 2/, /root重置密码agent7.*passwordGenerated: true/],
    audit.join(' | '),
  );
  await shot(admin, 'audit-log');
});
