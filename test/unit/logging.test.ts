import { Writable } from 'node:stream';
import t from 'tap';
import { createLogger } from '../../src/logging/logger.js';
import { maskPhone, maskPhonesInText } from '../../src/logging/mask.js';

t.test('maskPhone keeps 3 + 4 digits of a mobile, last 4 of shorter numbers', async (t) => {
  t.equal(maskPhone('13800138000'), '138****8000');
  t.equal(maskPhone('057212345678'), '057*****5678');
  t.equal(maskPhone('88001234'), '****1234');
  t.equal(maskPhone('123'), '***');
  t.equal(maskPhonesInText('caller 13800138000 rang 12315'), 'caller 138****8000 rang 12315');
});

t.test('logger masks phone fields at any depth and removes secrets', async (t) => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const log = createLogger({ level: 'info' }, sink);
  log.info({ callerPhone: '13800138000', call: { callerNumber: '13912345678' }, password: 'pw', status: 'accepted' }, 'call entered');
  const entry = JSON.parse(lines[0]!);
  t.equal(entry.callerPhone, '138****8000');
  t.equal(entry.call.callerNumber, '139****5678');
  t.equal(entry.password, '[redacted]');
  t.equal(entry.status, 'accepted');
  t.notMatch(lines[0]!, /13800138000|13912345678/);
});

t.test('SUNLINE_LOG_FORMAT=pretty: readable lines, masked the same way', async (t) => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const log = createLogger({ level: 'info', format: 'pretty' }, sink);
  log.info({ callerPhone: '13800138000', call: { callerNumber: '13912345678' }, password: 'pw' }, 'call entered');
  const text = lines.join('');
  t.match(text, /INFO.*\(sunline\): call entered/, 'level, name and message on one readable line');
  t.notMatch(text, /^\{/, 'not JSON');
  t.match(text, /138\*\*\*\*8000/);
  t.match(text, /139\*\*\*\*5678/);
  t.notMatch(text, /13800138000|13912345678|"pw"/);
});
