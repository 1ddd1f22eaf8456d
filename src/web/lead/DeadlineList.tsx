import type { DeadlineWarning } from '../../contract/index.js';
import { dateTime } from '../format.js';
import { useI18n } from '../i18n.js';

/** Today's deadline warnings (those raised before the page opened, then live ones), newest first. */
export function DeadlineList({ warnings }: { warnings: DeadlineWarning[] }) {
  const { t, lang } = useI18n();
  return (
    <section className="card lead-deadlines">
      <h2>
        {t('lead.deadlines')} <span className="lead-count">{warnings.length}</span>
      </h2>
      {warnings.length === 0 ? (
        <p className="muted">{t('lead.deadlines.empty')}</p>
      ) : (
        <ul data-testid="deadline-list">
          {warnings.map((w) => (
            <li
              key={`${w.orderId}-${w.kind}-${w.deadlineAt}`}
              className={`lead-deadline ${w.kind.endsWith('overdue') ? 'overdue' : 'soon'}`}
              data-testid="deadline"
            >
              <span className="lead-deadline-kind">{t(`lead.deadline.${w.kind}`)}</span> <strong>{w.number}</strong>
              <span className="muted">
                {' '}
                · {t('lead.deadline.at')} {dateTime(w.deadlineAt, lang)}
                {w.leadUnitId && ` · ${t('lead.deadline.unit')} ${w.leadUnitId}`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
