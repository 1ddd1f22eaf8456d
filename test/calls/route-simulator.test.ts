/**
 * The route simulator's decisions (issue 11 item 6) on the shipped configuration and on drafts:
 * pure, with a fixed instant; and the local-time parsing it takes from the CLI and the editor.
 */
import t from 'tap';
import { loadConfigDir, validateConfigSet, type SunlineConfig } from '../../src/config/files/index.js';
import { instantIn, simulateRoute, type SimAgent } from '../../src/calls/route-simulator.js';
import { buildWorkCalendar } from '../../src/workorders/deadlines/calendar-config.js';

async function shipped(): Promise<{ config: SunlineConfig; texts: Record<string, string> }> {
  const res = await loadConfigDir('config');
  if (!res.ok) throw new Error('the shipped config does not load');
  return { config: res.config, texts: res.texts as Record<string, string> };
}

function calendarOf(config: SunlineConfig) {
  const built = buildWorkCalendar(config.calendar);
  if (!built.ok) throw new Error('calendar');
  return built.calendar;
}

const agents: SimAgent[] = [
  { agentId: 3, displayName: '坐席三', state: 'available', penalty: 1, pauseReason: null },
  { agentId: 2, displayName: '坐席二', state: 'paused', penalty: 0, pauseReason: '小休' },
  { agentId: 1, displayName: '坐席一', state: 'available', penalty: 0, pauseReason: null },
  { agentId: 4, displayName: '坐席四', state: 'on_call', penalty: 0, pauseReason: null },
];

t.test('local wall-clock time in a zone', async (t) => {
  t.equal(instantIn('2026-10-01 22:00', 'Asia/Shanghai'), Date.UTC(2026, 9, 1, 14, 0));
  t.equal(instantIn('2026-07-01T12:00', 'America/New_York'), Date.UTC(2026, 6, 1, 16, 0), 'daylight saving time');
  t.equal(instantIn('2026-01-15 12:00', 'America/New_York'), Date.UTC(2026, 0, 15, 17, 0));
  t.equal(instantIn('2026-02-30 10:00', 'Asia/Shanghai'), undefined);
  t.equal(instantIn('2026-10-01 24:00', 'Asia/Shanghai'), undefined);
  t.equal(instantIn('tomorrow', 'Asia/Shanghai'), undefined);
});

t.test('12315 on National Day at 22:00 with the shipped config (7×24)', async (t) => {
  const { config } = await shipped();
  const at = instantIn('2026-10-01 22:00', 'Asia/Shanghai')!;
  const r = simulateRoute(config, calendarOf(config), { dialled: '12315', from: '13800000000', at, openOrders: 0, agents });
  t.match(r, {
    local: '2026-10-01 22:00',
    listed: true,
    hotline: { number: '12315', skill: 'consumer' },
    open: true,
    holiday: '国庆节',
    then: 'queue',
    menu: null,
    priority: { repeatCaller: false, repeatBoost: 0 },
  });
  t.same(r.prompts, [{ kind: 'greeting', chain: ['sunline/greeting-12315', 'sunline/greeting-default'] }]);
  t.same(
    r.agents.map((a) => [a.agentId, a.offered]),
    [
      [1, true],
      [3, true],
      [2, false],
      [4, false],
    ],
    'free agents first, lowest penalty first; busy and paused ones are not offered',
  );
  const repeat = simulateRoute(config, calendarOf(config), { dialled: '12315', from: '13800000000', at, openOrders: 2, agents: [] });
  t.match(repeat.priority, { repeatCaller: true, repeatBoost: 10, total: r.priority.total + 10 });
  const unknown = simulateRoute(config, calendarOf(config), { dialled: '12399', from: null, at, openOrders: 0, agents: [] });
  t.match(unknown, { listed: false, hotline: { number: config.numbers.defaultNumber } });
});

