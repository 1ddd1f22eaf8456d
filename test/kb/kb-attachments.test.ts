/**
 * Knowledge-base images and files through the real app and real files on disk (issue 15 item 1):
 * the unit's editors add them to the draft (size and type checked from the content, as work-order
 * attachments are, in the same store's kb directory); readers get them only for a version they
 * may read (a draft's files are not an agent's); a published version keeps its files when a new
 * draft drops them, and a file leaves the disk only when no version names it; audited.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { Sunline } from '../../src/app.js';
import { JPEG_BYTES, multipartBody, pdfBytes, PNG_BYTES, type FilePart } from '../helpers/attachment-files.js';
import { loginCookies, testApp } from '../helpers/app.js';

type Cookies = { sunline_session: string };
type Body = Record<string, any>;

async function call(app: Sunline, cookies: Cookies, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) {
  const res = await app.http.inject({ method, url, cookies, ...(payload ? { payload } : {}) });
  return {
    status: res.statusCode,
    body: (res.body && res.headers['content-type']?.toString().startsWith('application/json') ? JSON.parse(res.body) : {}) as Body,
    res,
  };
}

async function upload(app: Sunline, cookies: Cookies, articleId: number, files: FilePart[], fields: Record<string, string> = {}) {
  const { payload, headers } = await multipartBody(files, fields);
  const res = await app.http.inject({ method: 'POST', url: `/api/kb/articles/${articleId}/attachments`, cookies, payload, headers });
  return { status: res.statusCode, body: JSON.parse(res.body) as Body };
}

const kbDir = (app: Sunline) => path.join(app.env.attachments.dir, 'kb');
const onDisk = (app: Sunline) => (fs.existsSync(kbDir(app)) ? fs.readdirSync(kbDir(app)).sort() : []);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const article = {
  title: '社保卡遗失如何补办',
  body: '社会保障卡遗失后，先拨打12333挂失，再携带身份证到银行网点补办。办理流程见附图。',
  type: 'guide',
  unitId: 'city-hrss',
  hotlines: ['12333'],
  keywords: ['挂失'],
};

t.test('files of an article: added to the draft, read as its version is, kept with published versions', async (t) => {
  const app = await testApp(t);
  const hrss = await loginCookies(app, 'hrss1', 'unit_handler', { unitId: 'city-hrss' });
  const amr = await loginCookies(app, 'amr1', 'unit_handler', { unitId: 'city-amr' });
  const agent = await loginCookies(app, 'agent1', 'agent');
  const admin = await loginCookies(app, 'admin1', 'admin');
  const created = await call(app, hrss, 'POST', '/api/kb/articles', article);
  const id = created.body['id'] as number;
  const v1 = created.body['draft']['id'] as number;

  const added = await upload(app, hrss, id, [
    { name: '补办流程.png', bytes: PNG_BYTES, type: 'image/png' },
    { name: '申请表.pdf', bytes: pdfBytes('申请表') },
  ]);
  t.equal(added.status, 201, JSON.stringify(added.body));
  const [png, pdf] = added.body['attachments'] as [Body, Body];
  t.match(png, { versionId: v1, fileName: '补办流程.png', kind: 'png', mediaType: 'image/png', size: PNG_BYTES.length, sha256: sha(PNG_BYTES) });
  t.match(pdf, { kind: 'pdf', mediaType: 'application/pdf' });
  t.equal(onDisk(app).length, 2, 'both files in the store’s kb directory');
  t.same(
    onDisk(app)
      .map((n) => sha(fs.readFileSync(path.join(kbDir(app), n))))
      .sort(),
    [sha(PNG_BYTES), sha(pdfBytes('申请表'))].sort(),
    'the files on disk are the uploads',
  );

  // Refusals leave nothing behind.
  const refused = async (who: Cookies, files: FilePart[], status: number, code: string, what: string) => {
    const r = await upload(app, who, id, files);
    t.equal(r.status, status, what);
    t.equal(r.body['error']?.code, code, what);
  };
  await refused(
    hrss,
    [{ name: 'setup.png', bytes: Buffer.from('MZ\x90\x00 this is a program', 'latin1') }],
    415,
    'ATTACHMENT_TYPE_NOT_ALLOWED',
    'an .exe named .png',
  );
  await refused(hrss, [{ name: 'photo.pdf', bytes: JPEG_BYTES }], 415, 'ATTACHMENT_TYPE_NOT_ALLOWED', 'a JPEG named .pdf');
  await refused(hrss, [{ name: 'empty.png', bytes: Buffer.alloc(0) }], 400, 'ATTACHMENT_EMPTY', 'an empty file');
  await refused(
    hrss,
    [{ name: 'big.pdf', bytes: Buffer.concat([pdfBytes(), Buffer.alloc(app.env.attachments.maxBytes)]) }],
    413,
    'ATTACHMENT_TOO_LARGE',
    'over the size limit',
  );
  await refused(amr, [{ name: 'x.png', bytes: PNG_BYTES }], 403, 'KB_NOT_YOUR_UNIT', 'another unit’s article');
  t.equal((await upload(app, agent, id, [{ name: 'x.png', bytes: PNG_BYTES }])).status, 403, 'agents do not write');
  t.equal(onDisk(app).length, 2, 'no refused upload left a file');

  // A draft's files are its editors' and the reviewers' only.
  const pngUrl = `/api/kb/versions/${v1}/attachments/${png['id'] as number}`;
  t.equal((await call(app, agent, 'GET', `/api/kb/versions/${v1}/attachments`)).status, 404, 'not an agent’s to list');
  t.equal((await call(app, agent, 'GET', pngUrl)).status, 404, 'nor to download');
  t.equal((await call(app, amr, 'GET', pngUrl)).status, 404, 'nor another unit’s');
  t.equal((await call(app, hrss, 'GET', `/api/kb/versions/${v1}/attachments`)).body['items'].length, 2, 'its unit lists them');

  await call(app, hrss, 'POST', `/api/kb/articles/${id}/submit`);
  t.equal((await upload(app, hrss, id, [{ name: 'y.png', bytes: PNG_BYTES }])).body['error']?.code, 'KB_BAD_STATE', 'in review: no more files');
  t.equal((await call(app, admin, 'POST', `/api/kb/articles/${id}/approve`, {})).status, 200);
  t.equal((await upload(app, hrss, id, [{ name: 'y.png', bytes: PNG_BYTES }])).body['error']?.code, 'KB_BAD_STATE', 'published without a draft');
  t.equal(onDisk(app).length, 2);

  // Published: every reader gets the files; an image shows inline, a document downloads.
  const image = await call(app, agent, 'GET', pngUrl);
  t.equal(image.status, 200);
  t.equal(image.res.headers['content-type'], 'image/png');
  t.match(image.res.headers['content-disposition'], /^inline; .*filename\*=UTF-8''%E8%A1%A5/);
  t.equal(image.res.headers['x-content-type-options'], 'nosniff');
  t.same(image.res.rawPayload, PNG_BYTES, 'the bytes uploaded');
  const doc = await call(app, agent, 'GET', `/api/kb/versions/${v1}/attachments/${pdf['id'] as number}`);
  t.match(doc.res.headers['content-disposition'], /^attachment; /);
  t.equal((await call(app, agent, 'GET', `/api/kb/versions/${v1}/attachments/99999`)).body['error']?.code, 'ATTACHMENT_NOT_FOUND');
  t.equal(
    (await call(app, hrss, 'DELETE', `/api/kb/articles/${id}/attachments/${png['id'] as number}`)).body['error']?.code,
    'KB_BAD_STATE',
    'a published version keeps its files',
  );

  // A new draft starts with the published files; dropping one there leaves the published version whole.
  const edited = await call(app, hrss, 'PUT', `/api/kb/articles/${id}`, {
    fields: { ...article, body: `${article.body}（2026年更新）` },
    draftVersionId: null,
  });
  const v2 = edited.body['draft']['id'] as number;
  const v2Files = (await call(app, hrss, 'GET', `/api/kb/versions/${v2}/attachments`)).body['items'] as Array<Body>;
  t.same(
    v2Files.map((f) => [f['fileName'], f['sha256']]),
    [
      ['补办流程.png', sha(PNG_BYTES)],
      ['申请表.pdf', sha(pdfBytes('申请表'))],
    ],
    'the draft carries the published files over',
  );
  const v2Png = v2Files[0]!['id'] as number;
  t.equal((await call(app, amr, 'DELETE', `/api/kb/articles/${id}/attachments/${v2Png}`)).status, 403, 'another unit does not drop them');
  t.equal((await call(app, hrss, 'DELETE', `/api/kb/articles/${id}/attachments/${v2Png}`)).status, 204);
  t.same((await call(app, hrss, 'GET', `/api/kb/versions/${v2}/attachments`)).body['items'].length, 1, 'gone from the draft');
  t.equal(onDisk(app).length, 2, 'the file stays: the published version names it');
  t.same((await call(app, agent, 'GET', pngUrl)).res.rawPayload, PNG_BYTES, 'what agents saw is still shown');

  // A file only the draft had leaves the disk when the draft drops it.
  const extra = await upload(app, hrss, id, [{ name: '新表格.jpg', bytes: JPEG_BYTES }]);
  t.equal(extra.status, 201);
  t.equal(onDisk(app).length, 3);
  t.equal((await call(app, hrss, 'DELETE', `/api/kb/articles/${id}/attachments/${extra.body['attachments'][0]['id'] as number}`)).status, 204);
  t.equal(onDisk(app).length, 2, 'no version names it any more: removed');

  const audit = (await call(app, hrss, 'GET', `/api/kb/articles/${id}/history`)).body['audit'] as Array<Body>;
  t.same(
    audit.filter((a) => a['action'] === 'attach' || a['action'] === 'detach').map((a) => [a['action'], a['versionId'], a['note']]),
    [
      ['detach', v2, '新表格.jpg'],
      ['attach', v2, '新表格.jpg'],
      ['detach', v2, '补办流程.png'],
      ['attach', v1, '补办流程.png\n申请表.pdf'],
    ],
    'every change audited, newest first',
  );
});

t.test('orphan files in the kb directory are swept at start; the work orders’ sweep leaves the directory alone', async (t) => {
  const app = await testApp(t);
  fs.mkdirSync(kbDir(app), { recursive: true });
  const orphan = path.join(kbDir(app), 'a'.repeat(32));
  fs.writeFileSync(orphan, 'left by a crash');
  const old = new Date(Date.now() - 2 * 3_600_000);
  fs.utimesSync(orphan, old, old);
  const { AttachmentsService } = await import('../../src/workorders/attachments.js');
  const { KbAttachments } = await import('../../src/kb/attachments.js');
  const wo = new AttachmentsService({ orderReads: app.database.stores.orderReads, orders: undefined as never, dir: app.env.attachments.dir, maxBytes: 1024 });
  t.same(await wo.sweepOrphans(), [], 'the work orders’ sweep does not enter kb/');
  const kb = new KbAttachments({ kbStore: app.database.stores.kb, store: wo.store.subStore('kb'), kb: { version: () => undefined as never } });
  t.same(await kb.sweepOrphans(), ['a'.repeat(32)], 'the knowledge base’s own sweep removes it');
  t.notOk(fs.existsSync(orphan));
});
