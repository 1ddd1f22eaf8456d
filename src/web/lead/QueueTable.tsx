import { useState } from 'react';
import type { AgentView, WaitingCaller } from '../../contract/index.js';
import { duration } from '../format.js';
import { useI18n } from '../i18n.js';

interface Props {
  waiting: WaitingCaller[];
  agents: AgentView[];
  now: number;
  onPriority: (callId: string, priority: number) => void;
  onSend: (caller: WaitingCaller, agent: AgentView) => void;
}

/** One waiting caller: priority change and "send to this agent". */
function WaitingRow({ w, agents, now, onPriority, onSend }: Omit<Props, 'waiting'> & { w: WaitingCaller }) {
  const { t, lang } = useI18n();
  const [priority, setPriority] = useState(String(w.priority));
  const available = agents.filter((a) => a.state === 'available');
  const [agentId, setAgentId] = useState('');
  const target = available.find((a) => String(a.agentId) === agentId);
  const ringing = w.offeredTo === null ? null : (agents.find((a) => a.agentId === w.offeredTo)?.displayName ?? `#${w.offeredTo}`);
  const p = Number(priority);
  const validPriority = priority.trim() !== '' && Number.isInteger(p) && p >= 0 && p <= 100;
  // The server refuses both actions until the caller is in app_queue (CALL_NOT_WAITING).
  const greeting = w.stage === 'greeting';
  const why = greeting ? t('lead.queue.greetingHint') : undefined;
  return (
    <tr data-testid="waiting-row" data-call-id={w.callId} data-stage={w.stage}>
      <td className="lead-number" data-testid="waiting-caller">
        {w.callerNumber}
      </td>
      <td data-testid="waiting-hotline">
        <strong>{w.hotline.number}</strong> <span className="muted">{lang === 'en' ? w.hotline.name.en : w.hotline.name.zh}</span>
      </td>
      <td className={`lead-wait ${now - w.enteredAt > 15_000 ? 'late' : ''}`} data-testid="waiting-wait">
        {duration(now - w.enteredAt)}
      </td>
      <td>
        <span className={`lead-stage stage-${w.stage}`} data-testid="waiting-stage" title={why}>
          {t(`lead.stage.${w.stage}`)}
        </span>
      </td>
      <td>
        <span className="lead-priority" data-testid="waiting-priority">
          {w.priority}
        </span>
        <input
          type="number"
          min={0}
          max={100}
          className="lead-priority-input"
          aria-label={t('lead.queue.priority')}
          data-testid="priority-input"
          value={priority}
          onChange={(e) => setPriority(e.target.value)}
        />
        <button
          type="button"
          data-testid="priority-set"
          disabled={greeting || !validPriority || p === w.priority}
          title={why}
          onClick={() => onPriority(w.callId, p)}
        >
          {t('lead.queue.setPriority')}
        </button>
      </td>
      <td data-testid="waiting-ringing">{ringing ? `${t('lead.queue.ringing')}: ${ringing}` : t('lead.none')}</td>
      <td>
        <select
          aria-label={t('lead.queue.chooseAgent')}
          data-testid="send-agent"
          disabled={greeting}
          title={why}
          value={agentId}
          onChange={(e) => setAgentId(e.target.value)}
        >
          <option value="">{available.length ? t('lead.queue.chooseAgent') : t('lead.queue.noAvailable')}</option>
          {available.map((a) => (
            <option key={a.agentId} value={a.agentId}>
              {a.displayName}
            </option>
          ))}
        </select>
        <button type="button" className="primary" data-testid="send" disabled={greeting || !target} title={why} onClick={() => target && onSend(w, target)}>
          {t('lead.queue.send')}
        </button>
      </td>
    </tr>
  );
}

/** The live queue, in the order app_queue serves it (priority, then arrival). */
export function QueueTable(props: Props) {
  const { t } = useI18n();
  return (
    <section className="card lead-queue">
      <h2>
        {t('lead.queue')} <span className="lead-count">{props.waiting.length}</span>
      </h2>
      {props.waiting.length === 0 ? (
        <p className="muted" data-testid="queue-empty">
          {t('lead.queue.empty')}
        </p>
      ) : (
        <table className="lead-table" data-testid="queue-table">
          <thead>
            <tr>
              <th>{t('lead.queue.caller')}</th>
              <th>{t('lead.queue.hotline')}</th>
              <th>{t('lead.queue.wait')}</th>
              <th>{t('lead.queue.stage')}</th>
              <th>{t('lead.queue.priority')}</th>
              <th>{t('lead.queue.ringing')}</th>
              <th>{t('lead.queue.sendTo')}</th>
            </tr>
          </thead>
          <tbody>
            {props.waiting.map((w) => (
              <WaitingRow key={w.callId} w={w} agents={props.agents} now={props.now} onPriority={props.onPriority} onSend={props.onSend} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
