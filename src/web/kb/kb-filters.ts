/**
 * The /kb page's search and filters as they stand in its URL (?q=&hotline=&type=&category=&unit=
 * &area=&status=), so that a filtered search can be reloaded, bookmarked and shared. Read back
 * bounded and checked like the API's query (unknown types and states are dropped).
 */
import { KB_TYPES, type KbState, type KbType } from './kb-api.js';

export const KB_STATES: readonly KbState[] = ['draft', 'in_review', 'published', 'rejected', 'superseded'];

export interface KbFilterState {
  q: string;
  hotline: string;
  type: KbType | '';
  category: string;
  unitId: string;
  area: string;
  /** The editors' list only: the current version's state. */
  status: KbState | '';
}

export const NO_FILTERS: KbFilterState = { q: '', hotline: '', type: '', category: '', unitId: '', area: '', status: '' };

const PARAMS: ReadonlyArray<[keyof KbFilterState, string, number]> = [
  ['q', 'q', 200],
  ['hotline', 'hotline', 20],
  ['type', 'type', 20],
  ['category', 'category', 40],
  ['unitId', 'unit', 64],
  ['area', 'area', 64],
  ['status', 'status', 20],
];

export function filtersFromUrl(search: string): KbFilterState {
  const params = new URLSearchParams(search);
  const f: KbFilterState = { ...NO_FILTERS };
  for (const [key, name, max] of PARAMS) {
    const v = (params.get(name) ?? '').trim().slice(0, max);
    (f as unknown as Record<string, string>)[key] = v;
  }
  f.hotline = f.hotline.replace(/\D/g, '');
  if (!(KB_TYPES as readonly string[]).includes(f.type)) f.type = '';
  if (!(KB_STATES as readonly string[]).includes(f.status)) f.status = '';
  return f;
}

/** "?q=…&category=…" with the filters that are set ('' when none). */
export function filtersToUrl(f: KbFilterState): string {
  const params = new URLSearchParams();
  for (const [key, name] of PARAMS) if (f[key] !== '') params.set(name, f[key]);
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

/** Whether the URL asks for a search (anything but the editors' status). */
export const searches = (f: KbFilterState) => f.q !== '' || f.hotline !== '' || f.type !== '' || f.category !== '' || f.unitId !== '' || f.area !== '';
