import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { HttpError, type User } from '../api.js';
import { useI18n } from '../i18n.js';
import { PageHeader } from '../components/PageHeader.js';
import * as api from './kb-api.js';
import { KB_TYPES, type KbArticle, type KbFields, type KbHit, type KbType, type KbVersion, type Segment } from './kb-api.js';
import { KbEditor, fieldsOf } from './KbEditor.js';
import { KbFiguresPanel } from './KbFiguresPanel.js';
import { KbFiles } from './KbFiles.js';
import { KbImport } from './KbImport.js';
import './kb.css';

/** The knowledge base for every staff role: search and read; a unit's handlers write; reviewers approve. */
export const KB_PATH = '/kb';

function Marked({ segments }: { segments: Segment[] }) {
  return <>{segments.map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}</>;
}

export function KbPage({ user, onSignedOut }: { user: User; onSignedOut: () => void }) {
  const { t } = useI18n();
  const editor = user.role === 'unit_handler' || user.role === 'admin';
  const [q, setQ] = useState('');
  const [hotline, setHotline] = useState('');
  const [type, setType] = useState<KbType | ''>('');
  const [hits, setHits] = useState<KbHit[] | null>(null);
  const [open, setOpen] = useState<KbArticle | null>(null);
  /** /kb?version=ID: one version as it was (the one an order was answered with), read only. */
  const [pinned, setPinned] = useState<KbVersion | 'missing' | null>(null);
  const [editing, setEditing] = useState<KbFields | null>(null);
  const [mine, setMine] = useState<KbArticle[]>([]);
  const [queue, setQueue] = useState<KbArticle[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const reloadLists = useCallback(() => {
    // Each list is the server's to refuse: a 403 simply leaves it empty (agents have neither).
    api.listArticles().then(setMine, () => setMine([]));
    api.listArticles('in_review').then(setQueue, () => setQueue([]));
  }, []);
  useEffect(reloadLists, [reloadLists]);

  const search = (e?: FormEvent) => {
    e?.preventDefault();
    api.searchKb({ q, ...(hotline ? { hotline } : {}), ...(type ? { type } : {}) }).then(setHits, () => setHits([]));
  };
  const run = async (action: () => Promise<KbArticle | void>) => {
    setMessage(null);
    try {
      const a = await action();
      if (a) setOpen(a);
      setMessage({ ok: true, text: t('kb.done') });
    } catch (err) {
      setMessage({ ok: false, text: `${t('kb.failed')}: ${err instanceof HttpError ? err.code : String(err)}` });
    }
    reloadLists();
  };
  const openArticle = (id: number) => {
    setPinned(null);
    void api.getArticle(id).then(setOpen, () => setOpen(null));
  };
  // /kb?article=ID (the unit portal's stale articles) opens that article for review;
  // /kb?version=ID (an order's answered-with links) shows that version as the agent read it.
  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    const id = Number(params.get('article'));
    if (Number.isInteger(id) && id > 0) openArticle(id);
    const versionId = Number(params.get('version'));
    if (params.has('version'))
      void (Number.isInteger(versionId) && versionId > 0 ? api.getVersion(versionId) : Promise.reject(new Error('bad id'))).then(setPinned, () =>
        setPinned('missing'),
      );
  }, []);
  const save = (f: KbFields) =>
    run(async () => {
      const a = open ? await api.updateArticle(open.id, f, open.draft?.id ?? null) : await api.createArticle(f);
      setEditing(null);
      return a;
    });
  const shown = open?.draft ?? open?.published ?? null;

  return (
    <div className="console kb" data-testid="kb-page">
      <PageHeader title={t('kb.title')} backLabel={t('kb.back')} user={user} onSignedOut={onSignedOut} />
      {message && (
        <div className={`banner ${message.ok ? 'banner-ok' : 'banner-error'}`} role="status" data-testid="kb-message">
          {message.text}
        </div>
      )}
      <div className="kb-columns">
        <section className="kb-left">
          <form className="kb-search" onSubmit={search}>
            <input data-testid="kb-q" value={q} maxLength={200} placeholder={t('kb.searchPlaceholder')} onChange={(e) => setQ(e.target.value)} />
            <input
              data-testid="kb-hotline"
              value={hotline}
              maxLength={20}
              placeholder={t('kb.allHotlines')}
              onChange={(e) => setHotline(e.target.value.replace(/\D/g, ''))}
            />
            <select data-testid="kb-type" value={type} onChange={(e) => setType(e.target.value as KbType | '')}>
              <option value="">{t('kb.allTypes')}</option>
              {KB_TYPES.map((ty) => (
                <option key={ty} value={ty}>
                  {t(`kb.type.${ty}`)}
                </option>
              ))}
            </select>
            <button type="submit" data-testid="kb-search">
              {t('kb.search')}
            </button>
          </form>
          {hits && hits.length === 0 && <p data-testid="kb-no-result">{t('kb.noResult')}</p>}
          <ul className="kb-hits" data-testid="kb-hits">
            {hits?.map((h) => (
              <li key={h.articleId} data-testid="kb-hit" onClick={() => openArticle(h.articleId)}>
                <div className="kb-hit-title">
                  <Marked segments={h.title} />
                </div>
                <div className="kb-hit-meta">
                  {t(`kb.type.${h.type}`)} · {t('kb.uses')} {h.uses}
                </div>
                <div className="kb-hit-snippet">
                  <Marked segments={h.snippet} />
                </div>
              </li>
            ))}
          </ul>
          {queue.length > 0 && <ArticleList title={t('kb.reviewQueue')} items={queue} testId="kb-queue" onOpen={openArticle} />}
          <KbFiguresPanel />
          {editor && (
            <>
              <button
                type="button"
                data-testid="kb-new"
                onClick={() => {
                  setOpen(null);
                  setEditing(fieldsOf(null, user.unitId ?? ''));
                }}
              >
                {t('kb.new')}
              </button>
              <ArticleList title={t('kb.mine')} items={mine} testId="kb-mine" onOpen={openArticle} />
              <KbImport onImported={reloadLists} />
            </>
          )}
        </section>
        <section className="kb-right">
          {editing ? (
            <KbEditor key={open?.id ?? 'new'} initial={editing} onSave={save} onCancel={() => setEditing(null)} />
          ) : (
            open &&
            shown && (
              <article data-testid="kb-article">
                <VersionView
                  v={shown}
                  flags={
                    <>
                      {open.staleness !== 'fresh' && <span className="kb-flag"> · {t(`kb.${open.staleness}`)}</span>}
                      {open.withdrawn && <span className="kb-flag"> · {t('kb.withdrawn')}</span>}
                    </>
                  }
                  filesArticleId={editor && shown.id === open.draft?.id && (shown.state === 'draft' || shown.state === 'rejected') ? open.id : undefined}
                />
                <div className="kb-actions">
                  {editor && shown.state !== 'in_review' && (
                    <button type="button" data-testid="kb-edit" onClick={() => setEditing(fieldsOf(open, user.unitId ?? ''))}>
                      {t('kb.edit')}
                    </button>
                  )}
                  {editor && (shown.state === 'draft' || shown.state === 'rejected') && (
                    <button type="button" data-testid="kb-submit" onClick={() => void run(() => api.submitArticle(open.id))}>
                      {t('kb.submit')}
                    </button>
                  )}
                  {shown.state === 'in_review' && (
                    <>
                      <button type="button" data-testid="kb-approve" onClick={() => void run(() => api.approveArticle(open.id))}>
                        {t('kb.approve')}
                      </button>
                      <button
                        type="button"
                        data-testid="kb-reject"
                        onClick={() => {
                          const note = window.prompt(t('kb.rejectNote'));
                          if (note) void run(() => api.rejectArticle(open.id, note));
                        }}
                      >
                        {t('kb.reject')}
                      </button>
                    </>
                  )}
                </div>
              </article>
            )
          )}
          {!editing && !open && pinned === 'missing' && <p data-testid="kb-version-missing">{t('kb.pinned.missing')}</p>}
          {!editing && !open && pinned && pinned !== 'missing' && (
            <article data-testid="kb-version" data-version={pinned.id}>
              <p className="kb-hit-meta" data-testid="kb-version-note">
                {t('kb.pinned.note')}
              </p>
              <VersionView v={pinned} />
              <div className="kb-actions">
                <button type="button" data-testid="kb-version-current" onClick={() => openArticle(pinned.articleId)}>
                  {t('kb.pinned.current')}
                </button>
              </div>
            </article>
          )}
        </section>
      </div>
    </div>
  );
}

