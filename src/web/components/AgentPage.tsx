import { useCallback, useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { CONSOLE_SOCKET, watchConnection } from '../connection.js';
import type {
  Ack,
  AgentView,
  CallbackAssignedView,
  CallControlsView,
  ClientToServerEvents,
  OutboundCallView,
  ScreenPop,
  ServerToClientEvents,
} from '../../contract/index.js';
import { logout, units as loadUnits, type UnitInfo, type User } from '../api.js';
import { duration } from '../format.js';
import { LangToggle, useI18n } from '../i18n.js';
import { usePauseReasons } from '../pause-reasons.js';
import { CallCard, type CallPhase } from './CallCard.js';
import { CallControls, type ControlCommand } from './CallControls.js';
import { newerAgentView, newerControls } from './newer-view.js';
import { CallerHistory } from './CallerHistory.js';
import { OrderForm } from './OrderForm.js';
import { OutboundPanel } from './OutboundPanel.js';
import { useSoftphone } from '../media/useSoftphone.js';
import { SoftphoneStatus } from '../media/SoftphoneStatus.js';
import { useNow } from '../use-now.js';
import { KbSuggestions } from '../kb/KbSuggestions.js';
import { MyQaScores, MyRecordings } from '../qa/MyQaScores.js';

type ConsoleSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type AckResult = Parameters<Ack>[0];

interface Props {
  user: User;
  onSignedOut: () => void;
}

export function AgentPage({ user, onSignedOut }: Props) {
  const { t, stateLabel } = useI18n();
  const now = useNow();
  const socketRef = useRef<ConsoleSocket | null>(null);
  const [connected, setConnected] = useState(false);
  const [telephonyUp, setTelephonyUp] = useState(true);
  const [agent, setAgent] = useState<AgentView | null>(null);
  /** `orderNotWritten`: the pop went without its order and the server says none will follow (`call:order` with `written: false`). */
  const [call, setCall] = useState<{ pop: ScreenPop; phase: CallPhase; orderNotWritten?: boolean } | null>(null);
  /** The order form's subject and content, for the knowledge panel's suggestions. */
  const [orderText, setOrderText] = useState<{ orderId: number; subject: string; content: string } | null>(null);
  const pauseReasons = usePauseReasons();
  const [chosenReason, setReason] = useState('');
  const reason = chosenReason || (pauseReasons.codes[0] ?? '');
  const [error, setError] = useState<string | null>(null);
  const [controls, setControls] = useState<CallControlsView | null>(null);
  const [outbound, setOutbound] = useState<OutboundCallView | null>(null);
  const [assigned, setAssigned] = useState<CallbackAssignedView | null>(null);
  const [units, setUnits] = useState<UnitInfo[]>([]);
  const softphone = useSoftphone(socketRef, connected);
  // The call a shift lead is listening to (only when config/recording.yaml supervision.notifyAgent says so).
  const [monitored, setMonitored] = useState<string | null>(null);

  useEffect(() => {
    // Same origin: the browser sends the session cookie with the WebSocket handshake.
    const socket: ConsoleSocket = io({ ...CONSOLE_SOCKET });
    socketRef.current = socket;
    // The server sends snapshots on every connect; `sync` after a reconnect asks again explicitly.
    const stopWatching = watchConnection(socket, { up: setConnected, back: () => socket.emit('sync'), signedOut: onSignedOut });
    socket.on('agent:state', (a) => {
      setAgent((prev) => newerAgentView(prev, a));
      // Back to available/paused/logged out: the call is over for this console.
      if (a.state === 'available' || a.state === 'paused' || a.state === 'logged_out') setCall((c) => (c && c.phase !== 'offered' ? null : c));
    });
    socket.on('call:offered', (pop) => setCall({ pop, phase: 'offered' }));
    // The pop went out before its order was written (id 0): the order and the caller's history
    // follow, for the call still shown — or word that the order could not be written.
    socket.on('call:order', (o) =>
      setCall((c) => {
        if (!c || c.pop.callId !== o.callId || c.pop.draftOrder.id !== 0) return c;
        if (!o.written) return { ...c, orderNotWritten: true };
        const history = { caller: o.caller, recentCalls: o.recentCalls, openOrders: o.openOrders };
        return { ...c, pop: { ...c.pop, ...history, draftOrder: { id: o.orderId, number: o.orderNumber } } };
      }),
    );
    socket.on('call:controls', (v) => setControls((prev) => newerControls(prev, v)));
    socket.on('call:outbound', (v) => setOutbound(v));
    socket.on('callback:assigned', (v) => setAssigned(v));
    socket.on('call:update', (u) =>
      setCall((c) => {
        if (!c || c.pop.callId !== u.callId) return c;
        if (u.state === 'answered') return { ...c, phase: 'answered' };
        if (u.state === 'ended') return c.phase === 'offered' ? null : { ...c, phase: 'ended' };
        return c;
      }),
    );
    socket.on('system:status', (s) => setTelephonyUp(s.telephony === 'up'));
    socket.on('supervision:monitored', (m) => setMonitored((cur) => (m.monitored ? m.callId : cur === m.callId ? null : cur)));
    return () => {
      stopWatching();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [onSignedOut]);

  useEffect(() => {
    loadUnits()
      .then(setUnits)
      .catch(() => setUnits([]));
  }, []);

  const done = useCallback(
    (res: AckResult) => {
      if (res.ok) {
        setError(null);
        // The reply can be older than a push that came first (replies wait for the fsync).
        if (res.data && typeof res.data === 'object' && 'state' in res.data) setAgent((prev) => newerAgentView(prev, res.data as AgentView));
      } else setError(`${t('commandFailed')}: ${res.error.message}`);
    },
    [t],
  );

  const s = socketRef.current;
  const queueLogin = () => s?.emit('agent:login', {}, done);
  const queueLogout = () => s?.emit('agent:logout', done);
  const pause = () => s?.emit('agent:pause', { reason }, done);
  const unpause = () => s?.emit('agent:unpause', done);
  const wrapupDone = () => s?.emit('agent:wrapup_done', done);
  const answer = useCallback(() => {
    if (call?.phase === 'offered') socketRef.current?.emit('call:answer', { callId: call.pop.callId }, done);
  }, [call, done]);
  const reject = useCallback(() => {
    if (call?.phase === 'offered') socketRef.current?.emit('call:reject', { callId: call.pop.callId }, done);
  }, [call, done]);

  // An outbound call (外呼) takes the same controls once the citizen answers.
  const outboundTalking = !call && outbound?.state === 'answered';
  const callId = call?.pop.callId ?? (outboundTalking ? outbound.callId : null);
  const talking = call?.phase === 'answered' || outboundTalking;
  // The dial's ack carries the outbound call (its own `state`), not an agent view: only errors matter here.
  const dial = (p: { orderId: number; number: string }) =>
    s?.emit('call:dial', p, (res) => (res.ok ? setError(null) : setError(`${t('commandFailed')}: ${res.error.message}`)));
  const hangupOutbound = (id: string) => s?.emit('call:hangup', { callId: id }, done);
  const view = controls && controls.callId === callId ? controls : null;
  const control = useCallback(
    (c: ControlCommand) => {
      if (!callId) return;
      const { event, ...rest } = c;
      const emit = socketRef.current?.emit as ((ev: string, p: unknown, ack: (r: AckResult) => void) => void) | undefined;
      emit?.call(socketRef.current, event, { callId, ...rest }, (res: AckResult) => {
        done(res);
        // The reply can be older than a push that came first (replies wait for the fsync).
        if (res.ok && res.data && typeof res.data === 'object' && 'held' in res.data) setControls((prev) => newerControls(prev, res.data as CallControlsView));
      });
    },
    [callId, done],
  );
  const hangup = () => talking && control({ event: 'call:hangup' });
  const hold = () => talking && control({ event: 'call:hold', held: !(view?.held ?? false) });
  const mute = () => talking && control({ event: 'call:mute', muted: !(view?.muted ?? false) });

  const state = agent?.state ?? null;
  const keys = useRef({ answer, reject, wrapupDone, state, hangup, hold, mute });
  keys.current = { answer, reject, wrapupDone, state, hangup, hold, mute };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const k = keys.current;
      if (e.key === 'F2') k.answer();
      else if (e.key === 'F4') k.reject();
      else if (e.key === 'F8' && k.state === 'wrap_up') k.wrapupDone();
      else if (e.key === 'F9') k.hangup();
      else if (e.key === 'F6') k.hold();
      else if (e.key === 'F7') k.mute();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const signOut = async () => {
    await logout().catch(() => undefined);
    onSignedOut();
  };

  const showCall = call && (call.phase !== 'ended' || agent?.callId === call.pop.callId);
  /** The call's order is written (a pop can come before it: id 0 until `call:order`). */
  const hasOrder = (call?.pop.draftOrder.id ?? 0) !== 0;

  return (
    <div className="console">
      <header className="topbar">
        <h1>{t('appTitle')}</h1>
        <div className="who">
          <span data-testid="display-name">{user.displayName}</span>
          <SoftphoneStatus status={softphone.status} audioRef={softphone.audioRef} />
          {monitored && monitored === agent?.callId && (
            <span className="softphone softphone-wait" role="status" data-testid="monitored">
              {t('media.monitored')}
            </span>
          )}
          <LangToggle />
          <button type="button" className="link" onClick={signOut}>
            {t('signOut')}
          </button>
        </div>
      </header>
      {!connected && (
        <div className="banner banner-error" role="alert" data-testid="disconnected">
          {t('disconnected')}
        </div>
      )}
      {connected && !telephonyUp && (
        <div className="banner banner-warn" role="alert" data-testid="telephony-down">
          {t('telephonyDown')}
        </div>
      )}
      <main className="layout">
        <section className="card state-card">
          <h2>{t('myState')}</h2>
          <div className={`state state-${state ?? 'unknown'}`} data-testid="agent-state" data-state={state ?? ''}>
            {state ? stateLabel(state) : '…'}
            {state === 'paused' && agent?.pauseReason && <span className="reason"> · {pauseReasons.label(agent.pauseReason)}</span>}
          </div>
          <div className="muted">
            {t('timeInState')} <span data-testid="time-in-state">{agent ? duration(now - agent.since) : '--:--'}</span>
          </div>
          <div className="actions">
            {state === 'logged_out' && (
              <button type="button" className="primary" data-testid="btn-login" onClick={queueLogin}>
                {t('btn.login')}
              </button>
            )}
            {state === 'available' && (
              <>
                <select aria-label={t('pauseReason')} data-testid="pause-reason" value={reason} onChange={(e) => setReason(e.target.value)}>
                  {pauseReasons.codes.map((r) => (
                    <option key={r} value={r}>
                      {pauseReasons.label(r)}
                    </option>
                  ))}
                </select>
                <button type="button" data-testid="btn-pause" onClick={pause}>
                  {t('btn.pause')}
                </button>
              </>
            )}
            {state === 'paused' && (
              <button type="button" className="primary" data-testid="btn-unpause" onClick={unpause}>
                {t('btn.unpause')}
              </button>
            )}
            {state === 'wrap_up' && (
              <button type="button" className="primary" data-testid="btn-wrapup-done" onClick={wrapupDone}>
                {t('btn.wrapupDone')} <kbd>F8</kbd>
              </button>
            )}
            {(state === 'available' || state === 'paused') && (
              <button type="button" data-testid="btn-logout" onClick={queueLogout}>
                {t('btn.logout')}
              </button>
            )}
          </div>
          {error && (
            <p className="error" role="alert" data-testid="error">
              {error}
            </p>
          )}
          <div className="shortcuts">
            <h3>{t('shortcuts')}</h3>
            <ul>
              <li>{t('shortcut.answer')}</li>
              <li>{t('shortcut.reject')}</li>
              <li>{t('shortcut.wrapup')}</li>
              <li>{t('controls.shortcut.hangup')}</li>
              <li>{t('controls.shortcut.hold')}</li>
              <li>{t('controls.shortcut.mute')}</li>
            </ul>
          </div>
          <MyQaScores />
          <MyRecordings />
        </section>
        {showCall ? (
          <div className="call-column">
            <CallCard pop={call.pop} phase={call.phase} now={now} onAnswer={answer} onReject={reject} orderNotWritten={call.orderNotWritten === true} />
            <KbSuggestions
              key={call.pop.callId}
              hotline={call.pop.hotline.number}
              orderId={call.pop.draftOrder.id}
              canAnswer={call.phase !== 'offered' && hasOrder}
              openOrders={call.pop.openOrders}
              orderText={orderText?.orderId === call.pop.draftOrder.id ? orderText : undefined}
            />
            {talking && <CallControls view={view} units={units.filter((u) => u.phone)} send={control} />}
            {call.phase !== 'offered' &&
              (hasOrder ? (
                <OrderForm key={call.pop.draftOrder.id} orderId={call.pop.draftOrder.id} units={units} onText={setOrderText} />
              ) : (
                <section className="card" data-testid={call.orderNotWritten ? 'order-not-written' : 'order-pending'}>
                  <p className={call.orderNotWritten ? 'error' : 'muted'}>{t(call.orderNotWritten ? 'call.orderNotWritten' : 'call.orderPending')}</p>
                </section>
              ))}
            {call.phase !== 'offered' && call.pop.caller && (
              <CallerHistory callerId={call.pop.caller.id} current={{ callId: call.pop.callId, orderId: call.pop.draftOrder.id }} />
            )}
          </div>
        ) : (
          <div className="call-column">
            {!outbound || outbound.state === 'ended' ? (
              <section className="card call-card empty">
                <p className="muted">{t('call.noCall')}</p>
              </section>
            ) : null}
            {outboundTalking && <CallControls view={view} units={units.filter((u) => u.phone)} send={control} />}
            <OutboundPanel me={user.id} outbound={outbound} assigned={assigned} canDial={state === 'available'} onDial={dial} onHangup={hangupOutbound} />
          </div>
        )}
      </main>
    </div>
  );
}
