/**
 * One order on the desk: the demand, the call, the files, the whole history, the likely repeats,
 * and every action this user may take now (the server's `allowedActions`; it checks again). Each
 * action carries the version shown, so a change by someone else comes back as CONFLICT and the
 * page reloads; every refusal is shown in the reader's language by its code.
 */
import { useCallback, useEffect, useState } from 'react';
import { useLatestLoad } from '../use-latest-load.js';
import type { UnitInfo } from '../api.js';
import { AttachmentList, EventFiles } from '../components/AttachmentList.js';
import { statusLabel } from '../components/status-label.js';
import { dateTime } from '../format.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { attachments, deskAction, deskOrder, type Attachment, type DeskEvent, type DeskOrderDetail, type RelatedOrder } from './api.js';
import { OrderCalls } from './OrderCalls.js';
import { ActionForm, DESK_ACTIONS, type ActionPayload, type DeskAction } from './ActionForm.js';
import { actorLabel, categoryLabel, channelLabel, errorText, eventLabel, label } from './desk-format.js';
import { SimilarPanel } from './SimilarPanel.js';
import { RecordingList } from '../components/RecordingList.js';
import { KbAnswers } from '../kb/KbAnswers.js';

interface Props {
  orderId: number;
  /** Bumped when a live note names this order: re-read it. */
  refresh: number;
  units: readonly UnitInfo[];
  unitName: (id: string | null | undefined) => string;
  onOpen: (orderId: number) => void;
  onClose: () => void;
}

