/** The log formatter that replaced pino's wildcard redaction (logging/logger.ts). */
import { Writable } from 'node:stream';
import t from 'tap';
import { createLogger, maskLogObject } from '../../src/logging/logger.js';

const capture = () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, log: createLogger({ level: 'info' }, sink) };
};

t.test('every key the redact paths covered is masked at the top and two levels below', async (t) => {
  const phones = ['phone', 'callerPhone', 'callerNumber', 'callerIdNum', 'caller', 'ani', 'connectedLineNum', 'callerid', 'calleridnum'];
  const secrets = ['password', 'passwordHash', 'token', 'secret', 'cookie', 'authorization'];
  for (const key of [...phones, ...secrets]) {
    const { lines, log } = capture();
    log.info({ [key]: '13800138000', a: { [key]: '13800138000', b: { [key]: '13800138000' } } }, 'x');
    const e = JSON.parse(lines[0]!);
    const want = secrets.includes(key) ? '[redacted]' : '138****8000';
    t.same([e[key], e.a[key], e.a.b[key]], [want, want, want], key);
  }
});

t.test('the logged object is not modified, and an object with nothing to mask is not copied', async (t) => {
  const inner = { callerPhone: '13800138000' };
  const obj = { call: inner, status: 'queued' };
  const masked = maskLogObject({ x: obj });
  t.equal(inner.callerPhone, '13800138000');
  t.equal((masked.x as { call: { callerPhone: string } }).call.callerPhone, '138****8000');
  const clean = { callId: 'c1', agent: { id: 3 } };
  t.equal(maskLogObject(clean), clean);
});

t.test('a profile object under a phone key is kept, short numbers are not phones', async (t) => {
  const { lines, log } = capture();
  log.info({ caller: { name: 'x' }, ani: '1234' }, 'x');
  const e = JSON.parse(lines[0]!);
  t.same(e.caller, { name: 'x' });
  t.equal(e.ani, '1234');
});

t.test('child bindings are masked too', async (t) => {
  const { lines, log } = capture();
  log.child({ callerNumber: '13912345678', token: 'abc' }).info('x');
  t.notMatch(lines[0]!, /13912345678|abc/);
  t.match(lines[0]!, /139\*\*\*\*5678/);
});
