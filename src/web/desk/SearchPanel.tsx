/**
 * The desk's search over every order in scope (GET /api/desk/orders): full text, number, phone
 * (roles that may read phones only), status, category, channel, lead unit, acceptance dates in
 * Beijing time, overdue; pages by the server's cursor; and the user's saved filters, which are
 * the search's own query parameters (GET/POST/DELETE /api/desk/filters).
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { UnitInfo } from '../api.js';
import { statusLabel } from '../components/status-label.js';
import { dateTime } from '../format.js';
import { UnitOptions } from './use-units.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { deleteFilter, saveFilter, savedFilters, searchOrders, type DeskOrder, type SavedFilter, type SearchParams } from './api.js';
import { beijingDay, categoryLabel, channelLabel, errorText } from './desk-format.js';
import { useLatestLoad } from '../use-latest-load.js';

const STATUSES = [
  'draft',
  'missed_call',
  'accepted',
  'answered_on_spot',
  'dispatched',
  'signed',
  'in_progress',
  'returned',
  'replied',
  'reviewed',
  'evaluated',
  'supervised',
  'closed',
  'merged',
] as const;
const CATEGORIES = ['consultation', 'request_for_help', 'complaint', 'report', 'suggestion', 'praise'] as const;
const CHANNELS = ['12345', 'web', 'mailbox', 'wechat'] as const;

/** The form's fields; dates as the inputs hold them (YYYY-MM-DD, Beijing). */
interface Form {
  q: string;
  number: string;
  phone: string;
  status: string[];
  category: string;
  channel: string;
  leadUnitId: string;
  from: string;
  to: string;
  overdue: boolean;
}
const EMPTY: Form = { q: '', number: '', phone: '', status: [], category: '', channel: '', leadUnitId: '', from: '', to: '', overdue: false };

/** The query parameters of a form (what is sent, and what a saved filter stores). */
function paramsOf(f: Form): SearchParams {
  const p: SearchParams = {};
  const put = (k: string, v: string) => {
    if (v.trim() !== '') p[k] = v.trim();
  };
  put('q', f.q);
  put('number', f.number);
  put('phone', f.phone);
  if (f.status.length > 0) p['status'] = f.status;
  put('category', f.category);
  put('channel', f.channel);
  put('leadUnitId', f.leadUnitId);
  const from = beijingDay(f.from);
  const to = beijingDay(f.to, true);
  if (!Number.isNaN(from)) p['createdFrom'] = String(from);
  if (!Number.isNaN(to)) p['createdTo'] = String(to);
  if (f.overdue) p['overdue'] = 'true';
  return p;
}

/** A saved filter back into the form (dates as Beijing days). */
function formOf(p: SearchParams): Form {
  const one = (k: string) => {
    const v = p[k];
    return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
  };
  const day = (k: string) => {
    const v = Number(one(k));
    return one(k) === '' || Number.isNaN(v) ? '' : new Date(v + 8 * 3600_000).toISOString().slice(0, 10);
  };
  const status = p['status'];
  return {
    q: one('q'),
    number: one('number'),
    phone: one('phone'),
    status: Array.isArray(status) ? status : status ? status.split(',') : [],
    category: one('category'),
    channel: one('channel'),
    leadUnitId: one('leadUnitId'),
    from: day('createdFrom'),
    to: day('createdTo'),
    overdue: one('overdue') === 'true',
  };
}

interface Props {
  units: readonly UnitInfo[];
  unitName: (id: string | null | undefined) => string;
  /** The role may read (and so search by) reporters' phones: the city centre's desk. */
  readsPhones: boolean;
  selected: number | null;
  onOpen: (orderId: number) => void;
  refresh: number;
}

