/**
 * The agent's own quality scores and the scorers' comments (issue 13 item 4), each with a
 * player for that call's recording, and the agent's own calls' latest recordings (issue 13 item 2;
 * an agent hears only their own calls: src/recordings/playback.ts). Shown in the agent console;
 * nothing is fetched until opened.
 */
import { useEffect, useState } from 'react';
import { RecordingList } from '../components/RecordingList.js';
import { dateTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { myQaScores, qaForm, type QaForm, type QaScoreListItem } from './qa-api.js';
import './qa.css';

/** The agent's own calls' latest recordings, each with a player (fetched when opened). */
export function MyRecordings() {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <details className="qa-mine" data-testid="my-recordings" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t('qa.myRecordings')}</summary>
      {open && <RecordingList mine />}
    </details>
  );
}

export function MyQaScores() {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <details className="qa-mine" data-testid="qa-mine" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t('qa.mine')}</summary>
      {open && <MyScoresList />}
    </details>
  );
}

function MyScoresList() {
  const { t, lang } = useI18n();
  const [items, setItems] = useState<QaScoreListItem[] | null>(null);
  const [form, setForm] = useState<QaForm | null>(null);
  const [listening, setListening] = useState<string | null>(null);
  useEffect(() => {
    myQaScores().then(setItems, () => setItems([]));
    qaForm().then(setForm, () => setForm(null));
  }, []);
  if (items === null) return null;
  if (items.length === 0) return <p className="muted">{t('qa.mine.empty')}</p>;
  const labelOf = (id: string) => {
    const item = form?.items.find((i) => i.id === id);
    return item ? (lang === 'en' ? item.label.en : item.label.zh) : id;
  };
  return (
    <ul className="qa-mine-list">
      {items.map((s) => (
        <li key={s.id} data-testid="qa-mine-item" data-call={s.callId}>
          <div>
            {dateTime(s.enteredAt, lang)} · {t('qa.total')} <strong>{s.total}</strong>
            {s.fatal && <span className="qa-badge"> {t('qa.mine.fatalBadge')}</span>}
          </div>
          {s.comment && <div className="qa-comment-text">{s.comment}</div>}
          <div className="muted">
            {Object.entries(s.points)
              .map(([id, p]) => `${labelOf(id)} ${p}`)
              .join(' · ')}
          </div>
          {listening === s.callId ? (
            <RecordingList callId={s.callId} />
          ) : (
            <button type="button" className="link" onClick={() => setListening(s.callId)}>
              {t('qa.mine.listen')}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
