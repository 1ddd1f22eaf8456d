import { useEffect, useState } from 'react';
import { callerHistory, type CallerHistory as History } from '../api.js';
import { dateTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { outcomeLabel, statusLabel } from './status-label.js';

const PAGE = 5;

/** The caller's calls and orders, newest first, five a page; the call in progress and its order marked. */
export function CallerHistory({ callerId, current }: { callerId: number; current?: { callId: string; orderId: number } }) {
  const { t, lang } = useI18n();
  const [page, setPage] = useState(1);
  const [h, setH] = useState<History | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    callerHistory(callerId, page, PAGE)
      .then((got) => live && (setH(got), setError(null)))
      .catch((err: Error) => live && setError(err.message));
    return () => {
      live = false;
    };
  }, [callerId, page]);
  const pages = h ? Math.max(1, Math.ceil(Math.max(h.calls.total, h.orders.total) / PAGE)) : 1;
  return (
    <section className="card history-card" data-testid="caller-history">
      <h2>
        {t('controls.history.title')} <span className="muted">{h?.caller.phone ?? ''}</span>
      </h2>
      {error && <p className="error">{error}</p>}
      <div className="history">
        <div>
          <h3>
            {t('controls.history.calls')} ({h?.calls.total ?? 0})
          </h3>
          {h && h.calls.items.length === 0 ? (
            <p className="muted">{t('controls.history.none')}</p>
          ) : (
            <ul data-testid="history-calls">
              {h?.calls.items.map((c) => (
                <li key={c.callId} data-current={c.callId === current?.callId ? 'yes' : undefined}>
                  {dateTime(c.enteredAt, lang)} <span>{c.dialledNumber}</span> <span className="muted">{outcomeLabel(t, c.outcome)}</span>{' '}
                  <span>{c.orderNumber ?? ''}</span>
                  {c.callId === current?.callId && <span className="tag">{t('controls.history.current')}</span>}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>
            {t('controls.history.orders')} ({h?.orders.total ?? 0})
          </h3>
          {h && h.orders.items.length === 0 ? (
            <p className="muted">{t('controls.history.none')}</p>
          ) : (
            <ul data-testid="history-orders">
              {h?.orders.items.map((o) => (
                <li key={o.id} data-current={o.id === current?.orderId ? 'yes' : undefined}>
                  {o.id === current?.orderId && <span className="tag">{t('controls.history.current')}</span>} <span>{o.number}</span>{' '}
                  <span className="tag" data-status={o.status}>
                    {statusLabel(t, o.status)}
                  </span>{' '}
                  <span>{o.subject ?? ''}</span>
                  {o.confidential && <span className="tag">{t('controls.history.confidential')}</span>}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      {pages > 1 && (
        <div className="actions">
          <button type="button" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
            {t('controls.history.prev')}
          </button>
          <span className="muted">
            {page} / {pages}
          </span>
          <button type="button" data-testid="history-next" disabled={page >= pages} onClick={() => setPage((p) => p + 1)}>
            {t('controls.history.next')}
          </button>
        </div>
      )}
    </section>
  );
}