export function SearchPanel({ units, unitName, readsPhones, selected, onOpen, refresh }: Props) {
  const { t, lang } = useI18n();
  const [form, setForm] = useState<Form>(EMPTY);
  const [asked, setAsked] = useState<SearchParams | null>(null);
  const [items, setItems] = useState<DeskOrder[]>([]);
  const [total, setTotal] = useState<{ n: number; capped: boolean } | null>(null);
  // The last page was cut short by the server's text-search window: "more" searches older orders.
  const [partial, setPartial] = useState(false);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filters, setFilters] = useState<SavedFilter[]>([]);
  const [filterName, setFilterName] = useState('');

  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));

  const loadFilters = useCallback(() => savedFilters().then(setFilters, () => undefined), []);
  useEffect(() => {
    void loadFilters();
  }, [loadFilters]);

  // Only the newest search shows its results: an older one answered last would show other orders.
  const loads = useLatestLoad();
  const run = useCallback(
    async (params: SearchParams) => {
      setError(null);
      const current = loads.begin();
      try {
        const page = await searchOrders(params, null);
        if (!current()) return;
        setAsked(params);
        setItems(page.items);
        setTotal({ n: page.total, capped: page.totalCapped });
        setCursor(page.nextCursor);
        setPartial(page.partial);
      } catch (err) {
        if (current()) setError(errorText(t, err));
      }
    },
    [t, loads],
  );

  // A live change may move orders in or out of the results: ask again (first page).
  useEffect(() => {
    if (asked && refresh > 0) void run(asked);
    // Only the refresh triggers this; `asked` is the search shown.
  }, [refresh]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(paramsOf(form));
  };

  const more = async () => {
    if (!asked || !cursor) return;
    const current = loads.current();
    try {
      const page = await searchOrders(asked, cursor);
      if (!current()) return;
      setItems((list) => [...list, ...page.items]);
      setCursor(page.nextCursor);
      setPartial(page.partial);
    } catch (err) {
      if (current()) setError(errorText(t, err));
    }
  };

  const save = async () => {
    try {
      await saveFilter(filterName.trim(), paramsOf(form));
      setFilterName('');
      await loadFilters();
    } catch (err) {
      setError(errorText(t, err));
    }
  };

  const remove = async (id: number) => {
    try {
      await deleteFilter(id);
    } catch (err) {
      setError(errorText(t, err));
    }
    await loadFilters();
  };

  const apply = (f: SavedFilter) => {
    setForm(formOf(f.filter));
    void run(f.filter);
  };

  return (
    <div className="desk-search" data-testid="desk-search">
      <form className="desk-search-form" onSubmit={submit}>
        <label>
          {t('desk.search.q')}
          <input name="q" value={form.q} maxLength={200} onChange={(e) => set('q', e.target.value)} />
        </label>
        <label>
          {t('desk.search.number')}
          <input name="number" value={form.number} maxLength={40} onChange={(e) => set('number', e.target.value)} />
        </label>
        {readsPhones && (
          <label>
            {t('desk.search.phone')}
            <input name="phone" inputMode="numeric" pattern="\d{3,20}" value={form.phone} onChange={(e) => set('phone', e.target.value)} />
          </label>
        )}
        <label>
          {t('desk.search.status')}
          <select
            name="status"
            multiple
            size={4}
            value={form.status}
            onChange={(e) =>
              set(
                'status',
                [...e.target.selectedOptions].map((o) => o.value),
              )
            }
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(t, s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('desk.search.category')}
          <select name="category" value={form.category} onChange={(e) => set('category', e.target.value)}>
            <option value="">{t('desk.search.any')}</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {categoryLabel(t, c)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('desk.search.channel')}
          <input name="channel" list="desk-channels" value={form.channel} maxLength={32} onChange={(e) => set('channel', e.target.value)} />
          <datalist id="desk-channels">
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {channelLabel(t, c)}
              </option>
            ))}
          </datalist>
        </label>
        <label>
          {t('desk.search.unit')}
          <select name="leadUnitId" value={form.leadUnitId} onChange={(e) => set('leadUnitId', e.target.value)}>
            <option value="">{t('desk.search.any')}</option>
            <UnitOptions units={units} />
          </select>
        </label>
        <label>
          {t('desk.search.from')}
          <input name="from" type="date" value={form.from} onChange={(e) => set('from', e.target.value)} />
        </label>
        <label>
          {t('desk.search.to')}
          <input name="to" type="date" value={form.to} onChange={(e) => set('to', e.target.value)} />
        </label>
        <label className="desk-check">
          <input name="overdue" type="checkbox" checked={form.overdue} onChange={(e) => set('overdue', e.target.checked)} />
          {t('desk.search.overdue')}
        </label>
        <div className="actions">
          <button type="submit" className="primary" data-testid="desk-search-submit">
            {t('desk.search.submit')}
          </button>
          <button type="button" onClick={() => setForm(EMPTY)}>
            {t('desk.search.reset')}
          </button>
        </div>
      </form>

      <section className="desk-filters" data-testid="desk-filters">
        <strong>{t('desk.filters.title')}</strong>
        {filters.length === 0 && <span className="muted desk-small">{t('desk.filters.none')}</span>}
        {filters.map((f) => (
          <span key={f.id} className="desk-filter">
            <button type="button" className="link" data-testid={`desk-filter-${f.name}`} onClick={() => apply(f)}>
              {f.name}
            </button>
            <button type="button" className="link" aria-label={t('desk.filters.delete')} title={t('desk.filters.delete')} onClick={() => void remove(f.id)}>
              ×
            </button>
          </span>
        ))}
        <input name="filterName" placeholder={t('desk.filters.name')} maxLength={60} value={filterName} onChange={(e) => setFilterName(e.target.value)} />
        <button type="button" disabled={filterName.trim() === ''} data-testid="desk-filter-save" onClick={() => void save()}>
          {t('desk.filters.save')}
        </button>
      </section>

      {error && (
        <p className="error" role="alert" data-testid="desk-search-error">
          {error}
        </p>
      )}
      {total && (
        <p className="muted desk-small" data-testid="desk-search-total">
          {(total.capped ? t('desk.search.totalCapped') : t('desk.search.total')).replace('{n}', String(total.n))}
        </p>
      )}
      {asked && items.length === 0 && !error && !partial && <p className="muted">{t('desk.search.empty')}</p>}
      {partial && (
        <p className="muted desk-small" data-testid="desk-search-partial">
          {t('desk.search.partial')}
        </p>
      )}
      {items.length > 0 && (
        <table className="desk-table" data-testid="desk-search-results">
          <thead>
            <tr>
              <th>{t('desk.col.number')}</th>
              <th>{t('desk.col.subject')}</th>
              <th>{t('desk.col.status')}</th>
              <th>{t('desk.col.unit')}</th>
              <th>{t('desk.col.created')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((o) => (
              <tr key={o.id} data-testid={`desk-result-${o.number}`} className={`desk-row${selected === o.id ? ' selected' : ''}`} onClick={() => onOpen(o.id)}>
                <td>
                  {o.number}
                  <div className="muted desk-small">{channelLabel(t, o.channel)}</div>
                </td>
                <td>
                  {o.subject ?? '—'} <span className="muted">· {categoryLabel(t, o.category)}</span>
                  {o.supervisionLevel > 0 && <span className="desk-pill desk-pill-overdue">{t(`desk.level.${o.supervisionLevel}` as MessageKey)}</span>}
                </td>
                <td>{statusLabel(t, o.status)}</td>
                <td>{unitName(o.leadUnitId)}</td>
                <td>{dateTime(o.createdAt, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" className="link" data-testid="desk-search-more" onClick={() => void more()}>
          {t(partial ? 'desk.search.older' : 'desk.list.more')}
        </button>
      )}
    </div>
  );
}
