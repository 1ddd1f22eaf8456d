/**
 * The demo's knowledge base (issue 15): a small, real-looking Chinese KB for the seven hotlines,
 * written for the demo as Markdown files with front matter (scripts/demo-kb/*.md, the import
 * format departments use), imported as the demo admin, then submitted and approved so that an
 * agent sees suggestions on the first call. Once per demo database.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sunline } from '../src/app.js';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../src/contract/csrf.js';

const DIR = fileURLToPath(new URL('./demo-kb', import.meta.url));

export async function seedDemoKb(app: Sunline, admin: { username: string; password: string }): Promise<number> {
  // Through the repository: the same on SQLite and PostgreSQL.
  const existing = await app.database.stores.kb.read((q) => q.list({}, 1, 0));
  if (existing.length > 0) return 0;
  const headers = { [CSRF_HEADER]: CSRF_HEADER_VALUE };
  const login = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: admin, headers });
  const cookie = login.cookies.find((c) => c.name === 'sunline_session');
  if (!cookie) throw new Error(`demo admin login failed: ${login.body}`);
  const cookies = { sunline_session: cookie.value };
  const post = async (url: string, payload: Record<string, unknown>) => {
    const res = await app.http.inject({ method: 'POST', url, cookies, payload, headers });
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.body}`);
    return res.json() as Record<string, unknown>;
  };
  const files = fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((name) => ({ name: `scripts/demo-kb/${name}`, text: fs.readFileSync(path.join(DIR, name), 'utf8') }));
  const { imported } = (await post('/api/kb/import', { format: 'markdown', files })) as { imported: number[] };
  for (const id of imported) {
    await post(`/api/kb/articles/${id}/submit`, {});
    await post(`/api/kb/articles/${id}/approve`, { note: '演示数据' });
  }
  return imported.length;
}
