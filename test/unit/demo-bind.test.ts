/** The demo (well-known passwords) binds loopback unless --host or SUNLINE_HOST says otherwise (issue 9, low items). */
import t from 'tap';
import { demoBaseUrl, demoHost, isLoopbackHost } from '../../scripts/lib/demo-bind.js';

t.test('loopback by default; --host wins over SUNLINE_HOST', async (t) => {
  t.equal(demoHost(undefined, undefined), '127.0.0.1');
  t.ok(isLoopbackHost(demoHost(undefined, undefined)));
  t.equal(demoHost(undefined, '0.0.0.0'), '0.0.0.0');
  t.equal(demoHost('10.0.0.5', '0.0.0.0'), '10.0.0.5');
  t.notOk(isLoopbackHost('0.0.0.0'));
  t.ok(isLoopbackHost('::1'));
});

t.test('the printed URL reaches the server wherever it binds', async (t) => {
  t.equal(demoBaseUrl('127.0.0.1', 8080), 'http://127.0.0.1:8080');
  t.equal(demoBaseUrl('0.0.0.0', 8080), 'http://127.0.0.1:8080');
  t.equal(demoBaseUrl('::', 8080), 'http://127.0.0.1:8080');
  t.equal(demoBaseUrl('::1', 8080), 'http://[::1]:8080');
  t.equal(demoBaseUrl('10.0.0.5', 9000), 'http://10.0.0.5:9000');
});
