import { useCallback, useEffect, useRef, useState } from 'react';
import type { CallbackAssignedView, CallbackEntry, OutboundCallView } from '../../contract/index.js';
import type { CallbackWorklist } from '../../contract/http-callbacks.js';
import { call as request } from '../api.js';
import { dateTime } from '../format.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { CallbackEvaluation } from './CallbackEvaluation.js';
import { applyAssigned, assignCallback } from '../outbound-api.js';

interface Props {
  /** The agent's own user id (entries assigned to them). */
  me: number;
  /** The agent's outbound call (live, or the last one ended), from `call:outbound`. */
  outbound: OutboundCallView | null;
  /** The last live `callback:assigned` this agent got (an entry given to them or taken from them). */
  assigned: CallbackAssignedView | null;
  /** The agent may dial now (available). */
  canDial: boolean;
  onDial: (p: { orderId: number; number: string }) => void;
  onHangup: (callId: string) => void;
}

/**
 * The callback worklist (GET /api/callbacks) with a dial button per entry — and who should call:
 * an entry a shift lead gave to someone else is shown with their name, a free one can be picked
 * and one's own given back (PUT /api/callbacks/:orderId/assignee) — and the live outbound call; once a citizen called for an evaluation (回访) answers, the evaluation form for that order.
 */
export function OutboundPanel({ me, outbound, assigned, canDial, onDial, onHangup }: Props) {
  const { t, lang } = useI18n();
  const [entries, setEntries] = useState<CallbackEntry[] | null>(null);
  const [failed, setFailed] = useState(false);
  const load = useCallback(() => {
    request<CallbackWorklist>('GET', '/api/callbacks')
      .then((r) => {
        setEntries(r.entries);
        setFailed(false);
      })
      .catch(() => setFailed(true));
  }, []);
  const entriesRef = useRef(entries);
  entriesRef.current = entries;
  // A lead gave this agent an entry or took one back: shown at once (a new entry: read the list again).
  useEffect(() => {
    if (!assigned) return;
    const next = entriesRef.current && applyAssigned(entriesRef.current, assigned);
    if (next) setEntries(next);
    else load();
  }, [assigned, load]);
  const ended = outbound?.state === 'ended';
  // Loaded at first and again after each outbound call (its attempt changes the entry).
  useEffect(() => load(), [load, ended]);
  const live = outbound && outbound.state !== 'ended' ? outbound : null;
  // The call reached the citizen of an order waiting for its evaluation: during the call or after it.
  const evaluating = outbound?.result === 'answered' ? entries?.find((e) => e.kind === 'evaluation' && e.orderId === outbound.orderId) : undefined;
  const [evaluated, setEvaluated] = useState<string | null>(null);
  const [assignFailed, setAssignFailed] = useState(false);
  const assign = (orderId: number, agentId: number | null) =>
    assignCallback(orderId, agentId).then(
      () => {
        setAssignFailed(false);
        load();
      },
      () => {
        setAssignFailed(true);
        load();
      },
    );

  return (
    <section className="card outbound-card" data-testid="outbound">
      {outbound && (
        <div className="outbound-live" data-testid="outbound-live" data-state={outbound.state} data-result={outbound.result ?? ''}>
          <strong>{t('outbound.call')}</strong> {outbound.number} · {t('outbound.order')} {outbound.orderNumber} ·{' '}
          <span data-testid="outbound-state">
            {t(`outbound.state.${outbound.state}`)}
            {ended && outbound.result ? ` (${t(`outbound.result.${outbound.result}`)})` : ''}
          </span>
          {live && (
            <button type="button" className="danger" data-testid="btn-outbound-hangup" onClick={() => onHangup(live.callId)}>
              {t('outbound.hangup')}
            </button>
          )}
        </div>
      )}
      {evaluating && (
        <CallbackEvaluation
          key={outbound?.callId}
          orderId={evaluating.orderId}
          orderNumber={evaluating.orderNumber}
          onDone={() => {
            setEvaluated(outbound?.callId ?? null);
            load();
          }}
        />
      )}
      {!evaluating && evaluated !== null && evaluated === outbound?.callId && (
        <p className="note" data-testid="evaluation-done">
          {t('outbound.evaluation.done')}
        </p>
      )}
      <h2>
        {t('outbound.title')}{' '}
        <button type="button" className="link" data-testid="btn-worklist-refresh" onClick={load}>
          {t('outbound.refresh')}
        </button>
      </h2>
      {failed && <p className="error">{t('outbound.loadFailed')}</p>}
      {assignFailed && <p className="error">{t('outbound.assign.failed')}</p>}
      {entries && entries.length === 0 && <p className="muted">{t('outbound.empty')}</p>}
      {entries && entries.length > 0 && (
        <ul className="worklist">
          {entries.map((e) => {
            const last = e.attempts.at(-1);
            return (
              <li key={`${e.kind}-${e.orderId}`} data-testid={`worklist-${e.orderId}`}>
                <span className="kind">{t(`outbound.kind.${e.kind}`)}</span> {e.orderNumber} · {e.callerPhone ?? t('outbound.noPhone')}
                {e.orderIds.length > 1 && ` · ${e.orderIds.length} ${t('outbound.missedCount')}`}
                {e.attempts.length > 0 && ` · ${t('outbound.attempts')} ${e.attempts.length}${last ? ` (${t(`outbound.outcome.${last.outcome}`)})` : ''}`}
                {' · '}
                {e.next.state === 'due' ? `${t('outbound.next.due')} ${dateTime(e.next.at, lang)}` : t(`outbound.next.${e.next.why}` as MessageKey)}
                {e.assignee && ` · ${e.assignee.agentId === me ? t('outbound.assign.mine') : `${t('outbound.assign.other')} ${e.assignee.displayName}`}`}
                {e.next.state === 'due' && e.assignee === null && (
                  <button type="button" className="link" data-testid={`btn-pick-${e.orderId}`} onClick={() => void assign(e.orderId, me)}>
                    {t('outbound.assign.pick')}
                  </button>
                )}
                {e.assignee?.agentId === me && (
                  <button type="button" className="link" data-testid={`btn-release-${e.orderId}`} onClick={() => void assign(e.orderId, null)}>
                    {t('outbound.assign.release')}
                  </button>
                )}
                <button
                  type="button"
                  className="primary"
                  data-testid={`btn-dial-${e.orderId}`}
                  disabled={!canDial || !e.callerPhone || e.next.state === 'done'}
                  onClick={() => e.callerPhone && onDial({ orderId: e.orderId, number: e.callerPhone })}
                >
                  {t('outbound.dial')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
