/**
 * A link to one order on the order desk (/desk?order=ID): the reports page's drill-down lists link
 * their orders here. The desk opens for dispatchers (a county dispatcher: its subtree's orders;
 * the server refuses others), shift leads and admins; other roles get the number as plain text.
 */
/** The path of the desk for shift leads and admins (a dispatcher's home is the desk). */
export const DESK_PATH = '/desk';

export const DESK_ROLES: ReadonlySet<string> = new Set(['dispatcher', 'shift_lead', 'admin']);

/** The desk's URL opening order `id`. */
export const deskOrderUrl = (id: number): string => `${DESK_PATH}?order=${id}`;

/** The order a desk URL's query string opens (`?order=ID`), or null. */
export function orderFromSearch(search: string): number | null {
  const raw = new URLSearchParams(search).get('order');
  const id = raw === null ? NaN : Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}
