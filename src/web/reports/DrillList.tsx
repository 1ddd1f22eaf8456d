/**
 * The orders behind a clicked figure or hot-topic word (GET /api/reports/orders,
 * GET /api/reports/hot-topics/orders): their numbers, each a link to the order on the order desk
 * (/desk?order=ID, a new tab) for the roles the desk opens for, and a note when the list was cut at 500.
 */
import { useEffect, useState } from 'react';
import { HttpError } from '../api.js';
import { useI18n } from '../i18n.js';
import type { ReportQuery } from './api.js';
import { drillCalls, drillOrders, type DrillTarget } from './drill.js';
import { DESK_ROLES, deskOrderUrl } from '../desk/desk-link.js';

/** One line of the list: an order number, or a call's Beijing time, hotline and agent. */
interface Item {
  key: string;
  text: string;
  /** The order's page on the desk (orders only, for readers the desk opens for). */
  href?: string;
}

interface Props {
  query: ReportQuery;
  target: DrillTarget;
  /** The reader's role: the order numbers are links to the desk for the roles it opens for. */
  role: string;
  /** What is listed, in the reader's language (e.g. 退回 · 德清县市场监管局). */
  title: string;
  onClose: () => void;
}

/** A call's entry time, Beijing, YYYY-MM-DD HH:MM:SS. */
const beijingTime = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');

export function DrillList({ query, target, role, title, onClose }: Props) {
  const { t } = useI18n();
  const [list, setList] = useState<{ items: Item[]; capped: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setList(null);
    setError(null);
    const load: Promise<{ items: Item[]; capped: boolean }> =
      target.kind === 'calls'
        ? drillCalls(query, target).then((r) => ({
            capped: r.capped,
            items: r.calls.map((c) => ({ key: c.id, text: `${beijingTime(c.enteredAt)} ${c.hotline}${c.agentId === null ? '' : ` #${c.agentId}`}` })),
          }))
        : drillOrders(query, target).then((r) => ({
            capped: r.capped,
            items: r.orders.map((o) => ({ key: String(o.id), text: o.number, ...(DESK_ROLES.has(role) ? { href: deskOrderUrl(o.id) } : {}) })),
          }));
    load.then(
      (r) => live && setList(r),
      (err: unknown) => live && setError(err instanceof HttpError ? `${t('reports.failed')}: ${err.code}` : t('reports.failed')),
    );
    return () => {
      live = false;
    };
  }, [query, target, role, t]);
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
            {list.items.length} {t(target.kind === 'calls' ? 'reports.drill.calls' : 'reports.drill.orders')}
            {list.capped && ` (${t('reports.drill.capped')})`}
          </p>
          <ol className="reports-drill-list">
            {list.items.map((i) => (
              <li key={i.key} data-testid={`drill-item-${i.key}`}>
                {i.href ? (
                  <a href={i.href} target="_blank" rel="noopener">
                    {i.text}
                  </a>
                ) : (
                  i.text
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
