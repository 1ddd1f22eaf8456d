import type { AddressInfo } from 'node:net';
import t from 'tap';
import { io as connectClient, type Socket } from 'socket.io-client';
import type { DeadlineWarning } from '../../src/contract/index.js';
import { unitRoomsFor } from '../../src/realtime/session.js';
import { testApp } from '../helpers/app.js';

t.test('unitRoomsFor: own unit, plus the overseen units without repeats', async (t) => {
  t.same(unitRoomsFor('a'), ['unit:a']);
  t.same(
    unitRoomsFor('county', () => ['county', 'x', 'y']),
    ['unit:county', 'unit:x', 'unit:y'],
  );
});

t.test('county sub-platform staff get the deadline warnings of their whole subtree, live, through the real app', async (t) => {
  // The full app with its own socket.io and the shipped config/org.yaml (dq-12345 is 德清's sub-platform).
  const app = await testApp(t);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const sockets: Socket[] = [];
  t.teardown(() => sockets.forEach((s) => s.disconnect()));

  const connect = async (username: string, unitId: string) => {
    await app.users.create({ username, displayName: username, role: 'unit_handler', unitId, password: 'long enough password' });
    const { token } = (await app.users.login(username, 'long enough password'))!;
    const socket = connectClient(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie: `sunline_session=${token}` } });
    sockets.push(socket);
    const warnings: DeadlineWarning[] = [];
    socket.on('workorder:deadline', (w: DeadlineWarning) => warnings.push(w));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect_error', reject);
      // system:status is sent after the rooms are joined.
      socket.once('system:status', () => resolve());
    });
    return warnings;
  };

  const county = await connect('dq-platform', 'dq-12345');
  const townUnit = await connect('moganshan', 'dq-moganshan-gov');
  const otherCounty = await connect('wuxing', 'wx-gov');
  const cityUnit = await connect('amr', 'city-amr');

  const warn = (orderId: number, leadUnitId: string): DeadlineWarning => ({
    orderId,
    number: `HZ-20261126-00000${orderId}`,
    kind: 'due_soon',
    deadlineAt: 1,
    leadUnitId,
    at: 2,
  });
  app.events.emit('workorder.deadline', warn(1, 'dq-moganshan-gov')); // a township in 德清
  app.events.emit('workorder.deadline', warn(2, 'dq-amr')); // a county department in 德清
  app.events.emit('workorder.deadline', warn(3, 'wx-gov')); // another county
  app.events.emit('workorder.deadline', warn(4, 'dq-12345')); // the sub-platform's own

  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  };
  await until(() => county.length >= 3 && townUnit.length >= 1 && otherCounty.length >= 1);
  await new Promise((r) => setTimeout(r, 150)); // anything extra would arrive by now

  t.same(county.map((w) => w.orderId).sort(), [1, 2, 4], 'the sub-platform hears its whole subtree, each warning once');
  t.same(
    townUnit.map((w) => w.orderId),
    [1],
    'a township unit hears only its own',
  );
  t.same(
    otherCounty.map((w) => w.orderId),
    [3],
    'another county hears only its own',
  );
  t.same(cityUnit, [], 'a city department above the county hears nothing of it');
});
