/**
 * The orders behind a clicked figure or hot-topic word (GET /api/reports/orders,
 * GET /api/reports/hot-topics/orders): their numbers, to look up on the order desk, and a note
 * when the list was cut at 500.
 */
import { useEffect, useState } from 'react';
import { HttpError } from '../api.js';
import { useI18n } from '../i18n.js';
import type { ReportQuery } from './api.js';
import { drillOrders, type DrillTarget, type DrilledOrders } from './drill.js';

interface Props {
  query: ReportQuery;
  target: DrillTarget;
  /** What is listed, in the reader's language (e.g. 退回 · 德清县市场监管局). */
  title: string;
  onClose: () => void;
}

export function DrillList({ query, target, title, onClose }: Props) {
  const { t } = useI18n();
  const [list, setList] = useState<DrilledOrders | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setList(null);
    setError(null);
    drillOrders(query, target).then(
      (r) => live && setList(r),
      (err: unknown) => live && setError(err instanceof HttpError ? `${t('reports.failed')}: ${err.code}` : t('reports.failed')),
    );
    return () => {
      live = false;
    };
  }, [query, target, t]);
  return (
    <section className="reports-drill" data-testid="reports-drill" aria-live="polite">
      <header>
        <h2>
          {t('reports.drill.title')}: {title}
        </h2>
        <button type="button" onClick={onClose}>
          {t('reports.drill.close')}
        </button>
      </header>
      {error && <p className="reports-error">{error}</p>}
      {!list && !error && <p>{t('reports.loading')}</p>}
      {list && (
        <>
          <p data-testid="reports-drill-count">
            {list.orders.length} {t('reports.drill.orders')}
            {list.capped && ` (${t('reports.drill.capped')})`}
          </p>
          <ol className="reports-drill-list">
            {list.orders.map((o) => (
              <li key={o.id} data-testid={`drill-order-${o.id}`}>
                {o.number}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