export function DeskOrderPage({ orderId, refresh, units, unitName, onOpen, onClose }: Props) {
  const { t, lang } = useI18n();
  const [order, setOrder] = useState<DeskOrderDetail | null>(null);
  const [files, setFiles] = useState<Attachment[]>([]);
  const [mode, setMode] = useState<DeskAction | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  // Only the newest reload shows: a live change's reload answered after the one that follows an
  // action would show the order before the action (and its old version would then be refused).
  const loads = useLatestLoad();
  const reload = useCallback(async () => {
    const current = loads.begin();
    const [o, a] = await Promise.all([deskOrder(orderId), attachments(orderId).catch(() => [])]);
    if (!current()) return;
    setOrder(o);
    setFiles(a);
  }, [orderId, loads]);

  useEffect(() => {
    reload().catch((err: unknown) => setError(errorText(t, err)));
    // `t` changes with the language only; the order is the same.
  }, [reload, refresh]);

  const run = async (payload: ActionPayload) => {
    if (!order) return;
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await deskAction(order.id, payload, order.version);
      setMode(null);
      setNotice(t('desk.done'));
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
      // After a conflict or a refusal the order shown may be stale: show the stored one.
      await reload().catch(() => undefined);
    }
  };

  if (!order)
    return error ? (
      <p className="error" data-testid="desk-order-error">
        {error}
      </p>
    ) : null;
  const actions = DESK_ACTIONS.filter((a) => order.allowedActions.includes(a));
  const reporter = order.reporterHidden
    ? null
    : [order.callerName, order.callerPhone].filter(Boolean).join(' ') + (order.phoneMasked && order.callerPhone ? ` ${t('desk.order.phoneMasked')}` : '');

  return (
    <div data-testid="desk-order" data-status={order.status} data-version={order.version} data-order-id={order.id}>
      <div className="desk-order-head">
        <h2>
          {order.number} · <span data-testid="desk-order-status">{statusLabel(t, order.status)}</span>
        </h2>
        <button type="button" className="link" onClick={onClose}>
          {t('desk.order.close')}
        </button>
      </div>
      <dl className="desk-facts">
        <dt>{t('desk.col.subject')}</dt>
        <dd>{order.subject ?? '—'}</dd>
        <dt>{t('desk.order.category')}</dt>
        <dd>{categoryLabel(t, order.category)}</dd>
        <dt>{t('desk.order.content')}</dt>
        <dd className="desk-content">{order.content ?? '—'}</dd>
        <dt>{t('desk.order.location')}</dt>
        <dd>{order.location ?? '—'}</dd>
        <dt>{t('desk.order.reporter')}</dt>
        <dd data-testid="desk-order-reporter">{reporter === null ? <em>{t('desk.order.reporterHidden')}</em> : reporter || '—'}</dd>
        <dt>{t('desk.order.channel')}</dt>
        <dd>{channelLabel(t, order.channel)}</dd>
        <dt>{t('desk.order.created')}</dt>
        <dd>{dateTime(order.createdAt, lang)}</dd>
        <dt>{t('desk.order.leadUnit')}</dt>
        <dd>{unitName(order.leadUnitId)}</dd>
        {order.coUnitIds.length > 0 && (
          <>
            <dt>{t('desk.order.coUnits')}</dt>
            <dd>
              {order.coUnitIds.map(unitName).join('、')}
              {order.coRepliedUnitIds.length > 0 && (
                <span className="muted">
                  {' '}
                  · {t('desk.order.coReplied')}: {order.coRepliedUnitIds.map(unitName).join('、')}
                </span>
              )}
            </dd>
          </>
        )}
        {order.signDeadlineAt !== null && (
          <>
            <dt>{t('desk.order.signDeadline')}</dt>
            <dd>{dateTime(order.signDeadlineAt, lang)}</dd>
          </>
        )}
        {order.deadlineAt !== null && (
          <>
            <dt>{t('desk.order.deadline')}</dt>
            <dd>{dateTime(order.deadlineAt, lang)}</dd>
          </>
        )}
        {order.handlingRound > 1 && (
          <>
            <dt>{t('desk.order.round')}</dt>
            <dd>{order.handlingRound}</dd>
          </>
        )}
        {order.supervisionLevel > 0 && (
          <>
            <dt>{t('desk.order.supervision')}</dt>
            <dd>{t(`desk.level.${order.supervisionLevel}` as MessageKey)}</dd>
          </>
        )}
        {order.satisfaction && (
          <>
            <dt>{t('desk.order.satisfaction')}</dt>
            <dd data-testid="desk-order-satisfaction">{label(t, `desk.result.${order.satisfaction}`, order.satisfaction)}</dd>
          </>
        )}
        {order.mergedIntoId !== null && (
          <>
            <dt>{t('desk.order.mergedInto')}</dt>
            <dd>
              <RelatedLink related={order.mergedInto ?? { id: order.mergedIntoId, number: null, status: null }} onOpen={onOpen} />
            </dd>
          </>
        )}
        {order.linkedOrders.length > 0 && (
          <>
            <dt>{t('desk.order.linked')}</dt>
            <dd data-testid="desk-order-linked">
              {order.linkedOrders.map((r) => (
                <RelatedLink key={r.id} related={r} onOpen={onOpen} />
              ))}
            </dd>
          </>
        )}
      </dl>
      {order.pendingExtension && (
        <p className="banner-warn desk-note" data-testid="desk-pending-extension">
          {t('desk.order.pendingExtension')}: {order.pendingExtension.days} {t('desk.order.days')} · {order.pendingExtension.reason}
        </p>
      )}

      <h3>{t('desk.order.actions')}</h3>
      {actions.length === 0 ? (
        <p className="muted">{t('desk.order.noActions')}</p>
      ) : (
        <div className="actions desk-actions">
          {actions.map((a) => (
            <button
              key={a}
              type="button"
              data-testid={`desk-action-${a}`}
              className={mode === a ? 'primary' : undefined}
              disabled={busy}
              onClick={() => {
                setMode(a);
                setError(null);
                setNotice(null);
              }}
            >
              {t(`desk.action.${a}`)}
            </button>
          ))}
        </div>
      )}
      {mode && (
        <ActionForm
          key={`${mode}-${order.id}`}
          action={mode}
          order={order}
          units={units}
          unitName={unitName}
          busy={busy}
          onSubmit={(p) => void run(p)}
          onCancel={() => setMode(null)}
          onInvalid={(code) => setError(label(t, `desk.error.${code}`, code))}
        />
      )}
      {error && (
        <p className="error" role="alert" data-testid="desk-action-error">
          {error}
        </p>
      )}
      {notice && !error && (
        <p className="desk-done" role="status" data-testid="desk-action-done">
          {notice}
        </p>
      )}

      <SimilarPanel order={order} unitName={unitName} busy={busy} onAct={(p) => void run(p)} onOpen={onOpen} />

      <h3>{t('desk.order.calls')}</h3>
      <OrderCalls orderId={order.id} refresh={order.version} />

      {order.callId && <RecordingList orderId={order.id} />}

      <KbAnswers orderId={order.id} refresh={order.version} />

      <h3>{t('desk.order.attachments')}</h3>
      <AttachmentList orderId={order.id} files={files} empty={t('desk.order.noAttachments')} className="desk-files" testId="desk-order-attachments" />

      <h3>{t('desk.order.history')}</h3>
      <ol className="desk-timeline" data-testid="desk-timeline">
        {order.history.map((e) => (
          <li key={e.id} data-action={e.action}>
            <time className="muted">{dateTime(e.at, lang)}</time> <strong>{eventLabel(t, e.action)}</strong>{' '}
            <span className="muted" data-testid="desk-event-actor">
              {e.actorName ? `${e.actorName}（${actorLabel(t, e.actorRole)}）` : actorLabel(t, e.actorRole)}
              {e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus && ` · ${statusLabel(t, e.fromStatus)} → ${statusLabel(t, e.toStatus)}`}
            </span>
            <EventDetails e={e} unitName={unitName} />
            <EventFiles files={files} eventId={e.id} label={t('desk.order.attachments')} />
          </li>
        ))}
      </ol>
    </div>
  );
}

