/**
 * The form of one desk action on an order: what the lifecycle asks for (docs/workorder-lifecycle.md,
 * "Actions and who may take them"), prefilled where the server can advise — the catalogue's
 * suggestion and sla.yaml's limits for a dispatch, the unit's asked-for days for an extension.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { dispatchAdvice, type UnitInfo } from '../api.js';
import { UnitOptions } from './use-units.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { orderSuggestion, searchOrders, type DeskOrderDetail, type Suggestion } from './api.js';
import { fromBeijingInput, toBeijingInput } from './desk-format.js';

/** The actions the desk has a form for, in the order their buttons are shown. */
export const DESK_ACTIONS = [
  'dispatch',
  'redispatch',
  'review_accept',
  'review_send_back',
  'grant_extension',
  'refuse_extension',
  'evaluate',
  'supervise',
  'accept',
  'answer_on_spot',
  'callback_done',
  'close',
  'merge_into',
  'link',
] as const;
export type DeskAction = (typeof DESK_ACTIONS)[number];

export type ActionPayload = Record<string, unknown> & { type: DeskAction };

interface Props {
  action: DeskAction;
  order: DeskOrderDetail;
  units: readonly UnitInfo[];
  unitName: (id: string | null | undefined) => string;
  busy: boolean;
  onSubmit: (payload: ActionPayload) => void;
  onCancel: () => void;
  /** A payload the page cannot build (an unknown order number): shown like a server refusal. */
  onInvalid: (code: string) => void;
}

const HOUR = 3600_000;

