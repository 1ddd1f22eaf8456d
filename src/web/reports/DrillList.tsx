/**
 * The orders behind a clicked figure or hot-topic word (GET /api/reports/orders,
 * GET /api/reports/hot-topics/orders): their numbers, each a link to the order on the order desk
 * (/desk?order=ID, a new tab) for the roles the desk opens for, and a note when the list was cut at 500.
 */
import { useEffect, useState } from 'react';
import { HttpError } from '../api.js';
import { useI18n } from '../i18n.js';
import { failureLine } from '../refusal-words.js';
import type { ReportQuery } from './api.js';
import { drillCalls, drillOrders, type DrilledCalls, type DrilledOrders, type DrillTarget } from './drill.js';
import { DESK_ROLES, deskOrderUrl } from '../desk/desk-link.js';

/** The reply shown, as the contract types it: the calls behind a call figure, or the orders behind an order figure or word. */
type Drilled = { kind: 'calls'; reply: DrilledCalls } | { kind: 'orders'; reply: DrilledOrders };

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

/** A call's line: its Beijing time, hotline and agent. */
const callLine = (c: DrilledCalls['calls'][number]) => `${beijingTime(c.enteredAt)} ${c.hotline}${c.agentId === null ? '' : ` #${c.agentId}`}`;

export function DrillList({ query, target, role, title, onClose }: Props) {
  const { t } = useI18n();
  const [list, setList] = useState<Drilled | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setList(null);
    setError(null);
    const load: Promise<Drilled> =
      target.kind === 'calls'
        ? drillCalls(query, target).then((reply) => ({ kind: 'calls', reply }))
        : drillOrders(query, target).then((reply) => ({ kind: 'orders', reply }));
    load.then(
      (r) => live && setList(r),
      (err: unknown) => live && setError(err instanceof HttpError ? failureLine(t, 'reports', t('reports.failed'), err) : t('reports.failed')),
    );
    return () => {
      live = false;
    };
  }, [query, target, t]);
  // The order numbers are links to the order's page on the desk, for readers the desk opens for.
  const links = DESK_ROLES.has(role);
  const count = list === null ? 0 : list.kind === 'calls' ? list.reply.calls.length : list.reply.orders.length;
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
            {count} {t(list.kind === 'calls' ? 'reports.drill.calls' : 'reports.drill.orders')}
            {list.reply.capped && ` (${t('reports.drill.capped')})`}
          </p>
          <ol className="reports-drill-list">
            {list.kind === 'calls'
              ? list.reply.calls.map((c) => (
                  <li key={c.id} data-testid={`drill-item-${c.id}`}>
                    {callLine(c)}
                  </li>
                ))
              : list.reply.orders.map((o) => (
                  <li key={o.id} data-testid={`drill-item-${o.id}`}>
                    {links ? (
                      <a href={deskOrderUrl(o.id)} target="_blank" rel="noopener">
                        {o.number}
                      </a>
                    ) : (
                      o.number
                    )}
                  </li>
                ))}
          </ol>
        </>
      )}
    </section>
  );
}
