import { useEffect, useState } from 'react';
import { dateTime, duration } from '../format.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { callRecordings, myRecordings, orderRecordings, recordingUrl, type Recording } from '../recordings-api.js';

const STATE_KEYS: Record<Recording['state'], MessageKey> = {
  recording: 'desk.recording.state.recording',
  stored: 'desk.recording.state.stored',
  failed: 'desk.recording.state.failed',
  purged: 'desk.recording.state.purged',
};

/**
 * An order's (or one call's) recordings with a player each (issue 13): the browser streams them with range
 * requests, so seeking works; hold marks listed under the player. Nothing is fetched before
 * play (preload none): each request is a playback in the audit log.
 */
/** Whose recordings: an order's, one call's, or (`mine`) the signed-in agent's latest. */
type Source =
  | { orderId: number; callId?: undefined; mine?: undefined }
  | { orderId?: undefined; callId: string; mine?: undefined }
  | { orderId?: undefined; callId?: undefined; mine: true };

export function RecordingList({ orderId, callId, mine }: Source) {
  const { t, lang } = useI18n();
  const [items, setItems] = useState<Recording[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    (orderId !== undefined ? orderRecordings(orderId) : callId !== undefined ? callRecordings(callId) : myRecordings())
      .then((r) => live && setItems(r))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [orderId, callId, mine]);
  if (failed) return <p className="muted desk-small">{t('desk.recording.loadFailed')}</p>;
  if (items === null) return null;
  if (items.length === 0) return <p className="muted desk-small">{t('desk.recording.none')}</p>;
  return (
    <ul className="desk-recordings" data-testid="desk-order-recordings">
      {items.map((r) => (
        <li key={r.id} data-recording={r.id}>
          <span className="desk-small">
            {t('desk.recording.title')} · {dateTime(r.startedAt, lang)}
            {r.durationMs !== null && <> · {duration(r.durationMs)}</>} · {t(STATE_KEYS[r.state])}
          </span>
          {r.state === 'stored' && (
            <>
              <audio controls preload="none" src={recordingUrl(r.id)} aria-label={t('desk.recording.play')} />
              <a className="desk-small" href={recordingUrl(r.id, true)} download>
                {t('desk.recording.download')}
              </a>
              <span className="muted desk-small"> · {t('desk.recording.channels')}</span>
              {r.holds.length > 0 && (
                <span className="muted desk-small">
                  {' '}
                  · {t('desk.recording.holds')}: {r.holds.map((h) => `${duration(h.fromMs)}–${duration(h.toMs)}`).join('、')}
                </span>
              )}
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
