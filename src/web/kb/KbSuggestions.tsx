import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.js';
import { failureLine } from '../refusal-words.js';
import * as api from './kb-api.js';
import type { KbArticle, KbHit, Segment } from './kb-api.js';
import { KbBody } from './KbBody.js';
import { KbFiles } from './KbFiles.js';
import { suggestionQuery, type SuggestSource } from './suggest-context.js';
import './kb.css';

function Marked({ segments }: { segments: Segment[] }) {
  return <>{segments.map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}</>;
}

/**
 * The agent console's knowledge panel: as soon as the screen-pop arrives, articles for the caller's
 * open orders (their subjects), else the most used on the dialled hotline; as the agent writes the
 * order's subject and content, articles for them (debounced); the panel's own box overrides both.
 * An article opens in place, and once the call is answered "answered with this article" links its
 * version to the call's order (当场答复).
 */
export function KbSuggestions({
  hotline,
  orderId,
  canAnswer,
  openOrders = [],
  orderText = { subject: '', content: '' },
}: {
  hotline: string;
  orderId: number;
  canAnswer: boolean;
  /** The caller's open orders from the screen-pop. */
  openOrders?: ReadonlyArray<{ subject: string | null }>;
  /** What the agent is writing in the order form. */
  orderText?: { subject: string; content: string };
}) {
  const { t } = useI18n();
  const [typed, setTyped] = useState('');
  const [hits, setHits] = useState<KbHit[]>([]);
  const [shown, setShown] = useState<{ source: SuggestSource; complete: boolean }>({ source: 'hotline', complete: true });
  const [open, setOpen] = useState<KbArticle | null>(null);
  const [linked, setLinked] = useState<string | null>(null);
  const { q, source } = suggestionQuery({ typed, subject: orderText.subject, content: orderText.content, openOrders });
  useEffect(() => {
    let live = true;
    // Typing (in the box or the order form) refines after a short pause; the screen-pop's query runs at once.
    const timer = setTimeout(
      () =>
        void (async () => {
          let r = await api.searchKbFull({ q, hotline, live: true });
          let from = source;
          // Context that matches nothing: the hotline's most used rather than an empty panel.
          if (r.items.length === 0 && source !== 'typed' && q) [r, from] = [await api.searchKbFull({ q: '', hotline, live: true }), 'hotline'];
          if (live) {
            setHits(r.items.slice(0, 5));
            setShown({ source: from, complete: r.complete });
          }
        })().catch(() => live && setHits([])),
      source === 'typed' || source === 'form' ? 300 : 0,
    );
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, source, hotline]);
  const answer = (versionId: number) =>
    api.answerWith(orderId, versionId).then(
      () => setLinked(t('kb.answered')),
      (err: unknown) => setLinked(failureLine(t, 'kb', t('kb.failed'), err)),
    );
  const v = open?.published;
  return (
    <section className="card kb-suggestions" data-testid="kb-suggestions">
      <h3>{t('kb.suggestions')}</h3>
      <input data-testid="kb-suggest-q" value={typed} maxLength={200} placeholder={t('kb.searchPlaceholder')} onChange={(e) => setTyped(e.target.value)} />
      <p className="muted" data-testid="kb-suggest-source" data-source={shown.source}>
        {t(`kb.source.${shown.source}`)}
        {!shown.complete && <span data-testid="kb-suggest-loading"> · {t('kb.loading')}</span>}
      </p>
      {v ? (
        <article data-testid="kb-suggest-article">
          <h4>{v.title}</h4>
          <KbBody versionId={v.id} body={v.body} />
          <KbFiles key={v.id} versionId={v.id} />
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
