/**
 * The wallboard (大屏, /wallboard): the centre's live figures in big type for a wall screen —
 * callers waiting and the longest wait, agents by state, today's calls, 15秒接通率 and 放弃率,
 * orders today and overdue, today's calls per hour. Fed by the socket's `wallboard:summary`
 * (one per second at most, src/realtime/wallboard-room.ts); the longest wait counts up here
 * between summaries. Opened by a `wallboard` account (its only page) or by a shift lead or admin
 * from the lead page; zh-CN first.
 */
import { useEffect, useMemo, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { AgentStateName, ClientToServerEvents, ServerToClientEvents, WallboardSummary } from '../../contract/index.js';
import { AGENT_STATES } from '../../contract/console-vocabulary.js';
import { logout, type User } from '../api.js';
import { CONSOLE_SOCKET, watchConnection } from '../connection.js';
import { useI18n } from '../i18n.js';
import { useNow } from '../use-now.js';
import { HourlyChart } from './HourlyChart.js';
import './wallboard.css';

type WallboardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const clock = (ms: number) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

function Tile({ id, name, value, alert }: { id: string; name: string; value: string; alert?: boolean }) {
  return (
    <div className={`wallboard-tile${alert ? ' wallboard-alert' : ''}`} data-testid={`wb-${id}`}>
      <div className="wallboard-tile-name">{name}</div>
      <div className="wallboard-tile-value">{value}</div>
    </div>
  );
}

export function WallboardPage({ user, onSignedOut }: { user: User; onSignedOut: () => void }) {
  const { t, lang, toggle, stateLabel } = useI18n();
  const [summary, setSummary] = useState<WallboardSummary | null>(null);
  const [up, setUp] = useState(true);
  const now = useNow(1000);

  useEffect(() => {
    // The handshake asks for the wallboard view: a lead's socket then joins the wallboard room only.
    const socket: WallboardSocket = io({ ...CONSOLE_SOCKET, auth: { view: 'wallboard' } });
    socket.on('wallboard:summary', setSummary);
    const unwatch = watchConnection(socket, { up: setUp, back: () => socket.emit('sync', () => undefined), signedOut: onSignedOut });
    return () => {
      unwatch();
      socket.disconnect();
    };
  }, [onSignedOut]);

  const labels = useMemo(
    () => ({ callsIn: t('wallboard.hourly.callsIn'), answered: t('wallboard.hourly.answered'), abandoned: t('wallboard.hourly.abandoned') }),
    [t],
  );
  const signOut = async () => {
    await logout().catch(() => undefined);
    onSignedOut();
  };

  const s = summary;
  const states = AGENT_STATES.filter((x): x is Exclude<AgentStateName, 'logged_out'> => x !== 'logged_out');
  const online = s ? Object.values(s.agents).reduce((n, x) => n + x, 0) : 0;
  const updated = s ? new Date(s.at).toLocaleTimeString(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '';

  return (
    <div className="wallboard-page" data-testid="wallboard-page">
      <header className="wallboard-head">
        <h1>{t('wallboard.title')}</h1>
        {!up && (
          <span className="wallboard-offline" data-testid="wb-offline">
            {t('wallboard.offline')}
          </span>
        )}
        {s && (
          <span className="wallboard-updated" data-testid="wb-updated">
            {t('wallboard.updated')} {updated}
          </span>
        )}
        {user.role !== 'wallboard' && <a href="/">{t('wallboard.back')}</a>}
        <button type="button" onClick={toggle}>
          {t('wallboard.lang')}
        </button>
        <button type="button" onClick={() => void signOut()}>
          {t('wallboard.logout')}
        </button>
      </header>
      {!s ? (
        <p className="wallboard-wait">{t('wallboard.waitingData')}</p>
      ) : (
        <>
          <section className="wallboard-tiles">
            <Tile id="waiting" name={t('wallboard.waiting')} value={String(s.waiting)} alert={s.waiting > 0 && online === 0} />
            <Tile
              id="longest"
              name={t('wallboard.longestWait')}
              value={s.longestWaitSince === null ? '00:00' : clock(Math.max(now, s.at) - s.longestWaitSince)}
              alert={s.longestWaitSince !== null && Math.max(now, s.at) - s.longestWaitSince > 60_000}
            />
            <Tile id="callsIn" name={t('wallboard.callsIn')} value={String(s.today.callsIn)} />
            <Tile id="answered" name={t('wallboard.answered')} value={String(s.today.answered)} />
            <Tile id="answerRate15s" name={t('wallboard.answerRate15s')} value={pct(s.today.answerRate15s)} />
            <Tile id="abandonRate" name={t('wallboard.abandonRate')} value={pct(s.today.abandonRate)} />
            <Tile
              id="asa"
              name={t('wallboard.asa')}
              value={s.today.avgAnswerWaitMs === null ? '—' : `${(s.today.avgAnswerWaitMs / 1000).toFixed(1)}${t('wallboard.seconds')}`}
            />
            <Tile id="ordersToday" name={t('wallboard.ordersToday')} value={String(s.orders.today)} />
            <Tile id="overdue" name={t('wallboard.overdue')} value={String(s.orders.overdue)} alert={s.orders.overdue > 0} />
          </section>
          <section className="wallboard-agents" data-testid="wb-agents">
            <h2>
              {t('wallboard.agents')} · {t('wallboard.agentsOnline')} {online}
            </h2>
            <div className="wallboard-states">
              {states.map((st) => (
                <div key={st} className={`wallboard-state wallboard-state-${st}`} data-testid={`wb-agents-${st}`}>
                  <span className="wallboard-state-name">{stateLabel(st)}</span>
                  <span className="wallboard-state-value">{s.agents[st] ?? 0}</span>
                </div>
              ))}
            </div>
          </section>
          <section className="wallboard-hourly">
            <h2>{t('wallboard.hourly')}</h2>
            <HourlyChart hours={s.hourly} labels={labels} />
          </section>
        </>
      )}
    </div>
  );
}
