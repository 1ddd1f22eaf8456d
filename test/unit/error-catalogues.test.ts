import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import pino from 'pino';
import { AgentError } from '../../src/agents/agents-service.js';
import { CallError } from '../../src/calls/errors.js';
import { DurabilityError } from '../../src/db/durability.js';
import { BackupError } from '../../src/db/backup.js';
import { CopyError } from '../../src/db/copy-to-postgres.js';
import { PostgresError } from '../../src/db/postgres.js';
import { AsyncDbError } from '../../src/db/sqlite-async.js';
import { BridgeAuthError } from '../../src/http/bridge-auth.js';
import { AppError, defineErrors, errorBody, isCodedError, type ErrorDef } from '../../src/errors/index.js';
import { MediaError } from '../../src/media/errors.js';
import { TelephonyError } from '../../src/telephony/errors.js';
import { LoginLockedError } from '../../src/users/login-throttle.js';
import { AccountError } from '../../src/users/account-errors.js';
import { ConfigError } from '../../src/config/history/config-errors.js';
import { AttachmentError } from '../../src/workorders/attachments.js';
import { WorkOrderError } from '../../src/workorders/errors.js';
import { KbError } from '../../src/kb/errors.js';
import { RecordingError } from '../../src/recordings/errors.js';
import { ReportError } from '../../src/reports/errors.js';
import { QaError } from '../../src/qa/errors.js';
import { SkillsError } from '../../src/agents/skills.js';
import { SupervisionError } from '../../src/supervision/errors.js';
import { PromptError } from '../../src/prompts/prompt-errors.js';
import { RealtimeError } from '../../src/realtime/errors.js';

/** Every catalogue of src/, by the name its defineErrors call gives it. */
const CATALOGUES: Record<string, Readonly<Record<string, ErrorDef>>> = {
  AppError: AppError.catalogue,
  AgentError: AgentError.catalogue,
  CallError: CallError.catalogue,
  DurabilityError: DurabilityError.catalogue,
  MediaError: MediaError.catalogue,
  TelephonyError: TelephonyError.catalogue,
  LoginLockedError: LoginLockedError.catalogue,
  AttachmentError: AttachmentError.catalogue,
  WorkOrderError: WorkOrderError.catalogue,
  KbError: KbError.catalogue,
  BridgeAuthError: BridgeAuthError.catalogue,
  AccountError: AccountError.catalogue,
  RecordingError: RecordingError.catalogue,
  ReportError: ReportError.catalogue,
  ConfigError: ConfigError.catalogue,
  QaError: QaError.catalogue,
  SkillsError: SkillsError.catalogue,
  SupervisionError: SupervisionError.catalogue,
  PromptError: PromptError.catalogue,
  PostgresError: PostgresError.catalogue,
  CopyError: CopyError.catalogue,
  BackupError: BackupError.catalogue,
  RealtimeError: RealtimeError.catalogue,
  AsyncDbError: AsyncDbError.catalogue,
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

t.test('the list above holds every defineErrors call in src/', async (t) => {
  const named = sourceFiles('src')
    .filter((f) => !f.startsWith(path.join('src', 'errors', 'define-errors.ts')))
    .flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/defineErrors\(\s*'(\w+)'/g)].map((m) => m[1]));
  t.same(named.sort(), Object.keys(CATALOGUES).sort());
});

t.test('every error code is defined in one catalogue only (one meaning per code)', async (t) => {
  const owners = new Map<string, string[]>();
  for (const [name, catalogue] of Object.entries(CATALOGUES)) {
    for (const code of Object.keys(catalogue)) owners.set(code, [...(owners.get(code) ?? []), name]);
  }
  const twice = [...owners].filter(([, names]) => names.length > 1);
  t.same(twice, [], 'codes defined in more than one catalogue');
  t.equal(owners.get('CALL_NOT_FOUND')?.join(), 'CallError', 'CALL_NOT_FOUND is "no such live call", only');
  t.equal(owners.get('CHANNEL_GONE')?.join(), 'TelephonyError', "the Asterisk channel being gone is telephony's own code");
  t.equal(owners.get('ASTERISK_UNAVAILABLE')?.join(), 'TelephonyError');
});

t.test('every catalogue entry has a code, an HTTP error status and a message', async (t) => {
  for (const [name, catalogue] of Object.entries(CATALOGUES)) {
    for (const [code, def] of Object.entries(catalogue)) {
      t.match(code, /^[A-Z][A-Z0-9_]+$/, `${name}.${code} is SCREAMING_SNAKE`);
      t.equal(def.code, code);
      t.ok(def.statusCode >= 400 && def.statusCode <= 599, `${name}.${code} has an error status`);
      t.ok(def.message.length > 0, `${name}.${code} has a message`);
    }
  }
});

