/**
 * The quality inspection page (质检, /qa; issue 13 item 4) for QA inspectors and shift leads
 * (administrators read only): the worklist of sampled calls, the chosen call's order summary and
 * recording player, the scoring form of config/qa.yaml, submit (or change) the score.
 */
import { useCallback, useEffect, useState } from 'react';
import { HttpError, type User } from '../api.js';
import { PageHeader } from '../components/PageHeader.js';
import { RecordingList } from '../components/RecordingList.js';
import { dateTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { refusalWords } from '../refusal-words.js';
import { draftTotal, qaCall, qaForm, qaWorklist, submitQaScore, type QaCallView, type QaForm, type QaWorklistItem } from './qa-api.js';
import { KB_PATH } from '../kb/KbPage.js';
import { KbAnswers } from '../kb/KbAnswers.js';
import { QaWeekPanel } from './QaWeekPanel.js';
import './qa.css';

export function QaPage({ user, onSignedOut }: { user: User; onSignedOut: () => void }) {
  const { t, lang } = useI18n();
  const [form, setForm] = useState<QaForm | null>(null);
  const [list, setList] = useState<QaWorklistItem[] | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [saves, setSaves] = useState(0);
  const canScore = user.role === 'qa' || user.role === 'shift_lead';

  const reload = useCallback(() => {
    qaWorklist().then(setList, () => setMessage({ ok: false, text: t('qa.failed') }));
  }, [t]);
  useEffect(() => {
    qaForm().then(setForm, () => setMessage({ ok: false, text: t('qa.failed') }));
    reload();
  }, [reload, t]);

  return (
    <div className="qa-page">
      <PageHeader title={t('qa.title')} backLabel={t('qa.back')} user={user} onSignedOut={onSignedOut} />
      {/* The knowledge base, read only for QA: the policy an answer is checked against. */}
      <nav className="qa-links">
        <a href={KB_PATH} target="_blank" rel="noreferrer" data-testid="qa-kb-link">
          {t('qa.kb')}
        </a>
      </nav>
      {message && (
        <div className={`banner ${message.ok ? 'banner-ok' : 'banner-error'}`} role="status" data-testid="qa-message">
          {message.text}
        </div>
      )}
      <main className="qa-layout">
        <section className="card">
          <h2>{t('qa.worklist')}</h2>
          {list && list.length === 0 && <p className="muted">{t('qa.worklist.empty')}</p>}
          {list && list.length > 0 && (
            <table className="qa-table" data-testid="qa-worklist">
              <thead>
                <tr>
                  <th>{t('qa.col.time')}</th>
                  <th>{t('qa.col.agent')}</th>
                  <th>{t('qa.col.hotline')}</th>
                  <th>{t('qa.col.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((c) => (
                  <tr key={c.callId} data-testid="qa-worklist-row" data-call={c.callId} className={c.callId === picked ? 'qa-picked' : ''}>
                    <td>
                      <button type="button" className="link" onClick={() => setPicked(c.callId)}>
                        {dateTime(c.enteredAt, lang)}
                      </button>
                    </td>
                    <td>{c.agentName ?? c.agentId}</td>
                    <td>{c.hotline}</td>
                    <td>{t(`qa.reason.${c.reason}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="card">
          {picked && form ? (
            <ScoreCall
              key={picked}
              callId={picked}
              form={form}
              canScore={canScore}
              onSaved={(total) => {
                setMessage({ ok: true, text: `${t('qa.saved')} · ${t('qa.total')} ${total}` });
                reload();
                setSaves((n) => n + 1);
              }}
              onError={(code) =>
                setMessage({
                  ok: false,
                  text: refusalWords(t, 'qa', code) ?? `${t('qa.failed')}: ${code}`,
                })
              }
            />
          ) : (
            <p className="muted">{t('qa.pick')}</p>
          )}
        </section>
      </main>
      <QaWeekPanel version={saves} />
    </div>
  );
}

function ScoreCall(p: { callId: string; form: QaForm; canScore: boolean; onSaved: (total: number) => void; onError: (code: string) => void }) {
  const { t, lang } = useI18n();
  const [view, setView] = useState<QaCallView | null>(null);
  const [points, setPoints] = useState<Record<string, number>>({});
  const [fatal, setFatal] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const { callId, onError } = p;
  const load = useCallback(() => {
    qaCall(callId).then(
      (v) => {
        setView(v);
        const cur = v.scores.at(-1);
        if (cur) {
          setPoints(cur.points);
          setFatal(cur.fatalErrors);
          setComment(cur.comment);
        }
      },
      (err: unknown) => onError(err instanceof HttpError ? err.code : 'HTTP_ERROR'),
    );
  }, [callId, onError]);
  useEffect(load, [load]);
  if (!view) return null;
  const current = view.scores.at(-1);
  const label = (l: { zh: string; en: string }) => (lang === 'en' ? l.en : l.zh);
  const submit = () => {
    submitQaScore(callId, { points, fatalErrors: fatal, comment, formVersion: p.form.version }, current?.revision).then(
      (s) => {
        p.onSaved(s.total);
        load();
      },
      (err: unknown) => onError(err instanceof HttpError ? err.code : 'HTTP_ERROR'),
    );
  };
  return (
    <div data-testid="qa-call" data-call={callId}>
      <h2>
        {t('qa.call')} · {view.call.agentName ?? view.call.agentId} · {dateTime(view.call.enteredAt, lang)}
      </h2>
      <h3>{t('qa.order')}</h3>
      {view.order ? (
        <div className="qa-order" data-testid="qa-order">
          <div>
            {view.order.number} · {view.order.category ?? ''} · {view.order.status}
          </div>
          {view.order.subject && <div>{view.order.subject}</div>}
          {view.order.content && <p className="muted">{view.order.content}</p>}
          <KbAnswers orderId={view.order.id} />
        </div>
      ) : (
        <p className="muted">{t('qa.order.none')}</p>
      )}
      <RecordingList callId={callId} />
      <h3>{t('qa.form')}</h3>
      {p.form.items.length === 0 ? (
        <p className="muted">{t('qa.form.empty')}</p>
      ) : (
        <table className="qa-table qa-form" data-testid="qa-form">
          <tbody>
            {p.form.items.map((item) => (
              <tr key={item.id}>
                <td>{label(item.label)}</td>
                <td>
                  {item.maxPoints > 0 && (
                    <label>
                      <input
                        type="number"
                        min={0}
                        max={item.maxPoints}
                        step={1}
                        data-testid={`qa-points-${item.id}`}
                        aria-label={`${label(item.label)} ${t('qa.points')}`}
                        value={points[item.id] ?? ''}
                        onChange={(e) => setPoints({ ...points, [item.id]: e.target.value === '' ? Number.NaN : Number(e.target.value) })}
                      />{' '}
                      / {item.maxPoints}
                    </label>
                  )}
                  {item.fatal && (
                    <label className="qa-fatal">
                      <input
                        type="checkbox"
                        data-testid={`qa-fatal-${item.id}`}
                        checked={fatal.includes(item.id)}
                        onChange={(e) => setFatal(e.target.checked ? [...fatal, item.id] : fatal.filter((f) => f !== item.id))}
                      />{' '}
                      {t('qa.fatal.committed')}
                    </label>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <label className="qa-comment">
        {t('qa.comment')}
        <textarea data-testid="qa-comment" maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} />
      </label>
      <p>
        {t('qa.total')}: <strong data-testid="qa-total">{draftTotal(points, fatal)}</strong> / {p.form.max}
      </p>
      {p.canScore ? (
        <button type="button" className="primary" data-testid="qa-submit" disabled={p.form.items.length === 0} onClick={submit}>
          {current ? t('qa.resubmit') : t('qa.submit')}
        </button>
      ) : (
        <p className="muted">{t('qa.readOnly')}</p>
      )}
      {view.scores.length > 0 && (
        <>
          <h3>{t('qa.history')}</h3>
          <ul data-testid="qa-history">
            {view.scores.map((s) => (
              <li key={s.id}>
                {t('qa.revision').replace('{n}', String(s.revision))} · {dateTime(s.createdAt, lang)} · {t('qa.total')} {s.total}
                {s.fatal && <> · {t('qa.mine.fatalBadge')}</>}
                {s.comment && <> · {s.comment}</>}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
