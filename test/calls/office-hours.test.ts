/**
 * The front door's decision (office-hours.ts): in hours, out of hours, official holidays and
 * make-up working days, always in the configured time zone (Beijing), whatever the machine's TZ.
 */
import t from 'tap';
import fs from 'node:fs';
import { parse } from 'yaml';
import { IvrSchema } from '../../src/config/files/schemas/ivr.js';
import { CalendarConfigSchema, buildWorkCalendar } from '../../src/workorders/deadlines/calendar-config.js';
import { frontDoorPlan, localTime } from '../../src/calls/office-hours.js';

const built = buildWorkCalendar(CalendarConfigSchema.parse(parse(fs.readFileSync('config/calendar.yaml', 'utf8'))));
if (!built.ok) throw new Error('config/calendar.yaml does not build');
const calendar = built.calendar;

const ivr = (hours: Record<string, unknown>, holidays: Record<string, unknown> = {}) =>
  IvrSchema.parse({ greeting: { default: 'sunline/greeting-default' }, survey: { enabled: false }, hours, holidays });
const schedule = {
  mode: 'schedule',
  closedPrompt: 'sunline/closed',
  schedule: [
    { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '20:00' },
    { days: ['sun'], from: '09:00', to: '12:00' },
  ],
};
/** An instant given as Beijing wall-clock time. */
const bj = (s: string) => Date.parse(`${s}:00+08:00`);

for (const tz of ['UTC', 'America/Los_Angeles', 'Asia/Shanghai']) {
  t.test(`machine TZ=${tz}`, async (t) => {
    const saved = process.env['TZ'];
    process.env['TZ'] = tz;
    t.teardown(() => {
      if (saved === undefined) delete process.env['TZ'];
      else process.env['TZ'] = saved;
    });
    t.same(localTime(bj('2026-12-07 07:30'), 'Asia/Shanghai'), { date: '2026-12-07', weekday: 'mon', minute: 450 });

    const cfg = ivr(schedule);
    t.same(frontDoorPlan(cfg, calendar, bj('2026-12-07 08:00')), { open: true, holiday: undefined, before: [] }, 'Monday 08:00: open');
    t.same(frontDoorPlan(cfg, calendar, bj('2026-12-07 19:59')), { open: true, holiday: undefined, before: [] }, 'Monday 19:59: open');
    t.same(
      frontDoorPlan(cfg, calendar, bj('2026-12-07 20:00')),
      { open: false, holiday: undefined, closedPrompt: 'sunline/closed', then: 'queue' },
      'Monday 20:00: closed, still queued by default',
    );
    t.match(frontDoorPlan(cfg, calendar, bj('2026-12-08 07:59')), { open: false }, 'Tuesday 07:59 (Monday 23:59 UTC): closed');
    t.match(frontDoorPlan(cfg, calendar, bj('2026-12-05 10:00')), { open: false }, 'Saturday: no range, closed');
    t.match(frontDoorPlan(cfg, calendar, bj('2026-12-06 10:00')), { open: true }, 'Sunday 10:00: open');
    t.match(frontDoorPlan(ivr({ ...schedule, outsideHours: 'hangup' }), calendar, bj('2026-12-05 10:00')), { open: false, then: 'hangup' });

    // 2026-10-01 (Thursday) is 国庆节: a holiday follows the Sunday ranges.
    t.same(frontDoorPlan(cfg, calendar, bj('2026-10-01 10:00')), { open: true, holiday: '国庆节', before: [] }, 'holiday 10:00: open as on a Sunday');
    t.match(frontDoorPlan(cfg, calendar, bj('2026-10-01 15:00')), { open: false, holiday: '国庆节' }, 'holiday 15:00: closed although a Thursday');
    // 2026-10-10 (Saturday) is a make-up working day: Monday's ranges.
    t.match(frontDoorPlan(cfg, calendar, bj('2026-10-10 15:00')), { open: true, holiday: undefined }, 'make-up Saturday 15:00: open');
    t.match(frontDoorPlan(cfg, calendar, bj('2026-10-10 21:00')), { open: false }, 'make-up Saturday 21:00: closed');

    // 24:00 ends the day; the boundary belongs to the next day.
    const late = ivr({ mode: 'schedule', closedPrompt: 'sunline/closed', schedule: [{ days: ['fri'], from: '22:00', to: '24:00' }] });
    t.match(frontDoorPlan(late, calendar, bj('2026-12-04 23:59')), { open: true });
    t.match(frontDoorPlan(late, calendar, bj('2026-12-05 00:00')), { open: false });

    // 7×24 (the default) is open even at 03:00 on a holiday; announce adds the holiday prompt.
    t.same(frontDoorPlan(ivr({}), calendar, bj('2026-10-01 03:00')), { open: true, holiday: '国庆节', before: [] }, 'normal: no announcement');
    const announce = ivr({}, { mode: 'announce', prompt: 'sunline/holiday-notice' });
    t.same(frontDoorPlan(announce, calendar, bj('2026-10-01 03:00')), { open: true, holiday: '国庆节', before: ['sunline/holiday-notice'] });
    t.same(frontDoorPlan(announce, calendar, bj('2026-09-30 23:59')), { open: true, holiday: undefined, before: [] }, 'the eve is no holiday');
    t.same(frontDoorPlan(announce, calendar, bj('2026-10-10 12:00')), { open: true, holiday: undefined, before: [] }, 'a make-up day is no holiday');
  });
}
