/** mm:ss, or h:mm:ss past an hour. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * The hotline's time zone: deadlines, working hours and "today" are Beijing time on the server
 * (Asia/Shanghai), so every page shows times there, whatever the browser's own zone.
 */
export const HOTLINE_TIME_ZONE = 'Asia/Shanghai';

/** mm/dd hh:mm in Beijing time. */
export function dateTime(ms: number, lang: string): string {
  return new Date(ms).toLocaleString(lang, {
    timeZone: HOTLINE_TIME_ZONE,
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
}
