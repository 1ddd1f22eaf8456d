/**
 * Beijing time (Asia/Shanghai) from epoch milliseconds, independent of the machine's TZ: the
 * hotline's day (statistics, order numbers, deadlines) is the Shanghai calendar day. Mainland
 * China has kept UTC+8 all year since 1991 (no daylight saving), so a fixed +08:00 offset is
 * exact for every date this system handles; the host's time zone database is never asked (a
 * server with TZ=UTC or a container without tzdata gives the same answer).
 */

/** Asia/Shanghai offset from UTC, fixed: no DST since 1991. */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

/** Shanghai midnight (ms) of the day that contains `ms`. */
export function shanghaiDayStart(ms: number): number {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** `YYYYMMDD` of `ms` in Beijing time. */
export function shanghaiDate(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10).replaceAll('-', '');
}