export function ActionForm({ action, order, units, unitName, busy, onSubmit, onCancel, onInvalid }: Props) {
  const { t } = useI18n();
  const [lead, setLead] = useState('');
  const [co, setCo] = useState<string[]>([]);
  const [deadline, setDeadline] = useState('');
  const [signDeadline, setSignDeadline] = useState('');
  const [text, setText] = useState('');
  const [choice, setChoice] = useState('');
  const [channel, setChannel] = useState('callback');
  const [level, setLevel] = useState(Math.min(3, Math.max(1, order.supervisionLevel + (order.status === 'supervised' ? 1 : 0))));
  const [target, setTarget] = useState('');
  const [suggestion, setSuggestion] = useState<Suggestion | null>(null);

  const dispatching = action === 'dispatch' || action === 'redispatch';

  useEffect(() => {
    // The server's proposal: the requested working days on from the current limit, holidays and make-up days counted.
    if (action === 'grant_extension' && order.extensionProposal) setDeadline(toBeijingInput(order.extensionProposal.deadlineAt));
    if (action === 'evaluate') setChoice('satisfied');
    if (action === 'callback_done') setChoice('demand');
    if (!dispatching) return;
    let live = true;
    orderSuggestion(order.id).then(
      (s) => {
        if (!live) return;
        setSuggestion(s);
        if (s.suggestion && s.inScope) {
          setLead(s.suggestion.lead);
          setCo(s.suggestion.coHandlers);
        }
      },
      () => live && setSuggestion(null),
    );
    // sla.yaml's limits if dispatched now; without a category the dispatcher sets them by hand.
    const fallback = Date.now() + 24 * HOUR;
    setDeadline(toBeijingInput(fallback));
    if (order.category) {
      dispatchAdvice({ category: order.category, subject: order.subject ?? '', content: order.content ?? '' }).then(
        (a) => {
          if (!live) return;
          setDeadline(toBeijingInput(a.deadlines.deadlineAt));
          setSignDeadline(toBeijingInput(a.deadlines.signDeadlineAt));
        },
        () => undefined,
      );
    }
    return () => {
      live = false;
    };
    // Prefilled once per action and version of the order: a live refresh of the same order keeps what was typed.
  }, [action, dispatching, order.id, order.version]);

  const ms = (v: string) => (v === '' ? undefined : fromBeijingInput(v));
  const opt = (k: string, v: unknown) => (v === undefined || v === '' ? {} : { [k]: v });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    switch (action) {
      case 'dispatch':
      case 'redispatch':
        return onSubmit({
          type: action,
          leadUnitId: lead,
          coUnitIds: co.filter((u) => u !== lead),
          deadlineAt: ms(deadline),
          ...opt('signDeadlineAt', ms(signDeadline)),
          ...opt('comment', text.trim()),
        });
      case 'review_accept':
        return onSubmit({ type: action, ...opt('comment', text.trim()) });
      case 'review_send_back':
        return onSubmit({ type: action, reason: text, ...opt('deadlineAt', ms(deadline)) });
      case 'grant_extension':
        return onSubmit({ type: action, deadlineAt: ms(deadline), ...opt('comment', text.trim()) });
      case 'refuse_extension':
        return onSubmit({ type: action, reason: text });
      case 'evaluate':
        return onSubmit({ type: action, result: choice, channel, ...opt('comment', text.trim()) });
      case 'supervise':
        return onSubmit({ type: action, level, ...opt('reason', text.trim()), ...opt('deadlineAt', ms(deadline)) });
      case 'accept':
        return onSubmit({ type: action });
      case 'answer_on_spot':
        return onSubmit({ type: action, answer: text });
      case 'callback_done':
        return onSubmit({ type: action, result: choice, ...opt('comment', text.trim()) });
      case 'close':
        return onSubmit({ type: action, ...opt('reason', text.trim()) });
      case 'merge_into':
      case 'link': {
        const id = await orderIdOf(target.trim());
        if (id === null) return onInvalid('ORDER_NOT_FOUND');
        return onSubmit(action === 'merge_into' ? { type: action, targetOrderId: id } : { type: action, otherOrderId: id });
      }
    }
  };

  const textLabel: Partial<Record<DeskAction, MessageKey>> = {
    dispatch: 'desk.form.comment',
    redispatch: 'desk.form.comment',
    review_accept: 'desk.form.comment',
    review_send_back: 'desk.form.reason',
    grant_extension: 'desk.form.comment',
    refuse_extension: 'desk.form.reason',
    evaluate: 'desk.form.comment',
    supervise: 'desk.form.reason',
    answer_on_spot: 'desk.form.answer',
    callback_done: 'desk.form.comment',
    close: 'desk.form.reason',
  };
  const deadlineLabel: Partial<Record<DeskAction, MessageKey>> = {
    dispatch: 'desk.form.deadline',
    redispatch: 'desk.form.deadline',
    review_send_back: 'desk.form.newDeadline',
    grant_extension: 'desk.form.newDeadline',
    supervise: 'desk.form.newDeadline',
  };
  const text_ = textLabel[action];
  const deadline_ = deadlineLabel[action];

  return (
    <form className="desk-form" onSubmit={(e) => void submit(e)} data-testid={`desk-form-${action}`}>
      {dispatching && (
        <div className="desk-suggestion" data-testid="desk-suggestion">
          <strong>{t('desk.suggest.title')}</strong>
          {suggestion?.suggestion ? (
            <>
              <span>
                {' '}
                {unitName(suggestion.suggestion.lead)}
                {suggestion.suggestion.coHandlers.length > 0 && ` + ${suggestion.suggestion.coHandlers.map(unitName).join('、')}`}
              </span>
              <div className="muted desk-small">
                {suggestion.area && (
                  <>
                    {t('desk.suggest.area')}: {suggestion.area.path.join(' / ')} ·{' '}
                  </>
                )}
                {suggestion.suggestion.matchedKeywords.length > 0 && (
                  <>
                    {t('desk.suggest.keywords')}: {suggestion.suggestion.matchedKeywords.join('、')} ·{' '}
                  </>
                )}
                {/* The server's `reason` is English prose: the entry and its matches say the same in the reader's language. */}
                {t('desk.suggest.reason')}: {t('desk.suggest.entry')} {suggestion.suggestion.entryId}
              </div>
              {!suggestion.inScope && <div className="error">{t('desk.suggest.outOfScope')}</div>}
            </>
          ) : (
            <div className="muted desk-small">{t('desk.suggest.none')}</div>
          )}
        </div>
      )}
      {dispatching && (
        <>
          <label>
            {t('desk.form.leadUnit')}
            <select name="leadUnitId" value={lead} onChange={(e) => setLead(e.target.value)} required>
              <option value="">{t('desk.form.chooseUnit')}</option>
              <UnitOptions units={units} />
            </select>
          </label>
          <label>
            {t('desk.form.coUnits')}
            <select
              name="coUnitIds"
              multiple
              size={Math.min(6, Math.max(3, units.length))}
              value={co}
              onChange={(e) => setCo([...e.target.selectedOptions].map((o) => o.value))}
            >
              <UnitOptions units={units.filter((u) => u.id !== lead)} />
            </select>
          </label>
        </>
      )}
      {action === 'grant_extension' && order.pendingExtension && (
        <p className="muted desk-small">
          {order.pendingExtension.days} {t('desk.order.days')} · {order.pendingExtension.reason} — {t('desk.form.newDeadlineHint')}
        </p>
      )}
      {deadline_ && (
        <label>
          {t(deadline_)}
          <input
            name="deadlineAt"
            type="datetime-local"
            value={deadline}
            onChange={(e) => setDeadline(e.target.value)}
            required={action !== 'review_send_back' && action !== 'supervise'}
          />
        </label>
      )}
      {dispatching && (
        <label>
          {t('desk.form.signDeadline')}
          <input name="signDeadlineAt" type="datetime-local" value={signDeadline} onChange={(e) => setSignDeadline(e.target.value)} />
        </label>
      )}
      {action === 'evaluate' && (
        <>
          <label>
            {t('desk.form.result')}
            <select name="result" value={choice} onChange={(e) => setChoice(e.target.value)}>
              {(['satisfied', 'basically_satisfied', 'unsatisfied'] as const).map((r) => (
                <option key={r} value={r}>
                  {t(`desk.result.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('desk.form.evalChannel')}
            <select name="channel" value={channel} onChange={(e) => setChannel(e.target.value)}>
              {(['callback', 'survey', 'third_party'] as const).map((c) => (
                <option key={c} value={c}>
                  {t(`desk.evalChannel.${c}`)}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      {action === 'callback_done' && (
        <label>
          {t('desk.form.callbackResult')}
          <select name="result" value={choice} onChange={(e) => setChoice(e.target.value)}>
            {(['demand', 'no_demand', 'unreachable'] as const).map((r) => (
              <option key={r} value={r}>
                {t(`desk.callback.${r}`)}
              </option>
            ))}
          </select>
        </label>
      )}
      {action === 'supervise' && (
        <label>
          {t('desk.form.level')}
          <select name="level" value={level} onChange={(e) => setLevel(Number(e.target.value))}>
            {[1, 2, 3].map((l) => (
              <option key={l} value={l} disabled={l < order.supervisionLevel}>
                {t(`desk.level.${l}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      )}
      {(action === 'merge_into' || action === 'link') && (
        <label>
          {t('desk.form.targetOrder')}
          <input name="target" value={target} onChange={(e) => setTarget(e.target.value)} required />
        </label>
      )}
      {text_ && (
        <label>
          {t(text_)}
          <textarea name="text" rows={3} maxLength={action === 'answer_on_spot' ? 5000 : 2000} value={text} onChange={(e) => setText(e.target.value)} />
        </label>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy} data-testid="desk-form-submit">
          {t('desk.form.submit')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('desk.form.cancel')}
        </button>
      </div>
    </form>
  );
}

/** An order's id from its number (as the desk's search finds it) or from a plain id. */
async function orderIdOf(value: string): Promise<number | null> {
  if (value === '') return null;
  const found = await searchOrders({ number: value }, null).catch(() => null);
  const hit = found?.items[0];
  if (hit) return hit.id;
  return /^\d{1,12}$/.test(value) ? Number(value) : null;
}
