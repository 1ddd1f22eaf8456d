import { useCallback, useState } from 'react';
import type { AgentView, WaitingCaller } from '../../contract/index.js';
import { HttpError, logout, type User } from '../api.js';
import { LangToggle, useI18n } from '../i18n.js';
import { refusalWords } from '../refusal-words.js';
import { AgentsTable } from './AgentsTable.js';
import { ConfirmDialog, type Confirmation } from './ConfirmDialog.js';
import { DeadlineList } from './DeadlineList.js';
import { CallbackAssignPanel } from './CallbackAssignPanel.js';
import { LockedAccountsPanel } from './LockedAccountsPanel.js';
import { QueueTable } from './QueueTable.js';
import { StatsPanel } from './StatsPanel.js';
import { SupervisionButtons } from './SupervisionButtons.js';
import { useSupervision } from './useSupervision.js';
import { SoftphoneStatus } from '../media/SoftphoneStatus.js';
import { useLeadSocket, type AckResult } from './useLeadSocket.js';
import { useLeadSkills } from './useLeadSkills.js';
import { saveSkills } from '../skills-api.js';
import './lead.css';
import { useNow } from '../use-now.js';

interface Props {
  user: User;
  onSignedOut: () => void;
}

/** The shift-lead view (值班长): the live queue, agents, today's figures and deadline warnings, and the actions on them. */
export function LeadPage({ user, onSignedOut }: Props) {
  const { t } = useI18n();
  const now = useNow();
  const live = useLeadSocket(onSignedOut);
  const [ask, setAsk] = useState<Confirmation | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  /** A refusal: known codes in the reader's language; others as the server said them. */
  const failed = useCallback(
    (code: string, message: string) => {
      const text = refusalWords(t, 'lead', code) ?? message;
      setResult({ ok: false, text: `${t('commandFailed')}: ${text} (${code})` });
    },
    [t],
  );
  const done = useCallback(
    (res: AckResult) => (res.ok ? setResult({ ok: true, text: t('lead.done') }) : failed(res.error.code, res.error.message)),
    [t, failed],
  );
  const { send } = live;
  const supervision = useSupervision(live.socketRef, live.connected, send, done);

  const onPriority = (callId: string, priority: number) => send('lead:set_priority', { callId, priority }, done);
  const onSend = (w: WaitingCaller, a: AgentView) =>
    setAsk({
      message: `${t('lead.confirm.send')} ${a.displayName}（${w.callerNumber}）`,
      run: () => send('lead:withdraw', { callId: w.callId, agentId: a.agentId }, done),
    });
  const onPause = (a: AgentView, reason: string) => send('lead:pause_agent', { agentId: a.agentId, reason }, done);
  const onUnpause = (a: AgentView) => send('lead:unpause_agent', { agentId: a.agentId }, done);
  const onLogout = (a: AgentView) =>
    setAsk({ message: `${t('lead.confirm.logout')} ${a.displayName}`, run: () => send('lead:logout_agent', { agentId: a.agentId }, done) });
  const skills = useLeadSkills(live.socketRef, live.connected);
  const onSkills = (a: AgentView, text: string) =>
    saveSkills(a.agentId, text).then(
      (view) => {
        skills.apply(view);
        setResult({ ok: true, text: t('lead.done') });
        return true;
      },
      (err: unknown) => {
        failed(err instanceof HttpError ? err.code : 'HTTP_ERROR', err instanceof Error ? err.message : String(err));
        return false;
      },
    );
  const callLabel = (callId: string) => live.callers[callId] ?? null;
  const controls = (callId: string) => live.controls[callId] ?? null;

  const signOut = async () => {
    await logout().catch(() => undefined);
    onSignedOut();
  };

  return (
    <div className="console lead" data-testid="lead-page">
      <header className="topbar">
        <h1>{t('lead.title')}</h1>
        <div className="who">
          <span data-testid="display-name">{user.displayName}</span>
          <a href="/desk" data-testid="open-desk">
            {t('desk.open')}
          </a>
          <a href="/reports" data-testid="open-reports">
            {t('reports.open')}
          </a>
          <a href="/wallboard" data-testid="open-wallboard">
            {t('wallboard.open')}
          </a>
          <a href="/qa" data-testid="open-qa">
            {t('qa.open')}
          </a>
          {user.role === 'admin' && (
            <a href="/admin/accounts" data-testid="open-accounts">
              {t('admin.accounts.open')}
            </a>
          )}
          {user.role === 'admin' && (
            <a href="/admin/config" data-testid="open-config">
              {t('config.open')}
            </a>
          )}
          {supervision.wanted && <SoftphoneStatus status={supervision.softphone.status} audioRef={supervision.softphone.audioRef} />}
          <LangToggle />
          <button type="button" className="link" data-testid="sign-out" onClick={signOut}>
            {t('signOut')}
          </button>
        </div>
      </header>
      {!live.connected && (
        <div className="banner banner-error" role="alert" data-testid="disconnected">
          {t('disconnected')}
        </div>
      )}
      {live.connected && !live.telephonyUp && (
        <div className="banner banner-warn" role="alert" data-testid="telephony-down">
          {t('telephonyDown')}
        </div>
      )}
      {result && (
        <div
          className={`banner ${result.ok ? 'banner-ok' : 'banner-error'}`}
          role="status"
          data-testid={result.ok ? 'lead-ok' : 'lead-error'}
          onClick={() => setResult(null)}
        >
          {result.text}
        </div>
      )}
      {(supervision.active || supervision.connecting || supervision.ended) && (
        <div className="lead-supervision-bar" role="status" data-testid="supervision-bar" data-mode={supervision.active?.mode ?? 'none'}>
          {supervision.active
            ? `${t('lead.supervision.active')}: ${t(`lead.supervision.${supervision.active.mode}`)} · ${live.agents.find((a) => a.agentId === supervision.active?.agentId)?.displayName ?? ''}`
            : supervision.connecting
              ? t('lead.supervision.connecting')
              : t(`lead.supervision.ended.${supervision.ended ?? 'lead_stopped'}`)}
        </div>
      )}
      <main className="lead-layout">
        <StatsPanel stats={live.stats} waiting={live.waiting} now={now} />
        <QueueTable waiting={live.waiting} agents={live.agents} now={now} onPriority={onPriority} onSend={onSend} />
        <AgentsTable
          agents={live.agents}
          now={now}
          callLabel={callLabel}
          controls={controls}
          onPause={onPause}
          onUnpause={onUnpause}
          onLogout={onLogout}
          skillsOf={skills.of}
          onSkills={onSkills}
          supervise={(a) => (
            <SupervisionButtons
              agent={a}
              active={supervision.active}
              audible={a.callId !== null && live.supervisable.includes(a.callId)}
              onSupervise={supervision.supervise}
              onStop={supervision.stop}
            />
          )}
        />
        <DeadlineList warnings={live.warnings} />
        <CallbackAssignPanel
          agents={live.agents}
          socket={live.socketRef}
          connected={live.connected}
          onDone={() => setResult({ ok: true, text: t('lead.done') })}
          onFailed={failed}
        />
        <LockedAccountsPanel now={now} onDone={() => setResult({ ok: true, text: t('lead.done') })} onFailed={failed} />
      </main>
      <ConfirmDialog ask={ask} onClose={() => setAsk(null)} />
    </div>
  );
}
