/**
 * One order in the unit portal: the demand (reporter hidden on confidential orders: the API
 * already masks it), history with its files, and the unit's actions. Every action sends the
 * version it was shown, so a change by someone else comes back as CONFLICT and the panel reloads.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { HttpError, type User } from '../api.js';
import { dateTime } from '../format.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { refusalWords } from '../refusal-words.js';
import { AttachmentList, EventFiles } from '../components/AttachmentList.js';
import { KbAnswers } from '../kb/KbAnswers.js';
import { act, getOrder, listAttachments, upload, type Attachment, type OrderDetail, type UnitAction } from './api.js';

type Mode = 'return' | 'extension' | 'reply' | 'attach';

interface Props {
  orderId: number;
  user: User;
  /** A unit's name from its id. */
  unitName: (id: string | null | undefined) => string;
  onChanged: () => void;
}

const OPEN = ['dispatched', 'signed', 'in_progress', 'supervised'];

/** The buttons that can work for this unit in this status (the server checks again). */
function actionsFor(o: OrderDetail, unitId: string | null): Array<'sign' | 'start' | Mode> {
  if (!unitId) return [];
  const lead = o.leadUnitId === unitId;
  const co = o.coUnitIds.includes(unitId);
  const out: Array<'sign' | 'start' | Mode> = [];
  if (lead && o.status === 'dispatched') out.push('sign', 'return');
  if (lead && o.status === 'signed') out.push('start', 'return');
  if (lead && o.status === 'supervised') out.push('start');
  if (lead && ['signed', 'in_progress'].includes(o.status) && !o.pendingExtension) out.push('extension');
  if ((lead && o.status === 'in_progress') || (co && OPEN.includes(o.status))) out.push('reply');
  if ((lead || co) && !['closed', 'merged'].includes(o.status)) out.push('attach');
  return out;
}

const LABEL: Record<'sign' | 'start' | Mode, MessageKey> = {
  sign: 'unit.action.sign',
  start: 'unit.action.start',
  return: 'unit.action.return',
  extension: 'unit.action.extension',
  reply: 'unit.action.reply',
  attach: 'unit.action.attach',
};

