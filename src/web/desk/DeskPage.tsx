/**
 * The order desk (派单/审核 工作台, issue 10) of the centre's back office: dispatchers (a county
 * dispatcher: its sub-platform's orders only — the server decides), shift leads and admins. Work
 * queues with counts and deadline colours, the search, returns per unit, and the order page with
 * every action the user may take. Live: `desk:changed` notes (debounced) refresh the counts, the
 * list shown and the open order.
 */
import { useCallback, useEffect, useState } from 'react';
import { useLatestLoad } from '../use-latest-load.js';
import { logout, type User } from '../api.js';
import { LangToggle, useI18n } from '../i18n.js';
import { useNow } from '../use-now.js';
import { queueCounts, type DeskQueue, type QueueCount } from './api.js';
import { DeskOrderPage } from './DeskOrderPage.js';
import { QueueList, QueueTabs } from './QueueList.js';
import { SearchPanel } from './SearchPanel.js';
import { UnitReturnsPanel } from './UnitReturnsPanel.js';
import { ConsultationPanel } from './ConsultationPanel.js';
import { useDeskSocket } from './useDeskSocket.js';
import { useUnits } from './use-units.js';
import { orderFromSearch } from './desk-link.js';
import './desk.css';

// The desk's path and its links to one order (/desk?order=ID, opened on arrival).
export { DESK_PATH } from './desk-link.js';

type View = 'queues' | 'search' | 'returns' | 'consultation';

interface Props {
  user: User;
  onSignedOut: () => void;
}

export function DeskPage({ user, onSignedOut }: Props) {
  const { t } = useI18n();
  const units = useUnits();
  const [view, setView] = useState<View>('queues');
  const [queue, setQueue] = useState<DeskQueue>('to_dispatch');
  const [counts, setCounts] = useState<QueueCount[]>([]);
  const [countsError, setCountsError] = useState(false);
  const [selected, setSelected] = useState<number | null>(() => orderFromSearch(window.location.search));
  // Bumped by live changes: `lists` for the counts and lists, `order` when the open order changed.
  const [tick, setTick] = useState({ lists: 0, order: 0 });

  // Only the newest counts show: an older refresh answered last would show older figures.
  const countLoads = useLatestLoad();
  const loadCounts = useCallback(() => {
    const current = countLoads.begin();
    queueCounts().then(
      (r) => {
        if (!current()) return;
        setCounts(r.items);
        setCountsError(false);
      },
      (err: unknown) => {
        if ((err as { status?: number }).status === 401) onSignedOut();
        else if (current()) setCountsError(true);
      },
    );
  }, [onSignedOut, countLoads]);

  // Colours move with time alone (an order falls due without any change): the counts are re-read each minute too.
  const minute = useNow(60_000);
  useEffect(() => loadCounts(), [loadCounts, tick.lists, minute]);

  const changed = useCallback(
    (ids: ReadonlySet<number> | null) =>
      setTick((k) => ({ lists: k.lists + 1, order: ids === null || (selected !== null && ids.has(selected)) ? k.order + 1 : k.order })),
    [selected],
  );
  const connected = useDeskSocket(changed, onSignedOut);

  const signOut = async () => {
    await logout().catch(() => undefined);
    onSignedOut();
  };

  // A county dispatcher (with a sub-platform unit) may not read reporters' phones (desk-service.ts reader).
  const county = user.role === 'dispatcher' && user.unitId !== null;
  const leadLike = user.role === 'shift_lead' || user.role === 'admin';

  return (
    <div className="desk" data-testid="desk-page">
      <header className="topbar">
        <div className="who">
          <h1>{t('desk.title')}</h1>
          <span className="muted">
            {user.displayName} · {county ? `${t('desk.scope.county')} ${units.name(user.unitId)}` : t('desk.scope.city')}
          </span>
        </div>
        <div className="who">
          <span className={connected ? 'desk-live' : 'desk-live desk-live-off'} data-testid="desk-live" data-connected={connected}>
            {connected ? t('desk.live') : t('desk.offline')}
          </span>
          {leadLike && (
            <a href="/" data-testid="desk-back-to-lead">
              {t('desk.backToLead')}
            </a>
          )}
          <LangToggle />
          <button type="button" data-testid="sign-out" onClick={signOut}>
            {t('signOut')}
          </button>
        </div>
      </header>
      <nav className="desk-views" role="tablist">
        {(['queues', 'search', 'returns', 'consultation'] as const).map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={view === v}
            data-testid={`desk-view-${v}`}
            className={view === v ? 'desk-view active' : 'desk-view'}
            onClick={() => setView(v)}
          >
            {t(`desk.view.${v}`)}
          </button>
        ))}
        <button type="button" className="link" onClick={() => setTick((k) => ({ lists: k.lists + 1, order: k.order + 1 }))}>
          {t('desk.refresh')}
        </button>
      </nav>
      {view === 'queues' && (
        <>
          <QueueTabs counts={counts} active={queue} onPick={setQueue} />
          {countsError && <p className="error desk-pad">{t('desk.error.generic')}</p>}
        </>
      )}
      <div className="desk-layout">
        <section className="card desk-main">
          {view === 'queues' && (
            <QueueList queue={queue} refresh={tick.lists} selected={selected} onOpen={setSelected} unitName={units.name} onSignedOut={onSignedOut} />
          )}
          {view === 'search' && (
            <SearchPanel units={units.list} unitName={units.name} readsPhones={!county} selected={selected} onOpen={setSelected} refresh={tick.lists} />
          )}
          {view === 'returns' && <UnitReturnsPanel unitName={units.name} refresh={tick.lists} />}
          {view === 'consultation' && <ConsultationPanel unitName={units.name} onOpen={setSelected} refresh={tick.lists} />}
        </section>
        <section className="card desk-detail">
          {selected === null ? (
            <p className="muted">{t('desk.order.pick')}</p>
          ) : (
            <DeskOrderPage
              key={selected}
              orderId={selected}
              refresh={tick.order}
              units={units.list}
              unitName={units.name}
              onOpen={setSelected}
              onClose={() => setSelected(null)}
            />
          )}
        </section>
      </div>
    </div>
  );
}
