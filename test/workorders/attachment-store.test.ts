/**
 * The attachment store shared by work orders and the knowledge base (src/workorders/attachment-store.ts):
 * a file is checked as it is staged (size, type from the content), a sub-store keeps another
 * owner's files in its own directory with the same limits, each sweep removes only its own
 * directory's orphans, and no stored name outside the store's own form reaches the disk.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import t from 'tap';
import { AttachmentStore } from '../../src/workorders/attachment-store.js';
import { PNG_BYTES, pdfBytes } from '../helpers/attachment-files.js';

function tmpStore(t: { teardown(fn: () => unknown): void }, maxBytes = 1024) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunline-store-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return new AttachmentStore({ dir, maxBytes, maxFiles: 3 });
}

const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: { code?: string }) => err.code ?? String(err),
  );

t.test('a sub-store keeps its files in its own directory, with the same limits and checks', async (t) => {
  const store = tmpStore(t, 100);
  const kb = store.subStore('kb');
  t.equal(kb.dir, path.join(store.dir, 'kb'));
  t.equal(kb.maxBytes, 100);
  t.equal(kb.maxFiles, 3);
  const staged = await kb.stage('图.png', Readable.from([PNG_BYTES]));
  t.match(staged, { kind: 'png', fileName: '图.png', size: PNG_BYTES.length });
  t.ok(fs.existsSync(path.join(kb.dir, staged.storedName)), 'written under kb/');
  t.equal(await codeOf(kb.stage('a.pdf', Readable.from([pdfBytes('x'.repeat(200))]))), 'ATTACHMENT_TOO_LARGE');
  t.equal(await codeOf(kb.stage('a.pdf', Readable.from([PNG_BYTES]))), 'ATTACHMENT_TYPE_NOT_ALLOWED', 'the name must fit the content');
  t.same(fs.readdirSync(kb.dir), [staged.storedName], 'refused files are removed');
  t.equal(kb.existing(staged.storedName), path.join(kb.dir, staged.storedName));
  kb.discard([staged]);
  t.equal(kb.existing(staged.storedName), null);
  t.throws(() => store.subStore('../elsewhere'), /not a store name/);
  t.throws(() => kb.existing('../../etc/passwd'), /not a stored attachment name/, 'no path outside the store');
});

t.test('each sweep removes only its own directory’s old files without a row', async (t) => {
  const store = tmpStore(t);
  const kb = store.subStore('kb');
  fs.mkdirSync(kb.dir, { recursive: true });
  const old = new Date(Date.now() - 2 * 3_600_000);
  const put = (dir: string, name: string, when = old) => {
    fs.writeFileSync(path.join(dir, name), 'x');
    fs.utimesSync(path.join(dir, name), when, when);
  };
  put(store.dir, 'a'.repeat(32));
  put(store.dir, 'b'.repeat(32));
  put(kb.dir, 'c'.repeat(32));
  put(kb.dir, 'd'.repeat(32), new Date());
  t.same(store.sweepOrphans(new Set(['b'.repeat(32)])), ['a'.repeat(32)], 'the parent leaves kb/ and the known file alone');
  t.same(kb.sweepOrphans(new Set()), ['c'.repeat(32)], 'kb/ sweeps its own old orphan; a recent upload stays');
  t.same(fs.readdirSync(kb.dir), ['d'.repeat(32)]);
});