t.test('defineErrors: instances carry code, status, message (given or default), details, retry-after', async (t) => {
  class ShopError extends defineErrors('ShopError', { OUT_OF_STOCK: [409, 'sold out'], TILL_BROKEN: [503, 'the till is broken'] }) {}
  const e = new ShopError('OUT_OF_STOCK', undefined, { details: { sku: 7 }, retryAfterSeconds: 3 });
  t.ok(e instanceof Error && e instanceof ShopError);
  t.equal(e.name, 'ShopError');
  t.same([e.code, e.statusCode, e.message, e.details, e.retryAfterSeconds], ['OUT_OF_STOCK', 409, 'sold out', { sku: 7 }, 3]);
  t.equal(new ShopError('OUT_OF_STOCK', 'the red one is sold out').message, 'the red one is sold out');
  t.same(ShopError.catalogue.TILL_BROKEN, { code: 'TILL_BROKEN', statusCode: 503, message: 'the till is broken' });
  t.ok(Object.isFrozen(ShopError.catalogue));
  t.throws(() => new ShopError('NOPE' as 'OUT_OF_STOCK'), /unknown error code NOPE/);
});

t.test('isCodedError: only errors defined by a catalogue, never look-alikes', async (t) => {
  t.ok(isCodedError(new CallError('CALL_NOT_FOUND')));
  t.ok(isCodedError(new TelephonyError('CHANNEL_GONE')));
  t.ok(isCodedError(new LoginLockedError(1500)));
  t.ok(isCodedError(new DurabilityError(new Error('EIO'))));
  t.notOk(isCodedError(Object.assign(new Error('x'), { code: 'ECONNRESET', statusCode: 500 })), 'a Node error with a status');
  t.notOk(isCodedError({ code: 'CALL_NOT_FOUND', statusCode: 404, message: 'a plain object' }));
  t.notOk(isCodedError(Object.assign(new Error('too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })));
  t.notOk(isCodedError('CALL_NOT_FOUND'));
  t.notOk(isCodedError(null));
});

t.test('errorBody: one body for HTTP and sockets; 5xx and unknown errors hide internals', async (t) => {
  t.same(errorBody(new CallError('CALL_NOT_FOUND', 'call c1 ended')), { error: { code: 'CALL_NOT_FOUND', message: 'call c1 ended' } });
  t.same(errorBody(new WorkOrderError('CONFLICT', 'order 7 is at version 3', { details: { version: 3 } })), {
    error: { code: 'CONFLICT', message: 'order 7 is at version 3', details: { version: 3 } },
  });
  t.same(errorBody(new TelephonyError('ASTERISK_UNAVAILABLE', { detail: 'connect ECONNREFUSED 10.0.0.5:8088' })), {
    error: { code: 'ASTERISK_UNAVAILABLE', message: 'the telephony server is unavailable' },
  });
  t.same(
    errorBody(new AppError('INTERNAL', 'SQLITE_CORRUPT at page 12', { details: { page: 12 } })),
    {
      error: { code: 'INTERNAL', message: 'internal error' },
    },
    'a 5xx shows the catalogue message and no details',
  );
  t.same(errorBody(new TypeError('cannot read properties of undefined')), { error: { code: 'INTERNAL', message: 'internal error' } });
  t.same(errorBody(new LoginLockedError(1200)), { error: { code: 'LOGIN_LOCKED', message: 'too many failed logins for this account; try again later' } });
  t.equal(new LoginLockedError(1200).retryAfterSeconds, 2);
});

t.test('a call command whose Asterisk leg is gone is refused as CALL_NOT_FOUND, other failures pass', async (t) => {
  const { callEndedOnGone } = await import('../../src/calls/errors.js');
  await t.rejects(
    callEndedOnGone('c1', () => Promise.reject(new TelephonyError('CHANNEL_GONE'))),
    { code: 'CALL_NOT_FOUND', statusCode: 404, message: 'call c1 ended' },
  );
  await t.rejects(
    callEndedOnGone('c1', () => Promise.reject(new TelephonyError('ASTERISK_TIMEOUT'))),
    { code: 'ASTERISK_TIMEOUT' },
  );
  t.equal(await callEndedOnGone('c1', () => Promise.resolve(7)), 7);
});

t.test('a coded error can be logged: pino serializes it (its catalogue entry is frozen and stays out of the way)', async (t) => {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
  const err = new TelephonyError('ASTERISK_UNAVAILABLE', { detail: 'ECONNREFUSED' });
  log.warn({ err }, 'ari resync failed');
  const line = JSON.parse(lines[0]!) as { err: { code: string; type: string } };
  t.same([line.err.code, line.err.type], ['ASTERISK_UNAVAILABLE', 'TelephonyError']);
  t.equal(err.def.statusCode, 503, 'the entry is still there to read');
});
