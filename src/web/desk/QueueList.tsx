/**
 * The desk's queue tabs (counts with their deadline colours) and one queue's list: the first
 * page, then "more" with the server's cursor. A live refresh re-reads as many rows as are shown.
 */
import { useCallback, useEffect, useState } from 'react';
import { dateTime } from '../format.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { statusLabel } from '../components/status-label.js';
import { DESK_QUEUES, queuePage, type DeskQueue, type QueueCount, type QueueItem } from './api.js';
import { categoryLabel, channelLabel, errorText } from './desk-format.js';
import { useLatestLoad } from '../use-latest-load.js';

const PAGE = 20;
const MAX_PAGE = 100;

/** A count as shown: "1000+" when the server stopped counting at its cap. */
export const countText = (n: number, capped: boolean) => (capped ? `${n}+` : String(n));

export function QueueTabs({ counts, active, onPick }: { counts: readonly QueueCount[]; active: DeskQueue; onPick: (q: DeskQueue) => void }) {
  const { t } = useI18n();
  return (
    <nav className="desk-queues" role="tablist" data-testid="desk-queues">
      {DESK_QUEUES.map((q) => {
        const c = counts.find((x) => x.queue === q);
        const tone = !c || c.total === 0 ? 'empty' : c.overdue > 0 ? 'overdue' : c.dueSoon > 0 ? 'due_soon' : 'on_time';
        return (
          <button
            key={q}
            type="button"
            role="tab"
            aria-selected={active === q}
            data-testid={`queue-${q}`}
            data-total={c ? countText(c.total, c.totalCapped) : ''}
            className={`desk-queue desk-tone-${tone}${active === q ? ' active' : ''}`}
            onClick={() => onPick(q)}
          >
            <span>{t(`desk.queue.${q}` as MessageKey)}</span>
            <strong className="desk-queue-total" data-testid={`queue-count-${q}`}>
              {c ? countText(c.total, c.totalCapped) : '…'}
            </strong>
            {c && c.overdue > 0 && (
              <span className="desk-pill desk-pill-overdue" title={t('desk.count.overdue')}>
                {countText(c.overdue, c.overdueCapped)}
              </span>
            )}
            {c && c.dueSoon > 0 && (
              <span className="desk-pill desk-pill-due_soon" title={t('desk.count.dueSoon')}>
                {countText(c.dueSoon, c.dueSoonCapped)}
              </span>
            )}
          </button>
        );
      })}
    </nav>
  );
}

interface ListProps {
  queue: DeskQueue;
  /** Bumped on every live change (debounced): re-read the list. */
  refresh: number;
  selected: number | null;
  onOpen: (orderId: number) => void;
  unitName: (id: string | null | undefined) => string;
  onSignedOut: () => void;
}

export function QueueList({ queue, refresh, selected, onOpen, unitName, onSignedOut }: ListProps) {
  const { t, lang } = useI18n();
  const [items, setItems] = useState<QueueItem[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState(PAGE);

  const failed = useCallback(
    (err: unknown, current: () => boolean) => {
      if ((err as { status?: number }).status === 401) onSignedOut();
      else if (current()) setError(errorText(t, err));
    },
    [onSignedOut, t],
  );
  // Only the newest load fills the list, and a next page only the list it continues: after a switch
  // of queue a slow answer for the queue just left would show (or append) its orders under this one.
  const loads = useLatestLoad();

  // A new queue starts at its first page.
  useEffect(() => {
    setItems(null);
    setShown(PAGE);
  }, [queue]);

  useEffect(() => {
    const current = loads.begin();
    queuePage(queue, null, Math.min(shown, MAX_PAGE)).then(
      (page) => {
        if (!current()) return;
        setItems(page.items);
        setCursor(page.nextCursor);
        setError(null);
      },
      (err: unknown) => failed(err, current),
    );
    // `shown` is read only as the size of a refresh, not a reason to reload.
  }, [queue, refresh, failed, loads]);

  const more = async () => {
    if (!cursor) return;
    const current = loads.current();
    try {
      const page = await queuePage(queue, cursor, PAGE);
      if (!current()) return;
      setItems((list) => [...(list ?? []), ...page.items]);
      setCursor(page.nextCursor);
      setShown((n) => n + page.items.length);
    } catch (err) {
      failed(err, current);
    }
  };

  if (error) return <p className="error">{error}</p>;
  if (!items) return <p className="muted">{t('desk.list.loading')}</p>;
  if (items.length === 0)
    return (
      <p className="muted" data-testid="desk-list-empty">
        {t('desk.list.empty')}
      </p>
    );
  return (
    <>
      <table className="desk-table" data-testid="desk-list">
        <thead>
          <tr>
            <th>{t('desk.col.number')}</th>
            <th>{t('desk.col.subject')}</th>
            <th>{t('desk.col.status')}</th>
            <th>{queue === 'returned' ? t('desk.col.returnReason') : t('desk.col.unit')}</th>
            <th>{t('desk.col.clock')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map(({ order: o, clock, lastReturn }) => (
            <tr
              key={o.id}
              data-testid={`desk-row-${o.number}`}
              data-due={clock?.state ?? 'none'}
              className={`desk-row due-${clock?.state ?? 'none'}${selected === o.id ? ' selected' : ''}`}
              onClick={() => onOpen(o.id)}
            >
              <td>
                {o.number}
                <div className="muted desk-small">{channelLabel(t, o.channel)}</div>
              </td>
              <td>
                {o.subject ?? '—'}
                <span className="muted"> · {categoryLabel(t, o.category)}</span>
                {o.supervisionLevel > 0 && <span className="desk-pill desk-pill-overdue">{t(`desk.level.${o.supervisionLevel}` as MessageKey)}</span>}
              </td>
              <td>{statusLabel(t, o.status)}</td>
              <td>{queue === 'returned' ? `${unitName(lastReturn?.unitId ?? o.leadUnitId)}：${lastReturn?.reason ?? '—'}` : unitName(o.leadUnitId)}</td>
              <td>
                {clock ? (
                  <>
                    <span className="muted desk-small">{t(`desk.clock.${clock.kind}` as MessageKey) ?? clock.kind}</span> {dateTime(clock.deadlineAt, lang)}
                    {clock.state !== 'on_time' && <span className={`due-badge due-badge-${clock.state}`}>{t(`desk.due.${clock.state}`)}</span>}
                  </>
                ) : (
                  <span className="muted">{dateTime(o.createdAt, lang)}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {cursor && (
        <button type="button" className="link" data-testid="desk-more" onClick={() => void more()}>
          {t('desk.list.more')}
        </button>
      )}
    </>
  );
}
