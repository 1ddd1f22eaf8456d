import { useState } from 'react';
import { orderAction } from '../api.js';
import { useI18n } from '../i18n.js';
import { failureLine } from '../refusal-words.js';
import './outbound.css';

const RESULTS = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const;

interface Props {
  orderId: number;
  orderNumber: string;
  /** The evaluation was recorded (the worklist reloads: the order leaves it). */
  onDone: () => void;
}

/**
 * The citizen's evaluation taken on a callback (回访): 满意 / 基本满意 / 不满意 and a note, recorded
 * as the lifecycle's `evaluate` with channel `callback` (docs/workorder-lifecycle.md); an
 * unsatisfied evaluation of a dispatched order opens supervision on the server.
 */
export function CallbackEvaluation({ orderId, orderNumber, onDone }: Props) {
  const { t } = useI18n();
  const [result, setResult] = useState<(typeof RESULTS)[number] | null>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = () => {
    if (!result) return;
    setBusy(true);
    const note = comment.trim();
    orderAction(orderId, { type: 'evaluate', result, channel: 'callback', ...(note ? { comment: note } : {}) })
      .then(() => {
        setError(null);
        onDone();
      })
      .catch((err: unknown) => setError(failureLine(t, 'desk', t('commandFailed'), err)))
      .finally(() => setBusy(false));
  };
  return (
    <form
      className="callback-evaluation"
      data-testid="callback-evaluation"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h3>
        {t('outbound.evaluation.title')} · {orderNumber}
      </h3>
      <fieldset>
        {RESULTS.map((r) => (
          <label key={r}>
            <input type="radio" name="result" value={r} data-testid={`evaluation-${r}`} checked={result === r} onChange={() => setResult(r)} />
            {t(`desk.result.${r}`)}
          </label>
        ))}
      </fieldset>
      <label>
        {t('outbound.evaluation.comment')}
        <textarea name="comment" data-testid="evaluation-comment" maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} />
      </label>
      {error && (
        <p className="error" role="alert">
          {t('outbound.evaluation.failed')}: {error}
        </p>
      )}
      <button type="submit" className="primary" data-testid="btn-evaluation-submit" disabled={!result || busy}>
        {t('outbound.evaluation.submit')}
      </button>
    </form>
  );
}