export function OrderPanel({ orderId, user, unitName, onChanged }: Props) {
  const { t, lang } = useI18n();
  const [order, setOrder] = useState<OrderDetail | null>(null);
  const [files, setFiles] = useState<Attachment[]>([]);
  const [mode, setMode] = useState<Mode | null>(null);
  const [text, setText] = useState('');
  const [days, setDays] = useState(3);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const reload = useCallback(async () => {
    const [o, a] = await Promise.all([getOrder(orderId), listAttachments(orderId)]);
    setOrder(o);
    setFiles(a);
  }, [orderId]);

  useEffect(() => {
    reload().catch((err: unknown) => setError(messageOf(err)));
  }, [reload]);

  function messageOf(err: unknown): string {
    const code = err instanceof HttpError ? err.code : '';
    return refusalWords(t, 'unit', code) ?? t('unit.error.generic');
  }

  const run = async (action: UnitAction | null) => {
    if (!order) return;
    const chosen = [...(fileInput.current?.files ?? [])];
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      if (action) await act(order.id, action, order.version, chosen);
      else await upload(order.id, chosen);
      setMode(null);
      setText('');
      setNotice(t('unit.done'));
      onChanged();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
      // After a conflict or a refusal the order shown may be stale: show the stored one.
      await reload().catch(() => undefined);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mode === 'return') void run({ type: 'return', reason: text });
    else if (mode === 'extension') void run({ type: 'request_extension', days, reason: text });
    else if (mode === 'reply') void run({ type: 'reply', text });
    else void run(null);
  };

  if (!order) return error ? <p className="error">{error}</p> : null;
  const actions = actionsFor(order, user.unitId);

  return (
    <div data-testid="order-panel" data-status={order.status} data-version={order.version}>
      <h2>
        {order.number} · {t(`unit.status.${order.status}` as MessageKey)}
      </h2>
      <dl className="unit-facts">
        <dt>{t('unit.col.subject')}</dt>
        <dd>{order.subject ?? '—'}</dd>
        <dt>{t('unit.col.category')}</dt>
        <dd>{order.category ? t(`unit.category.${order.category}` as MessageKey) : '—'}</dd>
        <dt>{t('unit.detail.content')}</dt>
        <dd className="unit-content">{order.content ?? '—'}</dd>
        <dt>{t('unit.detail.location')}</dt>
        <dd>{order.location ?? '—'}</dd>
        <dt>{t('unit.detail.reporter')}</dt>
        <dd data-testid="order-reporter">
          {order.reporterHidden ? <em>{t('unit.detail.reporterHidden')}</em> : [order.callerName, order.callerPhone].filter(Boolean).join(' ') || '—'}
        </dd>
        <dt>{t('unit.detail.leadUnit')}</dt>
        <dd>{unitName(order.leadUnitId)}</dd>
        {order.coUnitIds.length > 0 && (
          <>
            <dt>{t('unit.detail.coUnits')}</dt>
            <dd>{order.coUnitIds.map(unitName).join('、')}</dd>
          </>
        )}
        <dt>{t('unit.col.signDeadline')}</dt>
        <dd>{order.signDeadlineAt ? dateTime(order.signDeadlineAt, lang) : '—'}</dd>
        <dt>{t('unit.col.deadline')}</dt>
        <dd>{order.deadlineAt ? dateTime(order.deadlineAt, lang) : '—'}</dd>
        {order.handlingRound > 1 && (
          <>
            <dt>{t('unit.detail.round')}</dt>
            <dd>{order.handlingRound}</dd>
          </>
        )}
        {order.supervisionLevel > 0 && (
          <>
            <dt>{t('unit.detail.supervision')}</dt>
            <dd>{order.supervisionLevel}</dd>
          </>
        )}
      </dl>
      {order.pendingExtension && (
        <p className="banner-warn unit-note">
          {t('unit.detail.pendingExtension')}: {order.pendingExtension.days} {t('unit.detail.days')} · {order.pendingExtension.reason}
        </p>
      )}

      <div className="actions">
        {actions.map((a) => (
          <button
            key={a}
            type="button"
            data-testid={`action-${a}`}
            className={a === 'sign' || a === 'start' || a === 'reply' ? 'primary' : undefined}
            disabled={busy}
            onClick={() => (a === 'sign' || a === 'start' ? void run({ type: a }) : setMode(a))}
          >
            {t(LABEL[a])}
          </button>
        ))}
      </div>

      {mode && (
        <form className="unit-form" onSubmit={submit} data-testid={`form-${mode}`}>
          {mode === 'extension' && (
            <label>
              {t('unit.form.days')}
              <input name="days" type="number" min={1} max={60} value={days} onChange={(e) => setDays(Number(e.target.value))} />
            </label>
          )}
          {mode !== 'attach' && (
            <label>
              {mode === 'reply' ? t('unit.form.replyText') : t('unit.form.reason')}
              <textarea name="text" rows={4} value={text} onChange={(e) => setText(e.target.value)} maxLength={5000} />
            </label>
          )}
          <label>
            {t('unit.form.files')}
            <input ref={fileInput} name="files" type="file" multiple accept=".pdf,.jpg,.jpeg,.png,.docx,.xlsx" />
          </label>
          <div className="actions">
            <button type="submit" className="primary" disabled={busy} data-testid="form-submit">
              {t('unit.action.submit')}
            </button>
            <button type="button" onClick={() => setMode(null)}>
              {t('unit.action.cancel')}
            </button>
          </div>
        </form>
      )}
      {error && (
        <p className="error" role="alert" data-testid="order-error">
          {error}
        </p>
      )}
      {notice && !error && <p className="unit-done">{notice}</p>}

      <h3>{t('unit.detail.attachments')}</h3>
      <AttachmentList orderId={order.id} files={files} empty={t('unit.detail.noAttachments')} className="unit-files" testId="order-attachments" />

      <KbAnswers orderId={order.id} />

      <h3>{t('unit.detail.history')}</h3>
      <ol className="unit-history" data-testid="order-history">
        {order.history.map((e) => (
          <li key={e.id} data-action={e.action}>
            <time className="muted">{dateTime(e.at, lang)}</time> <strong>{t(`unit.event.${e.action}` as MessageKey) ?? e.action}</strong>
            {e.comment && <span> · {e.comment}</span>}
            {typeof e.data?.['text'] === 'string' && <span> · {e.data['text']}</span>}
            <EventFiles files={files} eventId={e.id} label={t('unit.detail.attachments')} />
          </li>
        ))}
      </ol>
    </div>
  );
}
