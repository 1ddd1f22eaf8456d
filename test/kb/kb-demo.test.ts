/**
 * The demo's knowledge base (scripts/demo-kb/*.md) imports cleanly through the Markdown import,
 * is published, and gives an agent suggestions for each of the seven hotlines on the first call.
 */
import t from 'tap';
import { seedDemoKb } from '../../scripts/demo-kb.js';
import { loginCookies, testApp } from '../helpers/app.js';

t.test('every hotline has suggestions; typical questions find their article first', async (t) => {
  const app = await testApp(t);
  await app.users.create({ username: 'admin', displayName: 'admin', role: 'admin', password: 'admin-demo' });
  t.equal(await seedDemoKb(app, { username: 'admin', password: 'admin-demo' }), 15);
  t.equal(await seedDemoKb(app, { username: 'admin', password: 'admin-demo' }), 0, 'once per database');
  const agent = await loginCookies(app, 'agent1', 'agent');
  const search = async (qs: string) =>
    (await app.http.inject({ method: 'GET', url: `/api/kb/search?${qs}`, cookies: agent }))
      .json<{ items: Array<{ title: Array<{ text: string }> }> }>()
      .items.map((i) => i.title.map((s) => s.text).join(''));
  for (const hotline of ['12345', '12333', '12328', '12315', '12330', '12356', '12329']) {
    t.ok((await search(`hotline=${hotline}`)).length >= 2, `suggestions on ${hotline}`);
  }
  t.match((await search(`q=${encodeURIComponent('社保卡丢了')}&hotline=12333`))[0], /社保卡遗失/);
  t.match((await search(`q=${encodeURIComponent('公积金怎么取出来')}&hotline=12329`))[0], /住房公积金提取/);
  t.match((await search(`q=${encodeURIComponent('的士拒载')}`))[0], /出租车拒载/);
  t.match((await search(`q=${encodeURIComponent('超市卖过期食品')}&hotline=12315`))[0], /过期食品/);
});
