import { useEffect, useState } from 'react';
import { dateTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { answersOf, versionHref, type KbAnswer } from './kb-api.js';

/**
 * The knowledge-base article versions an order was answered with (当场答复, issue 15), each a
 * link to that version as the agent read it (/kb?version=ID, in a new tab). Shown wherever staff
 * read an order; the server answers in the order's own scope (nothing is shown when it refuses).
 */
export function KbAnswers({ orderId, refresh }: { orderId: number; refresh?: number | undefined }) {
  const { t, lang } = useI18n();
  const [items, setItems] = useState<KbAnswer[]>([]);
  useEffect(() => {
    let current = true;
    answersOf(orderId).then(
      (list) => current && setItems(list),
      () => current && setItems([]),
    );
    return () => {
      current = false;
    };
  }, [orderId, refresh]);

  if (items.length === 0) return null;
  return (
    <div className="kb-answers" data-testid="kb-answers">
      <h3>{t('kb.answers.title')}</h3>
      <ul>
        {items.map((a) => (
          <li key={`${a.versionId}-${a.at}`}>
            <a href={versionHref(a.versionId)} target="_blank" rel="noreferrer" data-testid="kb-answer-link" data-version={a.versionId}>
              {a.title}
            </a>{' '}
            <span className="muted">
              · {t('kb.version')} {a.versionNo} · {a.hotline} · {dateTime(a.at, lang)}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
