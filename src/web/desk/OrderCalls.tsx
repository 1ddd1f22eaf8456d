/**
 * The order's calls on the desk (GET /api/desk/orders/:id/calls): the call it came in with, the
 * calls of repeats merged into it and the callbacks made for it — when, which line, who answered,
 * how it ended. Phones come masked from the server where the reader may not read them.
 */
import { useEffect, useState } from 'react';
import { dateTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { orderCalls, type OrderCall } from './api.js';
import { label } from './desk-format.js';

export function OrderCalls({ orderId, refresh }: { orderId: number; refresh: number }) {
  const { t, lang } = useI18n();
  const [calls, setCalls] = useState<OrderCall[] | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    orderCalls(orderId).then(
      (items) => live && (setCalls(items), setFailed(false)),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [orderId, refresh]);

  if (failed) return <p className="error desk-small">{t('desk.calls.loadFailed')}</p>;
  if (calls === null) return null;
  if (calls.length === 0) return <p className="muted desk-small">{t('desk.order.noCalls')}</p>;
  return (
    <ul className="desk-calls desk-small" data-testid="desk-order-calls">
      {calls.map((c) => (
        <li key={c.id} data-testid="desk-order-call" data-call-id={c.id} data-direction={c.direction}>
          <time className="muted">{dateTime(c.enteredAt, lang)}</time> <strong>{t(c.direction === 'out' ? 'desk.calls.out' : 'desk.calls.in')}</strong>{' '}
          {c.direction === 'out' ? c.dialledNumber : `${c.callerPhone ?? t('desk.order.reporterHidden')} → ${c.hotline}`}
          {c.agentName && <span className="muted"> · {c.agentName}</span>}
          <span className="muted"> · {label(t, `desk.calls.outcome.${c.outcome ?? c.state}`, c.outcome ?? c.state)}</span>
          {c.orderId !== orderId && (
            <span className="muted">
              {' '}
              · {t('desk.calls.fromMerged')} {c.orderNumber}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
