import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { AgentView, CallbackAssignedView, CallbackEntry, DeskChange } from '../../contract/index.js';
import type { CallbackWorklist } from '../../contract/http-callbacks.js';
import type { CallbackReport } from '../../contract/http-callback-reports.js';
import { call as request, HttpError } from '../api.js';
import { dateTime, duration } from '../format.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { applyAssigned, assignCallback, touchesWorklist } from '../outbound-api.js';
import type { LeadSocket } from './useLeadSocket.js';

interface Props {
  /** The logged-in agents (the lead socket's list): whom an entry can be given to. */
  agents: readonly AgentView[];
  /** The lead socket: assignments made elsewhere (`callback:assigned`) and new missed calls (`desk:changed`) show at once. */
  socket: RefObject<LeadSocket | null>;
  connected: boolean;
  onDone: () => void;
  onFailed: (code: string, message: string) => void;
}

/** `desk:changed` notes are gathered this long: a burst (a queue of abandons) costs one read. */
const CHANGE_DEBOUNCE_MS = 500;

const percent = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

/** Today's callback figures (GET /api/reports/callbacks?period=day): the missed callers and how they were called back. */
function CallbackFigures({ report }: { report: CallbackReport | null }) {
  const { t } = useI18n();
  const c = report?.total.cohort ?? null;
  const a = report?.total.activity ?? null;
  const figures: [string, MessageKey, string][] = [
    ['missed', 'outbound.figures.missedCallers', c ? String(c.missedCallers) : '—'],
    ['rate', 'outbound.figures.callbackRate', percent(c?.callbackRate ?? null)],
    ['within', 'outbound.figures.withinRate', percent(c?.withinRate ?? null)],
    ['reached', 'outbound.figures.reachRate', percent(c?.reachRate ?? null)],
    ['wait', 'outbound.figures.wait', c?.waitP50Ms == null ? '—' : `${duration(c.waitP50Ms)} / ${c.waitP90Ms == null ? '—' : duration(c.waitP90Ms)}`],
    ['attempts', 'outbound.figures.attempts', a ? `${a.attempts} / ${a.answered}` : '—'],
  ];
  return (
    <div className="lead-figures" data-testid="callback-figures">
      {figures.map(([id, label, value]) => (
        <div key={id} className="lead-figure">
          <div className="lead-figure-value" data-testid={`cbfig-${id}`}>
            {value}
          </div>
          <div className="lead-figure-label">{t(label)}</div>
        </div>
      ))}
    </div>
  );
}

/**
 * The callback worklist for the shift lead (issue 12 item 2): each missed caller and 回访 order
 * with who should call, and a choice of the logged-in agents to assign it to or 不指派 to free it
 * (PUT /api/callbacks/:orderId/assignee). Entries nobody needs to call any more are not shown.
 * Above it, today's callback figures (回拨率, within 24 h, reached, wait p50/p90, calls made).
 * Assignments by other leads or picked by agents arrive live (`callback:assigned`); a new missed
 * call or any change to a listed order (`desk:changed`, which shift leads get as desk users) reads
 * the list and figures again; they are also read again every minute.
 */
export function CallbackAssignPanel({ agents, socket, connected, onDone, onFailed }: Props) {
  const { t, lang } = useI18n();
  const [entries, setEntries] = useState<CallbackEntry[] | null>(null);
  const [report, setReport] = useState<CallbackReport | null>(null);
  const entriesRef = useRef(entries);
  entriesRef.current = entries;
  const load = useCallback(() => {
    request<CallbackWorklist>('GET', '/api/callbacks')
      .then((r) => setEntries(r.entries.filter((e) => e.next.state === 'due')))
      .catch(() => setEntries(null));
    request<CallbackReport>('GET', '/api/reports/callbacks?period=day')
      .then(setReport)
      .catch(() => setReport(null));
  }, []);
  useEffect(() => {
    load();
    const timer = setInterval(load, 60_000);
    return () => clearInterval(timer);
  }, [load]);
  useEffect(() => {
    const s = socket.current;
    if (!s || !connected) return;
    const onAssigned = (v: CallbackAssignedView) => {
      const next = entriesRef.current && applyAssigned(entriesRef.current, v);
      if (next) setEntries(next);
      else load();
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onChanged = (c: DeskChange) => {
      if (!touchesWorklist(entriesRef.current, c)) return;
      timer ??= setTimeout(() => {
        timer = undefined;
        load();
      }, CHANGE_DEBOUNCE_MS);
    };
    s.on('callback:assigned', onAssigned);
    s.on('desk:changed', onChanged);
    return () => {
      clearTimeout(timer);
      s.off('callback:assigned', onAssigned);
      s.off('desk:changed', onChanged);
    };
  }, [socket, connected, load]);
  const assign = (e: CallbackEntry, value: string) =>
    assignCallback(e.orderId, value === '' ? null : Number(value)).then(
      () => {
        onDone();
        load();
      },
      (err: unknown) => onFailed(err instanceof HttpError ? err.code : 'HTTP_ERROR', err instanceof Error ? err.message : String(err)),
    );

  return (
    <section className="card lead-callbacks" data-testid="lead-callbacks">
      <h2>
        {t('outbound.assign.title')} <span className="lead-count">{entries?.length ?? 0}</span>{' '}
        <button type="button" className="link" data-testid="btn-callbacks-refresh" onClick={load}>
          {t('outbound.refresh')}
        </button>
      </h2>
      <CallbackFigures report={report} />
      {entries === null && <p className="error">{t('outbound.loadFailed')}</p>}
      {entries?.length === 0 && <p className="muted">{t('outbound.empty')}</p>}
      {entries && entries.length > 0 && (
        <ul className="worklist">
          {entries.map((e) => {
            const assigned = e.assignee;
            const choices =
              assigned && !agents.some((a) => a.agentId === assigned.agentId)
                ? [{ agentId: assigned.agentId, displayName: assigned.displayName }, ...agents]
                : agents;
            return (
              <li key={`${e.kind}-${e.orderId}`} data-testid={`lead-callback-${e.orderId}`} data-assignee={assigned?.agentId ?? ''}>
                <span className="kind">{t(`outbound.kind.${e.kind}` as MessageKey)}</span> {e.orderNumber} · {e.callerPhone ?? t('outbound.noPhone')}
                {e.attempts.length > 0 && ` · ${t('outbound.attempts')} ${e.attempts.length}`}
                {e.next.state === 'due' && ` · ${t('outbound.next.due')} ${dateTime(e.next.at, lang)}`}{' '}
                <label>
                  {t('outbound.assign.to')}{' '}
                  <select
                    data-testid={`assign-${e.orderId}`}
                    value={assigned ? String(assigned.agentId) : ''}
                    onChange={(ev) => void assign(e, ev.target.value)}
                  >
                    <option value="">{t('outbound.assign.none')}</option>
                    {choices.map((a) => (
                      <option key={a.agentId} value={a.agentId}>
                        {a.displayName}
                      </option>
                    ))}
                  </select>
                </label>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
