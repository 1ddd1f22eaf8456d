import t from 'tap';
import { maskPersonal, maskUrl, serializeRequest } from '../../src/logging/request-log.js';

t.test('maskUrl: phones keep 3 + 4 digits, free text and unknown keys are hidden, plain keys stay', async (t) => {
  t.equal(maskUrl('/api/public/orders/HZ-20261126-000123?phone=13800138000'), '/api/public/orders/HZ-20261126-000123?phone=138****8000');
  t.equal(maskUrl('/api/workorders?q=%E5%BC%A0%E4%B8%89&status=accepted&page=2'), '/api/workorders?q=***&status=accepted&page=2');
  t.equal(maskUrl('/api/workorders?channel=13912345678&callerPhone=0571-88001234'), '/api/workorders?channel=139****5678&callerPhone=057*****1234');
  t.equal(maskUrl('/x?secret=abc&flag&=v&bad=%E0%A4%A'), '/x?secret=***&flag&=***&bad=***');
  t.equal(maskUrl('/health/live'), '/health/live');
});

t.test('maskPersonal: phones masked at any depth, personal text hidden, the rest kept', async (t) => {
  const body = {
    phone: '13800138000',
    name: '张三',
    category: 'complaint',
    content: '我家 13912345678 门口',
    nested: { callerPhone: 13700001111, note: 'call 13600001111' },
    list: [{ nickname: 'n' }],
    n: 3,
    none: null,
  };
  t.same(maskPersonal(body), {
    phone: '138****8000',
    name: '***',
    category: 'complaint',
    content: '***',
    nested: { callerPhone: '137****1111', note: 'call 136****1111' },
    list: [{ nickname: '***' }],
    n: 3,
    none: null,
  });
  const deep = { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } };
  t.same(maskPersonal(deep), { a: { b: { c: { d: { e: { f: '***' } } } } } });
});

t.test('serializeRequest: the socket peer, and the proxy’s client only when it differs', async (t) => {
  const base = { method: 'GET', url: '/api/public/orders/N?phone=13800138000', host: 'sunline', socket: { remoteAddress: '10.0.0.2', remotePort: 5555 } };
  t.same(serializeRequest({ ...base, ip: '10.0.0.2' }), {
    method: 'GET',
    url: '/api/public/orders/N?phone=138****8000',
    host: 'sunline',
    remoteAddress: '10.0.0.2',
    remotePort: 5555,
  });
  t.match(serializeRequest({ ...base, ip: '198.51.100.7' }), { remoteAddress: '10.0.0.2', clientAddress: '198.51.100.7' });
  t.match(serializeRequest({ method: 'GET', headers: { host: 'h' }, socket: null }), { url: '', host: 'h', remoteAddress: undefined });
});
