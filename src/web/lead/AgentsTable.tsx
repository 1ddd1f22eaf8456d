import { useState, type ReactNode } from 'react';
import type { AgentView, CallControlsView } from '../../contract/index.js';
import { duration } from '../format.js';
import { useI18n } from '../i18n.js';
import { usePauseReasons } from '../pause-reasons.js';
import type { Skill } from '../skills-api.js';
import { AgentSkillsCell } from './AgentSkillsCell.js';

interface Props {
  agents: AgentView[];
  now: number;
  /** Caller number of a live call, for the "current call" column. */
  callLabel: (callId: string) => string | null;
  /** Live in-call controls of a call (hold, mute, three-way), if any. */
  controls: (callId: string) => CallControlsView | null;
  onPause: (agent: AgentView, reason: string) => void;
  onUnpause: (agent: AgentView) => void;
  onLogout: (agent: AgentView) => void;
  /** The agent's routing skills, and replacing them ("hrss:1, dialect-wu:1"; resolves true when saved). */
  skillsOf: (agentId: number) => readonly Skill[];
  onSkills: (agent: AgentView, text: string) => Promise<boolean>;
  /** Listen / whisper / barge controls of the agent's call (SupervisionButtons). */
  supervise?: (agent: AgentView) => ReactNode;
}

/** Hold, mute and three-way badges of the agent's call. */
function ControlBadges({ c }: { c: CallControlsView }) {
  const { t } = useI18n();
  return (
    <>
      {c.held && (
        <span className="lead-badge held" data-testid="agent-row-held">
          {t('lead.controls.held')}
        </span>
      )}
      {c.muted && (
        <span className="lead-badge muted-call" data-testid="agent-row-muted">
          {t('lead.controls.muted')}
        </span>
      )}
      {c.conference && (
        <span className="lead-badge conference" data-testid="agent-row-conference">
          {t('lead.controls.conference')}: {c.conference.unitName}
          {c.conference.state === 'dialing' && ` (${t('lead.controls.dialing')})`}
        </span>
      )}
    </>
  );
}

function AgentRow({ a, now, callLabel, controls, onPause, onUnpause, onLogout, skillsOf, onSkills, supervise }: Omit<Props, 'agents'> & { a: AgentView }) {
  const { t, stateLabel } = useI18n();
  const pauseReasons = usePauseReasons();
  const [chosenReason, setReason] = useState('');
  const reason = chosenReason || (pauseReasons.codes[0] ?? '');
  const ctl = a.callId && a.state === 'on_call' ? controls(a.callId) : null;
  const call = a.callId ? (callLabel(a.callId) ?? ctl?.callerNumber ?? a.callId.slice(0, 8)) : null;
  return (
    <tr data-testid="agent-row" data-agent-id={a.agentId} data-state={a.state}>
      <td className="lead-agent-name">{a.displayName}</td>
      <td>
        <span className={`lead-state state-${a.state}`} data-testid="agent-row-state">
          {stateLabel(a.state)}
          {a.state === 'paused' && a.pauseReason && <span className="reason"> · {pauseReasons.label(a.pauseReason)}</span>}
        </span>
      </td>
      <td className="lead-wait" data-testid="agent-row-since">
        {duration(now - a.since)}
      </td>
      <td>
        <span data-testid="agent-row-call">{call ?? t('lead.none')}</span>
        {ctl && <ControlBadges c={ctl} />}
      </td>
      <AgentSkillsCell skills={skillsOf(a.agentId)} onSave={(text) => onSkills(a, text)} />
      <td className="lead-actions">
        {supervise?.(a)}
        {a.state === 'paused' ? (
          <button type="button" data-testid="agent-unpause" onClick={() => onUnpause(a)}>
            {t('lead.agents.unpause')}
          </button>
        ) : (
          <>
            <select aria-label={t('pauseReason')} data-testid="agent-pause-reason" value={reason} onChange={(e) => setReason(e.target.value)}>
              {pauseReasons.codes.map((r) => (
                <option key={r} value={r}>
                  {pauseReasons.label(r)}
                </option>
              ))}
            </select>
            <button type="button" data-testid="agent-pause" onClick={() => onPause(a, reason)}>
              {t('lead.agents.pause')}
            </button>
          </>
        )}
        <button type="button" className="danger" data-testid="agent-logout" onClick={() => onLogout(a)}>
          {t('lead.agents.logout')}
        </button>
      </td>
    </tr>
  );
}

/** Logged-in agents with their state and time in state (ticking), and the lead's actions on them. */
export function AgentsTable(props: Props) {
  const { t } = useI18n();
  const { agents, ...rest } = props;
  return (
    <section className="card lead-agents">
      <h2>
        {t('lead.agents')} <span className="lead-count">{agents.length}</span>
      </h2>
      {agents.length === 0 ? (
        <p className="muted" data-testid="agents-empty">
          {t('lead.agents.empty')}
        </p>
      ) : (
        <table className="lead-table" data-testid="agents-table">
          <thead>
            <tr>
              <th>{t('lead.agents.name')}</th>
              <th>{t('lead.agents.state')}</th>
              <th>{t('lead.agents.since')}</th>
              <th>{t('lead.agents.call')}</th>
              <th>{t('lead.agents.skills')}</th>
              <th>{t('lead.agents.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {agents.map((a) => (
              <AgentRow key={a.agentId} a={a} {...rest} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
