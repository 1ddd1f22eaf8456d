/**
 * Images placed in an article's body (issue 15 item 1): `![alt](attachment:ID)` names an image
 * attached to the same version. The parser keeps everything else as text (no HTML, no URL from
 * the text); submitting a draft whose body places an image not attached to it is 400
 * KB_IMAGE_NOT_ATTACHED (another version's, a PDF, a removed one); a new draft after the
 * published version renumbers the references to its own copies of the files.
 */
import t from 'tap';
import type { Sunline } from '../../src/app.js';
import { bodyImageIds, bodyImageRef, bodyParts, renumberBodyImages } from '../../src/contract/kb-body.js';
import { multipartBody, pdfBytes, PNG_BYTES, type FilePart } from '../helpers/attachment-files.js';
import { loginCookies, testApp } from '../helpers/app.js';

type Cookies = { sunline_session: string };

t.test('bodyParts: references become images, everything else stays text', async (t) => {
  t.same(bodyParts('先挂失。\n![补办流程](attachment:12)\n再补办。'), [
    { text: '先挂失。\n' },
    { image: { alt: '补办流程', attachmentId: 12 } },
    { text: '\n再补办。' },
  ]);
  const hostile = [
    '![x](https://evil.example/a.png)',
    '![x](javascript:alert(1))',
    '<img src=x onerror=alert(1)>',
    '![x](attachment:12 "t")',
    '![x](attachment:-1)',
    '![x](attachment:1e3)',
  ].join('\n');
  t.same(bodyParts(hostile), [{ text: hostile }], 'no other URL, no HTML, only attachment:DIGITS');
  t.same(bodyImageIds('![a](attachment:1) ![b](attachment:22)'), [1, 22]);
  t.equal(renumberBodyImages('![a](attachment:1) ![b](attachment:2)', new Map([[1, 7]])), '![a](attachment:7) ![b](attachment:2)');
  t.equal(bodyImageRef('a]b\nc.png', 5), '![a b c.png](attachment:5)', 'a file name cannot end the reference early');
  t.same(bodyParts(bodyImageRef('a]b\nc.png', 5)), [{ image: { alt: 'a b c.png', attachmentId: 5 } }]);
});

t.test('submitting checks the placed images; a new draft renumbers them to its copies', async (t) => {
  const app = await testApp(t);
  const hrss = await loginCookies(app, 'hrss1', 'unit_handler', { unitId: 'city-hrss' });
  const admin = await loginCookies(app, 'admin1', 'admin');
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, cookies: Cookies = hrss) => {
    const res = await app.http.inject({ method, url, cookies, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, any> };
  };
  const upload = async (articleId: number, files: FilePart[]) => {
    const { payload, headers } = await multipartBody(files, {});
    const res = await app.http.inject({ method: 'POST', url: `/api/kb/articles/${articleId}/attachments`, cookies: hrss, payload, headers });
    return (JSON.parse(res.body) as { attachments: Array<{ id: number }> }).attachments.map((a) => a.id);
  };
  const fields = (body: string) => ({ title: '社保卡遗失如何补办', body, type: 'faq', unitId: 'city-hrss', hotlines: ['12333'] });
  const save = async (id: number, body: string) => {
    const a = (await call('GET', `/api/kb/articles/${id}`)).body;
    return call('PUT', `/api/kb/articles/${id}`, { fields: fields(body), draftVersionId: a['draft']?.['id'] ?? null });
  };

  const other = (await call('POST', '/api/kb/articles', fields('另一篇'))).body['id'] as number;
  const [foreign] = await upload(other, [{ name: '别人的.png', bytes: PNG_BYTES, type: 'image/png' }]);
  const id = (await call('POST', '/api/kb/articles', fields('先挂失，再补办。'))).body['id'] as number;
  const [png, pdf] = await upload(id, [
    { name: '补办流程.png', bytes: PNG_BYTES, type: 'image/png' },
    { name: '申请表.pdf', bytes: await pdfBytes(), type: 'application/pdf' },
  ]);

  for (const [body, why] of [
    [`流程：\n![流程](attachment:${foreign})`, 'another article’s image'],
    [`申请表：![表](attachment:${pdf})`, 'a PDF is no image'],
    ['![图](attachment:999999)', 'no such attachment'],
  ] as const) {
    t.equal((await save(id, body)).status, 200, 'a draft may hold anything while it is written');
    const refused = await call('POST', `/api/kb/articles/${id}/submit`);
    t.equal(refused.status, 400, why);
    t.equal(refused.body['error']?.code, 'KB_IMAGE_NOT_ATTACHED', why);
    t.equal((await call('GET', `/api/kb/articles/${id}`)).body['draft']['state'], 'draft', `${why}: still a draft`);
  }
  t.equal((await save(id, `先挂失：\n![补办流程](attachment:${png})\n再补办。`)).status, 200);
  t.equal((await call('POST', `/api/kb/articles/${id}/submit`)).status, 200, 'its own image');
  const v1 = (await call('POST', `/api/kb/articles/${id}/approve`, {}, admin)).body['published'];
  t.match(v1['body'], `(attachment:${png})`);

  // A new draft: its own copies of the files, the body's reference follows them.
  const v2 = (await save(id, v1['body'] + '\n工本费已取消。')).body['draft'];
  const copies = (await call('GET', `/api/kb/versions/${v2['id']}/attachments`)).body['items'] as Array<{ id: number; fileName: string }>;
  const copy = copies.find((f) => f.fileName === '补办流程.png')!.id;
  t.not(copy, png, 'a copy of its own');
  t.match(v2['body'], `![补办流程](attachment:${copy})`, 'renumbered to the copy');
  t.equal((await call('POST', `/api/kb/articles/${id}/submit`)).status, 200, 'and submits');
  t.match((await call('GET', `/api/kb/versions/${v1['id']}`)).body['body'], `(attachment:${png})`, 'the published version unchanged');
});
