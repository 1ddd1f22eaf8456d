/**
 * Likely repeats of the open order (GET /api/desk/orders/:id/similar: same reporter, same place,
 * similar text within the server's window), each with why it was suggested, and the one-click
 * merge (this order into that one, before dispatch) or link (any open order) when allowed.
 */
import { useEffect, useState } from 'react';
import { statusLabel } from '../components/status-label.js';
import { dateTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { similarOrders, type DeskOrderDetail, type SimilarOrder } from './api.js';
import type { ActionPayload } from './ActionForm.js';

interface Props {
  order: DeskOrderDetail;
  unitName: (id: string | null | undefined) => string;
  busy: boolean;
  onAct: (payload: ActionPayload) => void;
  onOpen: (orderId: number) => void;
}

export function SimilarPanel({ order, unitName, busy, onAct, onOpen }: Props) {
  const { t, lang } = useI18n();
  const [items, setItems] = useState<SimilarOrder[] | null>(null);

  useEffect(() => {
    let live = true;
    similarOrders(order.id).then(
      (list) => live && setItems(list),
      () => live && setItems([]), // suggestions are a help, not a condition
    );
    return () => {
      live = false;
    };
  }, [order.id, order.version]);

  const canMerge = order.allowedActions.includes('merge_into');
  const canLink = order.allowedActions.includes('link');

  return (
    <section className="desk-similar" data-testid="desk-similar">
      <h3>{t('desk.similar.title')}</h3>
      {items === null ? null : items.length === 0 ? (
        <p className="muted desk-small">{t('desk.similar.none')}</p>
      ) : (
        <ul>
          {items.map(({ order: o, reasons }) => {
            const linked = order.linkedOrderIds.includes(o.id);
            return (
              <li key={o.id} data-testid={`desk-similar-${o.number}`}>
                <button type="button" className="link" onClick={() => onOpen(o.id)}>
                  {o.number}
                </button>{' '}
                {o.subject ?? '—'} <span className="muted">· {statusLabel(t, o.status)}</span>
                <span className="muted">
                  {' '}
                  · {dateTime(o.createdAt, lang)}
                  {o.leadUnitId && ` · ${unitName(o.leadUnitId)}`}
                </span>{' '}
                {reasons.map((r) => (
                  <span key={r} className="desk-reason">
                    {t(`desk.reason.${r}`)}
                  </span>
                ))}
                <span className="desk-similar-actions">
                  {canMerge && o.status !== 'closed' && (
                    <button type="button" disabled={busy} data-testid="desk-similar-merge" onClick={() => onAct({ type: 'merge_into', targetOrderId: o.id })}>
                      {t('desk.similar.merge')}
                    </button>
                  )}
                  {linked ? (
                    <span className="muted desk-small">{t('desk.similar.linked')}</span>
                  ) : (
                    canLink && (
                      <button type="button" disabled={busy} data-testid="desk-similar-link" onClick={() => onAct({ type: 'link', otherOrderId: o.id })}>
                        {t('desk.similar.link')}
                      </button>
                    )
                  )}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
