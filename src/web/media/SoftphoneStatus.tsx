/** The softphone's state for the agent (mic / connection), with a clear hint on failures; plays the caller's audio. */
import type { RefObject } from 'react';
import { useI18n } from '../i18n.js';
import './softphone.css';
import type { SoftphoneStatus as Status } from './softphone-session.js';

export function SoftphoneStatus({ status, audioRef }: { status: Status; audioRef: RefObject<HTMLAudioElement> }) {
  const { t } = useI18n();
  const label = status.state === 'ready' && status.inCall ? t('media.inCall') : t(`media.${status.state}`);
  const hint = status.state === 'failed' ? t('media.failedHint') : status.state === 'mic_denied' ? t('media.micHint') : null;
  const tone = status.state === 'ready' ? 'ok' : status.state === 'connecting' ? 'wait' : 'bad';
  return (
    <div className={`softphone softphone-${tone}`} data-testid="softphone" data-state={status.state} data-in-call={status.inCall ? 'yes' : 'no'}>
      <span className="softphone-label">{t('media.label')}</span>
      <span className="softphone-state" role="status">
        {label}
      </span>
      {hint && (
        <span className="softphone-hint" role="alert" title={status.detail}>
          {hint}
        </span>
      )}
      <audio ref={audioRef} autoPlay hidden />
    </div>
  );
}
