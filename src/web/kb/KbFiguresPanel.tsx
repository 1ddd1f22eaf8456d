import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.js';
import { kbFigures, type KbFigures } from './kb-api.js';

const pct = (r: number) => `${(r * 100).toFixed(1)}%`;

/** The last 7 days' figures for shift leads, dispatchers and administrators (the server refuses others: nothing shown). */
export function KbFiguresPanel() {
  const { t } = useI18n();
  const [f, setF] = useState<KbFigures | null>(null);
  useEffect(() => {
    kbFigures().then(setF, () => setF(null));
  }, []);
  if (!f) return null;
  return (
    <section className="kb-figures" data-testid="kb-figures">
      <h2>
        {t('kb.figures')} {f.from} – {f.to}
      </h2>
      <p data-testid="kb-onspot-rate">
        {t('kb.onSpotRate')}: {pct(f.onSpot.rate)} ({f.onSpot.onSpot}/{f.onSpot.orders}) · {t('kb.withArticle')} {f.onSpot.withArticle}
      </p>
      <ul>
        {f.onSpot.byHotline.map((h) => (
          <li key={h.hotline}>
            {h.hotline}: {pct(h.rate)} ({h.onSpot}/{h.orders})
          </li>
        ))}
        {f.onSpot.byType.map((h) => (
          <li key={h.type}>
            {t(`kb.type.${h.type}`)}: {pct(h.rate)} ({h.orders})
          </li>
        ))}
      </ul>
      <h3>{t('kb.mostUsed')}</h3>
      <ol data-testid="kb-most-used">
        {f.mostUsed.map((m) => (
          <li key={m.articleId}>
            {m.title} ({m.uses})
          </li>
        ))}
      </ol>
      <h3>{t('kb.missed')}</h3>
      <ul data-testid="kb-missed">
        {f.missedSearches.map((m) => (
          <li key={m.query}>
            {m.query} ×{m.times}
          </li>
        ))}
      </ul>
      <h3>{t('kb.staleByUnit')}</h3>
      <ul data-testid="kb-stale-units">
        {f.staleByUnit.map((s) => (
          <li key={s.unitId}>
            {s.unitId}: {s.stale} ({t('kb.stale_overdue')} {s.overdue})
          </li>
        ))}
      </ul>
    </section>
  );
}