t.test('a draft ivr.yaml with office hours, a holiday announcement and a menu', async (t) => {
  const { texts } = await shipped();
  const ivr =
    texts['ivr']!.replace(
      /hours:\n  mode: always[^\n]*\n/,
      'hours:\n  mode: schedule\n  schedule:\n    - { days: [mon, tue, wed, thu, fri], from: "08:00", to: "20:00" }\n  closedPrompt: sunline/closed\n  outsideHours: hangup\n',
    ).replace(/holidays:\n  mode: normal\n/, 'holidays:\n  mode: announce\n  prompt: sunline/holiday\n') +
    '\nmenu:\n  prompt: sunline/menu\n  options:\n    - { digit: "1", number: "12333" }\n';
  t.match(ivr, /mode: schedule[\s\S]*mode: announce/, 'the shipped ivr.yaml has the blocks this test replaces');
  const res = validateConfigSet({ ...texts, ivr }, { displayDir: 'config' });
  if (!res.ok) throw new Error(res.problems.map((p) => p.message).join('\n'));
  const cal = calendarOf(res.config);
  const night = simulateRoute(res.config, cal, { dialled: '12315', from: null, at: instantIn('2026-10-08 22:00', 'Asia/Shanghai')!, openOrders: 0, agents });
  t.match(night, { open: false, then: 'hangup', menu: null, prompts: [{ kind: 'closed', chain: ['sunline/closed'] }] });
  const holiday = simulateRoute(res.config, cal, { dialled: '12315', from: null, at: instantIn('2026-10-01 10:00', 'Asia/Shanghai')!, openOrders: 0, agents });
  t.match(holiday, { open: false, holiday: '国庆节' }, 'an official holiday follows Sunday: closed');
  const day = simulateRoute(res.config, cal, { dialled: '12315', from: null, at: instantIn('2026-10-09 10:00', 'Asia/Shanghai')!, openOrders: 0, agents });
  t.match(day, { open: true, then: 'queue', holiday: null, menu: { prompt: 'sunline/menu', options: [{ digit: '1', number: '12333' }] } });
  t.equal(day.prompts[0]?.kind, 'greeting');
});

t.test('skills (decision 0015): a 12333 call is offered to the hrss agents first, the others after the overflow', async (t) => {
  const { config, texts } = await shipped();
  const at = instantIn('2026-10-09 10:00', 'Asia/Shanghai')!;
  const skilled: SimAgent[] = [
    { agentId: 1, displayName: '普通', state: 'available', penalty: 0, pauseReason: null, skills: [] },
    { agentId: 2, displayName: '社保二级', state: 'available', penalty: 0, pauseReason: null, skills: [{ skill: 'hrss', level: 2 }] },
    { agentId: 3, displayName: '社保一级', state: 'on_call', penalty: 0, pauseReason: null, skills: [{ skill: 'hrss', level: 1 }] },
    { agentId: 4, displayName: '社保一级B', state: 'available', penalty: 3, pauseReason: null, skills: [{ skill: 'hrss', level: 1 }] },
  ];
  const r = simulateRoute(config, calendarOf(config), { dialled: '12333', from: null, at, openOrders: 0, agents: skilled });
  t.equal(r.hotline.overflowSeconds, config.numbers.overflowSeconds);
  t.same(
    r.agents.map((a) => [a.agentId, a.offered, a.tier, a.skillLevel]),
    [
      [4, true, 'first', 1],
      [2, true, 'first', 2],
      [1, false, 'after_overflow', null],
      [3, false, 'first', 1],
    ],
  );
  const general = simulateRoute(config, calendarOf(config), { dialled: '12345', from: null, at, openOrders: 0, agents: skilled });
  t.same(
    general.agents.filter((a) => a.offered).map((a) => a.agentId),
    [1, 2, 4],
    'a skill nobody carries (general): every free agent at once',
  );
  const off = validateConfigSet({ ...texts, numbers: texts['numbers']!.replace(/^overflowSeconds: \d+$/m, 'overflowSeconds: 0') }, { displayDir: 'config' });
  if (!off.ok) throw new Error(off.problems.map((p) => p.message).join('\n'));
  const noSkills = simulateRoute(off.config, calendarOf(off.config), { dialled: '12333', from: null, at, openOrders: 0, agents: skilled });
  t.same(
    noSkills.agents.filter((a) => a.offered).map((a) => a.agentId),
    [4, 2, 1],
    'overflowSeconds 0: skills off, every free agent',
  );
});
