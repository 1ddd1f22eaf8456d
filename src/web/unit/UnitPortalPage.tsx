/**
 * The unit portal (承办单位工作台): the inbox of the orders dispatched to the handler's unit (a
 * county sub-platform sees its whole subtree: the server decides), by status and most urgent
 * first, overdue and due-soon orders highlighted, live deadline warnings over socket.io, and
 * the order panel where the unit signs, returns, asks for more time and replies with files.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { CONSOLE_SOCKET, watchConnection } from '../connection.js';
import type { ClientToServerEvents, DeadlineWarning, ServerToClientEvents } from '../../contract/index.js';
import { logout, type User } from '../api.js';
import { dateTime } from '../format.js';
import { LangToggle, useI18n, type MessageKey } from '../i18n.js';
import { dueStates, listOrders, type Due, type OrderDue, type OrderSummary } from './api.js';
import { KbStaleNotice } from '../kb/KbStaleNotice.js';
import { OrderPanel } from './OrderPanel.js';
import { useUnitNames } from './use-unit-names.js';
import { SCORECARD_PATH } from '../reports/api.js';
import './unit.css';

interface Props {
  user: User;
  onSignedOut: () => void;
}

type TabKey = 'to_sign' | 'in_progress' | 'extension' | 'replied' | 'returned' | 'closed' | 'all';
const TABS: ReadonlyArray<{ key: TabKey; statuses: readonly string[]; pendingExtension?: boolean }> = [
  { key: 'to_sign', statuses: ['dispatched'] },
  { key: 'in_progress', statuses: ['signed', 'in_progress', 'supervised'] },
  { key: 'extension', statuses: ['signed', 'in_progress'], pendingExtension: true },
  { key: 'replied', statuses: ['replied', 'reviewed', 'evaluated'] },
  { key: 'returned', statuses: ['returned'] },
  { key: 'closed', statuses: ['closed'] },
  { key: 'all', statuses: [] },
];

/** The most pressing of an order's clocks: a late signature is as urgent as a late reply. */
function worst(d: OrderDue | undefined): Due {
  const rank: Record<string, number> = { overdue: 3, due_soon: 2, on_time: 1 };
  const a = d?.due ?? null;
  const b = d?.signDue ?? null;
  return (rank[b ?? ''] ?? 0) > (rank[a ?? ''] ?? 0) ? b : a;
}

type UnitSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function UnitPortalPage({ user, onSignedOut }: Props) {
  const { t, lang } = useI18n();
  const unitName = useUnitNames();
  const [tab, setTab] = useState<TabKey>('to_sign');
  const [orders, setOrders] = useState<OrderSummary[]>([]);
  const [due, setDue] = useState<Map<number, OrderDue>>(new Map());
  const [selected, setSelected] = useState<number | null>(null);
  const [warnings, setWarnings] = useState<DeadlineWarning[]>([]);
  const [connected, setConnected] = useState(false);
  const [loadError, setLoadError] = useState(false);

  // Only the newest load may fill the list: a slow answer for the tab just left (or an older
  // refresh) arriving after a newer one would otherwise show the wrong orders under this tab.
  const latestLoad = useRef(0);
  const load = useCallback(async () => {
    const def = TABS.find((x) => x.key === tab)!;
    const mine = ++latestLoad.current;
    try {
      const items = (await listOrders(def.statuses)).filter((o) => !def.pendingExtension || o.pendingExtension !== null);
      const states = await dueStates(items.map((o) => o.id));
      if (mine !== latestLoad.current) return;
      setOrders(items);
      setDue(new Map(states.map((s) => [s.id, s])));
      setLoadError(false);
    } catch (err) {
      if ((err as { status?: number }).status === 401) onSignedOut();
      else if (mine === latestLoad.current) setLoadError(true);
    }
  }, [tab, onSignedOut]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    const socket: UnitSocket = io({ ...CONSOLE_SOCKET });
    // Back after a drop or a server restart: the inbox may have changed meanwhile.
    const stopWatching = watchConnection(socket, { up: setConnected, back: () => void load(), signedOut: onSignedOut });
    socket.on('workorder:deadline', (w) => {
      setWarnings((list) => [w, ...list.filter((x) => !(x.orderId === w.orderId && x.kind === w.kind))].slice(0, 20));
      void load();
    });
    return () => {
      stopWatching();
      socket.disconnect();
    };
  }, [load, onSignedOut]);

  const signOut = async () => {
    await logout().catch(() => undefined);
    onSignedOut();
  };

  return (
    <div data-testid="unit-portal">
      <header className="topbar">
        <div className="who">
          <h1>{t('unit.title')}</h1>
          <span className="muted">
            {user.displayName} · {t('unit.unit')} {unitName(user.unitId)}
          </span>
        </div>
        <div className="who">
          <span className={connected ? 'unit-live' : 'unit-live unit-live-off'} data-testid="unit-live" data-connected={connected}>
            {connected ? t('unit.live') : t('unit.offline')}
          </span>
          <a href={SCORECARD_PATH} data-testid="open-scorecard">
            {t('reports.scorecard.open')}
          </a>
          <LangToggle />
          <button type="button" onClick={signOut}>
            {t('signOut')}
          </button>
        </div>
      </header>
      {warnings.length > 0 && (
        <section className="unit-warnings" data-testid="unit-warnings" aria-live="polite">
          <strong>{t('unit.warnings')}</strong>
          {warnings.map((w) => (
            <button type="button" key={`${w.orderId}-${w.kind}`} className={`unit-warning unit-warning-${w.kind}`} onClick={() => setSelected(w.orderId)}>
              {w.number} · {t(`unit.due.${w.kind}` as MessageKey)} · {dateTime(w.deadlineAt, lang)}
            </button>
          ))}
          <button type="button" className="link" onClick={() => setWarnings([])}>
            {t('unit.warning.dismiss')}
          </button>
        </section>
      )}
      <KbStaleNotice />
      <div className="unit-layout">
        <section className="card unit-inbox">
          <nav className="unit-tabs" role="tablist">
            {TABS.map((x) => (
              <button
                key={x.key}
                type="button"
                role="tab"
                aria-selected={tab === x.key}
                data-testid={`tab-${x.key}`}
                className={tab === x.key ? 'unit-tab active' : 'unit-tab'}
                onClick={() => setTab(x.key)}
              >
                {t(`unit.tab.${x.key}` as MessageKey)}
              </button>
            ))}
            <button type="button" className="link" onClick={() => void load()}>
              {t('unit.refresh')}
            </button>
          </nav>
          {loadError && <p className="error">{t('unit.error.generic')}</p>}
          {orders.length === 0 ? (
            <p className="muted">{t('unit.inbox.empty')}</p>
          ) : (
            <table className="unit-table" data-testid="unit-inbox">
              <thead>
                <tr>
                  <th>{t('unit.col.number')}</th>
                  <th>{t('unit.col.subject')}</th>
                  <th>{t('unit.col.status')}</th>
                  <th>{t('unit.col.deadline')}</th>
                </tr>
              </thead>
              <tbody>
                {orders.map((o) => {
                  const d = worst(due.get(o.id));
                  return (
                    <tr
                      key={o.id}
                      data-testid={`order-row-${o.number}`}
                      data-due={d ?? 'none'}
                      className={`unit-row due-${d ?? 'none'}${selected === o.id ? ' selected' : ''}`}
                      onClick={() => setSelected(o.id)}
                    >
                      <td>{o.number}</td>
                      <td>
                        {o.subject ?? '—'}
                        {o.category && <span className="muted"> · {t(`unit.category.${o.category}` as MessageKey)}</span>}
                        {/* A sub-platform's inbox holds its subtree's orders: say whose each one is. */}
                        {o.leadUnitId && o.leadUnitId !== user.unitId && (
                          <span className="muted" data-testid="row-lead-unit">
                            {' '}
                            · {t('unit.detail.leadUnit')} {unitName(o.leadUnitId)}
                          </span>
                        )}
                      </td>
                      <td>{t(`unit.status.${o.status}` as MessageKey)}</td>
                      <td>
                        {o.deadlineAt ? dateTime(o.deadlineAt, lang) : '—'}
                        {d && d !== 'on_time' && <span className={`due-badge due-badge-${d}`}>{t(`unit.due.${d}`)}</span>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </section>
        <section className="card unit-detail">
          {selected === null ? (
            <p className="muted">{t('unit.detail.pick')}</p>
          ) : (
            <OrderPanel key={selected} orderId={selected} user={user} unitName={unitName} onChanged={load} />
          )}
        </section>
      </div>
    </div>
  );
}
