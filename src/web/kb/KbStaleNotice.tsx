import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.js';
import { listStale, type KbStale } from './kb-api.js';
import { KB_PATH } from './KbPage.js';
import './kb.css';

/**
 * The unit portal's notice of its stale knowledge-base articles (时效性, issue 15 item 2): each
 * published article past its review-by date, longest overdue first, those past the grace period
 * (the centre is told too) marked; each opens on the /kb page for review. Nothing when none.
 */
export function KbStaleNotice() {
  const { t } = useI18n();
  const [items, setItems] = useState<KbStale[]>([]);
  useEffect(() => {
    let live = true;
    listStale().then(
      (got) => live && setItems(got),
      () => live && setItems([]),
    );
    return () => {
      live = false;
    };
  }, []);
  if (items.length === 0) return null;
  return (
    <section className="card kb-stale" data-testid="kb-stale">
      <strong>{t('kb.stale.title')}</strong>
      <ul>
        {items.map((a) => (
          <li key={a.id} data-testid="kb-stale-item" data-staleness={a.staleness}>
            <a href={`${KB_PATH}?article=${a.id}`}>{a.title}</a> <span className="muted">{t('kb.stale.reviewBy').replace('{date}', a.reviewBy)}</span>
            {a.staleness === 'stale_overdue' && <span className="tag kb-stale-overdue"> {t('kb.stale.overdue')}</span>}
            {a.hasDraft && <span className="muted"> · {t('kb.stale.draft')}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
