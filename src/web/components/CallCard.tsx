import type { ScreenPop } from '../../contract/index.js';
import { dateTime, duration } from '../format.js';
import { useI18n } from '../i18n.js';
import { outcomeLabel, statusLabel } from './status-label.js';

export type CallPhase = 'offered' | 'answered' | 'ended';

interface Props {
  pop: ScreenPop;
  phase: CallPhase;
  now: number;
  onAnswer: () => void;
  onReject: () => void;
  /** The pop went without its order and none will follow (the database did not take it). */
  orderNotWritten?: boolean;
}

/** The screen-pop: who is calling, on which hotline, how long they waited, and their history. */
export function CallCard({ pop, phase, now, onAnswer, onReject, orderNotWritten = false }: Props) {
  const { t, lang } = useI18n();
  const ringing = phase === 'offered';
  const hotlineName = lang === 'en' ? pop.hotline.name.en : pop.hotline.name.zh;
  // The wait up to the offer, then growing while it rings.
  const waited = ringing ? pop.waitMs + Math.max(0, now - pop.offeredAt) : pop.waitMs;
  return (
    <section className={`card call-card ${ringing ? 'ringing' : ''}`} data-testid="call-card" aria-live="assertive">
      <header>
        <h2>{ringing ? t('call.incoming') : t('call.current')}</h2>
        {ringing && (
          <div className="actions">
            <button type="button" className="primary" data-testid="answer" onClick={onAnswer}>
              {t('btn.answer')} <kbd>F2</kbd>
            </button>
            <button type="button" className="danger" data-testid="reject" onClick={onReject}>
              {t('btn.reject')} <kbd>F4</kbd>
            </button>
          </div>
        )}
      </header>
      <dl className="facts">
        <div>
          <dt>{t('call.caller')}</dt>
          <dd className="big" data-testid="caller-number">
            {pop.callerNumber}
          </dd>
        </div>
        <div>
          <dt>{t('call.hotline')}</dt>
          <dd className="big" data-testid="hotline">
            {pop.hotline.number} <span className="hotline-name">{hotlineName}</span>
          </dd>
        </div>
        <div>
          <dt>{t('call.wait')}</dt>
          <dd data-testid="wait">{duration(waited)}</dd>
        </div>
        <div>
          <dt>{t('call.count')}</dt>
          <dd data-testid="call-count">{pop.caller?.callCount ?? 1}</dd>
        </div>
        <div>
          <dt>{t('call.draft')}</dt>
          {/* Id 0: the pop went out before the order was written; `call:order` brings it (AgentPage). */}
          <dd data-testid="draft-order">
            {pop.draftOrder.id !== 0 ? (
              pop.draftOrder.number
            ) : (
              <span className={orderNotWritten ? 'error' : 'muted'}>{t(orderNotWritten ? 'call.draftNotWritten' : 'call.draftPending')}</span>
            )}
          </dd>
        </div>
      </dl>
      <div className="history">
        <div>
          <h3>{t('call.recent')}</h3>
          {pop.recentCalls.length === 0 ? (
            <p className="muted">{t('call.none')}</p>
          ) : (
            <ul data-testid="recent-calls">
              {pop.recentCalls.map((c) => (
                <li key={c.callId}>
                  <span>{dateTime(c.enteredAt, lang)}</span> <span>{c.dialledNumber}</span> <span className="muted">{outcomeLabel(t, c.outcome)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>{t('call.openOrders')}</h3>
          {pop.openOrders.length === 0 ? (
            <p className="muted">{t('call.none')}</p>
          ) : (
            <ul data-testid="open-orders">
              {pop.openOrders.map((o) => (
                <li key={o.id}>
                  <span>{o.number}</span>{' '}
                  <span className="tag" data-status={o.status}>
                    {statusLabel(t, o.status)}
                  </span>{' '}
                  <span>{o.subject ?? ''}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