/** An order named on the page, by number (one outside the reader's scope is not opened: its number is not shown either). */
function RelatedLink({ related, onOpen }: { related: RelatedOrder; onOpen: (orderId: number) => void }) {
  const { t } = useI18n();
  if (related.number === null) return <span className="muted">{t('desk.order.outOfScope')} </span>;
  return (
    <button type="button" className="link" data-testid={`desk-related-${related.number}`} onClick={() => onOpen(related.id)}>
      {related.number}
      {related.status && <span className="muted"> · {statusLabel(t, related.status)}</span>}
    </button>
  );
}

/** What an event's data says, in words: the unit it went to, the reply, the evaluation, the level. */
function EventDetails({ e, unitName }: { e: DeskEvent; unitName: (id: string | null | undefined) => string }) {
  const { t, lang } = useI18n();
  const d = e.data ?? {};
  const str = (k: string) => (typeof d[k] === 'string' ? d[k] : null);
  const num = (k: string) => (typeof d[k] === 'number' ? d[k] : null);
  const parts: string[] = [];
  const lead = str('leadUnitId');
  if (lead) parts.push(`${t('desk.order.leadUnit')} ${unitName(lead)}`);
  const co = Array.isArray(d['coUnitIds']) ? (d['coUnitIds'] as unknown[]).filter((x): x is string => typeof x === 'string') : [];
  if (co.length > 0 && (e.action === 'dispatch' || e.action === 'redispatch')) parts.push(`${t('desk.order.coUnits')} ${co.map(unitName).join('、')}`);
  const deadline = num('deadlineAt');
  if (deadline !== null) parts.push(`${t('desk.order.deadline')} ${dateTime(deadline, lang)}`);
  const days = num('days');
  if (days !== null) parts.push(`${days} ${t('desk.order.days')}`);
  const result = str('result');
  if (result) parts.push(label(t, e.action === 'callback_done' ? `desk.callback.${result}` : `desk.result.${result}`, result));
  const evalChannel = e.action === 'evaluate' ? str('channel') : null;
  if (evalChannel) parts.push(label(t, `desk.evalChannel.${evalChannel}`, evalChannel));
  const other = num('targetOrderId') ?? num('otherOrderId');
  if (other !== null) parts.push(`#${other}`);
  if (d['secondHandling'] === true) parts.push(`${t('desk.order.round')} ${num('handlingRound') ?? ''}`);
  if (d['part'] === 'co_unit') parts.push(`${t('desk.order.coUnits')} ${unitName(str('unitId'))}`);
  const level = num('level');
  if (level !== null) parts.push(label(t, `desk.level.${level}`, String(level)));
  for (const k of ['text', 'answer', 'reason'] as const) {
    const v = str(k);
    if (v && v !== e.comment) parts.push(v);
  }
  if (e.comment) parts.push(e.comment);
  if (d['late'] === true) parts.push(t('desk.order.late'));
  const notReplied = Array.isArray(d['coUnitsNotReplied']) ? (d['coUnitsNotReplied'] as unknown[]).filter((x): x is string => typeof x === 'string') : [];
  if (notReplied.length > 0) parts.push(`${t('desk.order.coUnitsNotReplied')}: ${notReplied.map(unitName).join('、')}`);
  return parts.length === 0 ? null : <span className="desk-event-details"> · {parts.join(' · ')}</span>;
}
