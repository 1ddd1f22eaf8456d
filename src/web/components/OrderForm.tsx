import { useEffect, useRef, useState } from 'react';
import { ORDER_CATEGORIES } from '../../contract/work-orders.js';
import { dispatchAdvice, order as loadOrder, orderAction, type DispatchAdvice, type OrderInfo, type UnitInfo } from '../api.js';
import { dateTime } from '../format.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { statusLabel } from './status-label.js';

interface Props {
  orderId: number;
  /** Every unit (dispatch targets). */
  units: UnitInfo[];
  /** The subject and content as the agent types them (the knowledge panel follows them). */
  onText?: (text: { orderId: number; subject: string; content: string }) => void;
}

const DAY = 86_400_000;
/** The agent may still edit the order's fields in these statuses. */
const EDITABLE = ['draft', 'accepted'];

/**
 * The call's work order: category, subject, content, location, confidential; saved as answered
 * on the spot, or handed to dispatch: the lead unit is prefilled from the responsibility
 * catalogue (POST /api/dispatch/suggestion) until the agent picks one. Both go through
 * POST /api/workorders/:id/actions: `accept` (or `update_fields`) first.
 */
export function OrderForm({ orderId, units, onText }: Props) {
  const { t, lang } = useI18n();
  const [o, setO] = useState<OrderInfo | null>(null);
  const [fields, setFields] = useState({ category: 'consultation', subject: '', content: '', location: '', confidential: false });
  const [answer, setAnswer] = useState('');
  const [leadUnitId, setLeadUnitId] = useState('');
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [advice, setAdvice] = useState<DispatchAdvice | null>(null);
  const suggested = advice?.suggestion ?? null;
  /** The agent chose the lead unit: suggestions no longer overwrite it. */
  const picked = useRef(false);

  useEffect(() => {
    let live = true;
    loadOrder(orderId)
      .then((got) => {
        if (!live) return;
        setO(got);
        setFields({
          category: got.category ?? 'consultation',
          subject: got.subject ?? '',
          content: got.content ?? '',
          location: got.location ?? '',
          confidential: got.confidential,
        });
      })
      .catch((err: Error) => live && setMsg({ ok: false, text: err.message }));
    return () => {
      live = false;
    };
  }, [orderId]);

  const editable = o !== null && EDITABLE.includes(o.status);
  useEffect(() => onText?.({ orderId, subject: fields.subject, content: fields.content }), [onText, orderId, fields.subject, fields.content]);

  // The responsibility catalogue's suggestion follows what the agent types (debounced).
  useEffect(() => {
    if (!editable) return;
    // A suggestion asked for older text and answered after the newer one is dropped (it would pick its unit).
    let live = true;
    const timer = setTimeout(() => {
      dispatchAdvice({ category: fields.category, subject: fields.subject, content: fields.content })
        .then((got) => {
          if (!live) return;
          setAdvice(got);
          if (got.suggestion && !picked.current) setLeadUnitId(got.suggestion.lead);
        })
        .catch(() => live && setAdvice(null));
    }, 400);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [editable, fields.category, fields.subject, fields.content]);
  const set = <K extends keyof typeof fields>(k: K, v: (typeof fields)[K]) => setFields((f) => ({ ...f, [k]: v }));

  async function save(
    final: { type: 'answer_on_spot'; answer: string } | { type: 'dispatch'; leadUnitId: string; deadlineAt: number; signDeadlineAt?: number },
  ) {
    if (!o) return;
    setBusy(true);
    setMsg(null);
    try {
      const f = {
        category: fields.category,
        subject: fields.subject || null,
        content: fields.content || null,
        location: fields.location || null,
        confidential: fields.confidential,
      };
      const first = o.status === 'draft' ? { type: 'accept', fields: f } : { type: 'update_fields', fields: f };
      await orderAction(o.id, first);
      const after = await orderAction(o.id, final);
      setO(after);
      setMsg({ ok: true, text: t('controls.order.saved') });
    } catch (err) {
      setMsg({ ok: false, text: `${t('commandFailed')}: ${(err as Error).message}` });
    } finally {
      setBusy(false);
    }
  }

  const onSpot = () => (answer.trim() ? save({ type: 'answer_on_spot', answer: answer.trim() }) : setMsg({ ok: false, text: t('controls.order.needAnswer') }));
  // sla.yaml's working-day limits when known; else a plain five days (the server still checks).
  const limits = advice ? { deadlineAt: advice.deadlines.deadlineAt, signDeadlineAt: advice.deadlines.signDeadlineAt } : { deadlineAt: Date.now() + 5 * DAY };
  const dispatch = () => (leadUnitId ? save({ type: 'dispatch', leadUnitId, ...limits }) : setMsg({ ok: false, text: t('controls.order.needUnit') }));

  return (
    <section className="card order-card" data-testid="order-form" data-status={o?.status ?? ''}>
      <h2>
        {t('controls.order.title')} <span data-testid="order-number">{o?.number ?? ''}</span>{' '}
        <span className="tag" data-testid="order-status">
          {o ? statusLabel(t, o.status) : '…'}
        </span>
      </h2>
      {o?.lookupCode && (
        // Read out to the citizen with the number: the public lookup asks for both (and the phone).
        <p className="muted" data-testid="order-lookup">
          {t('controls.order.lookupCode')} <strong data-testid="order-lookup-code">{o.lookupCode}</strong> · {t('controls.order.lookupHint')}
        </p>
      )}
      <fieldset disabled={!editable || busy}>
        <div className="form-grid">
          <label>
            {t('controls.order.category')}
            <select data-testid="order-category" value={fields.category} onChange={(e) => set('category', e.target.value)}>
              {ORDER_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {t(`controls.cat.${c}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('controls.order.subject')}
            <input data-testid="order-subject" maxLength={200} value={fields.subject} onChange={(e) => set('subject', e.target.value)} />
          </label>
          <label className="wide">
            {t('controls.order.content')}
            <textarea data-testid="order-content" rows={3} maxLength={5000} value={fields.content} onChange={(e) => set('content', e.target.value)} />
          </label>
          <label>
            {t('controls.order.location')}
            <input data-testid="order-location" maxLength={500} value={fields.location} onChange={(e) => set('location', e.target.value)} />
          </label>
          <label className="check">
            <input type="checkbox" data-testid="order-confidential" checked={fields.confidential} onChange={(e) => set('confidential', e.target.checked)} />
            {t('controls.order.confidential')}
          </label>
        </div>
        <div className="order-finish">
          <div>
            <label>
              {t('controls.order.answer')}
              <textarea data-testid="order-answer" rows={2} maxLength={5000} value={answer} onChange={(e) => setAnswer(e.target.value)} />
            </label>
            <button type="button" className="primary" data-testid="order-save-on-spot" onClick={onSpot}>
              {t('controls.order.saveOnSpot')}
            </button>
          </div>
          <div>
            <label>
              {t('controls.order.leadUnit')}
              <select
                data-testid="order-lead-unit"
                value={leadUnitId}
                onChange={(e) => {
                  picked.current = true;
                  setLeadUnitId(e.target.value);
                }}
              >
                <option value="">{t('controls.order.pickUnit')}</option>
                {units.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </select>
            </label>
            {suggested && (
              <p className="muted suggestion" data-testid="order-suggestion" data-lead={suggested.lead}>
                {t('controls.order.suggested')}: {units.find((u) => u.id === suggested.lead)?.name ?? suggested.lead} · {t('controls.order.keywords')}{' '}
                {suggested.matchedKeywords.join('、')}
              </p>
            )}
            {advice && (
              <p className="muted suggestion" data-testid="order-deadline" data-deadline={advice.deadlines.deadlineAt}>
                {t('controls.order.deadline')}: {advice.deadlines.workingDays} {t('controls.order.workingDays')} · {dateTime(advice.deadlines.deadlineAt, lang)}
              </p>
            )}
            <button type="button" data-testid="order-dispatch" onClick={dispatch}>
              {t('controls.order.dispatch')}
            </button>
          </div>
        </div>
      </fieldset>
      {msg && (
        <p className={msg.ok ? 'ok' : 'error'} role="status" data-testid="order-message">
          {msg.text}
        </p>
      )}
    </section>
  );
}
