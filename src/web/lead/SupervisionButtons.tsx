import type { AgentView, SupervisionMode, SupervisionView } from '../../contract/index.js';
import { SUPERVISION_MODES } from '../../contract/console-vocabulary.js';
import { useI18n } from '../i18n.js';

interface Props {
  agent: AgentView;
  active: SupervisionView | null;
  /** The agent's call has browser audio (only then can it be supervised). */
  audible: boolean;
  onSupervise: (callId: string, mode: SupervisionMode) => void;
  onStop: () => void;
}

/** 监听 / 耳语 / 强插 on an agent's answered call; the current mode pressed, and 停止监听. */
export function SupervisionButtons({ agent, active, audible, onSupervise, onStop }: Props) {
  const { t } = useI18n();
  const callId = agent.state === 'on_call' ? agent.callId : null;
  if (!callId) return null;
  const mine = active?.callId === callId ? active : null;
  return (
    <span
      className="lead-supervision"
      data-testid="supervision"
      data-mode={mine?.mode ?? 'none'}
      data-audible={audible ? 'true' : 'false'}
      title={audible || mine ? undefined : t('lead.supervision.noAudio')}
    >
      {SUPERVISION_MODES.map((m) => (
        <button
          key={m}
          type="button"
          data-testid={`supervise-${m}`}
          aria-pressed={mine?.mode === m}
          className={mine?.mode === m ? 'pressed' : undefined}
          disabled={!audible && !mine}
          onClick={() => onSupervise(callId, m)}
        >
          {t(`lead.supervision.${m}`)}
        </button>
      ))}
      {mine && (
        <button type="button" className="danger" data-testid="supervise-stop" onClick={onStop}>
          {t('lead.supervision.stop')}
        </button>
      )}
    </span>
  );
}
