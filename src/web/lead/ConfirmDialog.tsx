import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n.js';

export interface Confirmation {
  message: string;
  run: () => void;
}

/** A modal question before a destructive action (log out an agent, move a caller). */
export function ConfirmDialog({ ask, onClose }: { ask: Confirmation | null; onClose: () => void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (ask && !d.open) d.showModal();
    if (!ask && d.open) d.close();
  }, [ask]);
  return (
    <dialog ref={ref} className="lead-confirm" data-testid="confirm" onCancel={onClose}>
      <h2>{t('lead.confirm.title')}</h2>
      <p data-testid="confirm-message">{ask?.message}</p>
      <div className="actions">
        <button
          type="button"
          className="primary"
          data-testid="confirm-ok"
          onClick={() => {
            ask?.run();
            onClose();
          }}
        >
          {t('lead.confirm.ok')}
        </button>
        <button type="button" data-testid="confirm-cancel" onClick={onClose}>
          {t('lead.confirm.cancel')}
        </button>
      </div>
    </dialog>
  );
}