/** One version's text: title, type and state, dates, the body as written, its files, keywords. */
function VersionView({ v, flags, filesArticleId }: { v: KbVersion; flags?: ReactNode; filesArticleId?: number | undefined }) {
  const { t } = useI18n();
  return (
    <>
      <h2 data-testid="kb-article-title">{v.title}</h2>
      <div className="kb-hit-meta">
        {t(`kb.type.${v.type}`)} · {t('kb.version')} {v.versionNo} · <span data-testid="kb-article-state">{t(`kb.state.${v.state}`)}</span>
        {flags}
      </div>
      <div className="kb-hit-meta">
        {v.effectiveFrom && `${t('kb.effective')} ${v.effectiveFrom} `}
        {v.expiresOn && `${t('kb.expires')} ${v.expiresOn} `}
        {v.reviewBy && `${t('kb.reviewBy')} ${v.reviewBy}`}
      </div>
      {/* Markdown shown as written: no HTML from an article reaches the page. */}
      <pre className="kb-body-text" data-testid="kb-article-body">
        {v.body}
      </pre>
      {/* Images in place and files to download; the draft's editors add and remove them. */}
      <KbFiles key={v.id} versionId={v.id} articleId={filesArticleId} />
      <div className="kb-hit-meta">
        {t('kb.keywords')}: {v.keywords.join('、')} · {t('kb.hotlines')}: {v.hotlines.join('、')}
      </div>
    </>
  );
}

function ArticleList({ title, items, testId, onOpen }: { title: string; items: KbArticle[]; testId: string; onOpen: (id: number) => void }) {
  const { t } = useI18n();
  return (
    <div className="kb-list" data-testid={testId}>
      <h2>{title}</h2>
      <ul>
        {items.map((a) => {
          const v = a.draft ?? a.published;
          return (
            <li key={a.id} onClick={() => onOpen(a.id)}>
              {v?.title} <span className="kb-hit-meta">{v && t(`kb.state.${v.state}`)}</span>
              {/* 时效性: past the review-by date, flagged to the unit (and overdue for the centre). */}
              {a.staleness !== 'fresh' && (
                <span className="kb-flag" data-testid="kb-stale">
                  {' '}
                  · {t(`kb.${a.staleness}`)}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
