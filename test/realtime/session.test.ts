import t from 'tap';
import type { IncomingMessage } from 'node:http';
import { originAllowed, readCookie } from '../../src/realtime/session.js';

t.test('readCookie finds one cookie among many, decoded', async (t) => {
  t.equal(readCookie(undefined, 'sunline_session'), null);
  t.equal(readCookie('a=1; b=2', 'sunline_session'), null);
  t.equal(readCookie('a=1; sunline_session=abc%2Bd; b=2', 'sunline_session'), 'abc+d');
  t.equal(readCookie('xsunline_session=no; sunline_session="quoted"', 'sunline_session'), 'quoted');
  t.equal(readCookie('junk; sunline_session=%E0%A4%A', 'sunline_session'), '%E0%A4%A', 'bad escapes kept as sent');
});

t.test('originAllowed: none, own host, forwarded host or the configured origin', async (t) => {
  const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
  t.ok(originAllowed(req({ host: 'a.example' }), undefined), 'no Origin: not a browser');
  t.ok(originAllowed(req({ host: 'a.example', origin: 'https://A.example' }), undefined));
  t.ok(originAllowed(req({ host: '10.0.0.1:3000', origin: 'https://hotline.gov.example', 'x-forwarded-host': 'hotline.gov.example' }), undefined));
  t.ok(originAllowed(req({ host: 'api.example', origin: 'http://localhost:5173' }), 'http://localhost:5173'));
  t.notOk(originAllowed(req({ host: 'a.example', origin: 'https://evil.example' }), 'http://localhost:5173'));
  t.notOk(originAllowed(req({ host: 'a.example', origin: 'null' }), undefined), 'opaque origin');
});
