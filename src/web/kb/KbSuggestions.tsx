import { useEffect, useState } from 'react';
import { HttpError } from '../api.js';
import { useI18n } from '../i18n.js';
import * as api from './kb-api.js';
import type { KbArticle, KbHit, Segment } from './kb-api.js';
import './kb.css';

function Marked({ segments }: { segments: Segment[] }) {
  return <>{segments.map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}</>;
}

/**
 * The agent console's knowledge panel: as soon as the screen-pop arrives, the articles most used on
 * the dialled hotline; refined as the agent types; an article opens in place, and once the call is
 * answered "answered with this article" links its version to the call's order (当场答复).
 */
export function KbSuggestions({ hotline, orderId, canAnswer }: { hotline: string; orderId: number; canAnswer: boolean }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<KbHit[]>([]);
  const [open, setOpen] = useState<KbArticle | null>(null);
  const [linked, setLinked] = useState<string | null>(null);
  useEffect(() => {
    // Typing refines after a short pause; the first (empty) query runs at once.
    const timer = setTimeout(
      () =>
        api.searchKb({ q, hotline, live: true }).then(
          (h) => setHits(h.slice(0, 5)),
          () => setHits([]),
        ),
      q ? 300 : 0,
    );
    return () => clearTimeout(timer);
  }, [q, hotline]);
  const answer = (versionId: number) =>
    api.answerWith(orderId, versionId).then(
      () => setLinked(t('kb.answered')),
      (err: unknown) => setLinked(`${t('kb.failed')}: ${err instanceof HttpError ? err.code : String(err)}`),
    );
  const v = open?.published;
  return (
    <section className="card kb-suggestions" data-testid="kb-suggestions">
      <h3>{t('kb.suggestions')}</h3>
      <input data-testid="kb-suggest-q" value={q} maxLength={200} placeholder={t('kb.searchPlaceholder')} onChange={(e) => setQ(e.target.value)} />
      {v ? (
        <article data-testid="kb-suggest-article">
          <h4>{v.title}</h4>
          <pre className="kb-body-text">{v.body}</pre>
          {canAnswer && (
            <button type="button" data-testid="kb-answer-with" onClick={() => void answer(v.id)}>
              {t('kb.answerWith')}
            </button>
          )}
          {linked && <span data-testid="kb-answer-status"> {linked}</span>}
          <button type="button" className="link" onClick={() => setOpen(null)}>
            {t('kb.close')}
          </button>
        </article>
      ) : (
        <ul>
          {hits.map((h) => (
            <li key={h.articleId} data-testid="kb-suggestion" onClick={() => void api.getArticle(h.articleId).then(setOpen, () => setOpen(null))}>
              <Marked segments={h.title} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
