import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { User } from '../api.js';
import { useI18n } from '../i18n.js';
import { failureLine } from '../refusal-words.js';
import { PageHeader } from '../components/PageHeader.js';
import * as api from './kb-api.js';
import type { KbArticle, KbFacets, KbFields, KbHit, KbVersion, Segment } from './kb-api.js';
import { KbEditor, fieldsOf } from './KbEditor.js';
import { KbFiguresPanel } from './KbFiguresPanel.js';
import { KbBody } from './KbBody.js';
import { KbFiles } from './KbFiles.js';
import { KbFilters } from './KbFilters.js';
import { filtersFromUrl, filtersToUrl, searches, type KbFilterState } from './kb-filters.js';
import { KbImport } from './KbImport.js';
import { useLatestLoad } from '../use-latest-load.js';
import './kb.css';

/** The knowledge base for every staff role: search and read; a unit's handlers write; reviewers approve. */
export const KB_PATH = '/kb';

function Marked({ segments }: { segments: Segment[] }) {
  return <>{segments.map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}</>;
}

export function KbPage({ user, onSignedOut }: { user: User; onSignedOut: () => void }) {
  const { t } = useI18n();
  const editor = user.role === 'unit_handler' || user.role === 'admin';
  // The search and its filters, kept in the URL (kb-filters.ts).
  const [f, setF] = useState<KbFilterState>(() => filtersFromUrl(window.location.search));
  const [facets, setFacets] = useState<KbFacets>({ units: [], categories: [], areas: [] });
  const [hits, setHits] = useState<KbHit[] | null>(null);
  const [open, setOpen] = useState<KbArticle | null>(null);
  /** /kb?version=ID: one version as it was (the one an order was answered with), read only. */
  const [pinned, setPinned] = useState<KbVersion | 'missing' | null>(null);
  const [editing, setEditing] = useState<KbFields | null>(null);
  const [mine, setMine] = useState<KbArticle[]>([]);
  const [queue, setQueue] = useState<KbArticle[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  // The editors' list follows the filters (the owning unit only for administrators: a unit lists its own).
  const listFilter = {
    state: f.status || undefined,
    category: f.category || undefined,
    area: f.area || undefined,
    type: f.type || undefined,
    unitId: user.role === 'admin' ? f.unitId || undefined : undefined,
  };
  const listKey = JSON.stringify(listFilter);
  // Only the newest search, list load and opened article show their answers (use-latest-load.ts).
  const searchLoads = useLatestLoad();
  const listLoads = useLatestLoad();
  const openLoads = useLatestLoad();
  const reloadLists = useCallback(() => {
    const current = listLoads.begin();
    // Each list is the server's to refuse: a 403 simply leaves it empty (agents have neither).
    api.listArticles(JSON.parse(listKey) as api.KbListFilter).then(
      (got) => current() && setMine(got),
      () => current() && setMine([]),
    );
    api.listArticles({ state: 'in_review' }).then(
      (got) => current() && setQueue(got),
      () => current() && setQueue([]),
    );
  }, [listKey, listLoads]);
  useEffect(reloadLists, [reloadLists]);
  useEffect(() => void api.kbFacets().then(setFacets, () => undefined), []);

  const search = (next: KbFilterState) => {
    window.history.replaceState(null, '', `${KB_PATH}${filtersToUrl(next)}`);
    const { q, hotline, type, category, unitId, area } = next;
    const current = searchLoads.begin();
    api
      .searchKb({
        q,
        ...(hotline ? { hotline } : {}),
        ...(type ? { type } : {}),
        ...(category ? { category } : {}),
        ...(unitId ? { unitId } : {}),
        ...(area ? { area } : {}),
      })
      .then(
        (got) => current() && setHits(got),
        () => current() && setHits([]),
      );
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    search(f);
  };
  // A filter applies at once; the editors' state filters only their list.
  const filter = (next: KbFilterState) => {
    setF(next);
    if (next.status === f.status) search(next);
    else window.history.replaceState(null, '', `${KB_PATH}${filtersToUrl(next)}`);
  };
  const run = async (action: () => Promise<KbArticle | void>) => {
    setMessage(null);
    try {
      const a = await action();
      if (a) setOpen(a);
      setMessage({ ok: true, text: t('kb.done') });
    } catch (err) {
      setMessage({ ok: false, text: failureLine(t, 'kb', t('kb.failed'), err) });
    }
    reloadLists();
  };
  const openArticle = (id: number) => {
    setPinned(null);
    const current = openLoads.begin();
    void api.getArticle(id).then(
      (a) => current() && setOpen(a),
      () => current() && setOpen(null),
    );
  };
  // /kb?article=ID (the unit portal's stale articles) opens that article for review;
  // /kb?version=ID (an order's answered-with links) shows that version as the agent read it.
  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    // /kb?q=…&category=… (a reloaded or shared filtered search) runs it.
    if (searches(f)) search(f);
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
          <form className="kb-search" onSubmit={submit}>
            <input data-testid="kb-q" value={f.q} maxLength={200} placeholder={t('kb.searchPlaceholder')} onChange={(e) => setF({ ...f, q: e.target.value })} />
            <input
              data-testid="kb-hotline"
              value={f.hotline}
              maxLength={20}
              placeholder={t('kb.allHotlines')}
              onChange={(e) => setF({ ...f, hotline: e.target.value.replace(/\D/g, '') })}
            />
            <KbFilters value={f} facets={facets} editor={editor} onChange={filter} />
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
                  // Places an image at the end of the draft's body (the editor moves the line where it belongs).
                  onPlace={(ref) => {
                    const fields = fieldsOf(open, user.unitId ?? '');
                    void run(() => api.updateArticle(open.id, { ...fields, body: `${fields.body.trimEnd()}\n${ref}\n` }, open.draft?.id ?? null));
                  }}
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
function VersionView({
  v,
  flags,
  filesArticleId,
  onPlace,
}: {
  v: KbVersion;
  flags?: ReactNode;
  filesArticleId?: number | undefined;
  onPlace?: ((ref: string) => void) | undefined;
}) {
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
      <KbBody key={`body-${v.id}`} versionId={v.id} body={v.body} testId="kb-article-body" />
      {/* Images and files; the draft's editors add and remove them and place images in the body. */}
      <KbFiles key={v.id} versionId={v.id} articleId={filesArticleId} onPlace={onPlace} />
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
