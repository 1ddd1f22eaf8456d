import { useState } from 'react';
import type { CallControlsView } from '../../contract/index.js';
import type { UnitInfo } from '../api.js';
import { useI18n } from '../i18n.js';
import { UnitPicker } from './UnitPicker.js';

/** The socket commands these buttons send (the payload's callId is added by the page). */
export type ControlCommand =
  | { event: 'call:hangup' }
  | { event: 'call:hold'; held: boolean }
  | { event: 'call:mute'; muted: boolean }
  | { event: 'call:dtmf'; digits: string }
  | { event: 'call:transfer'; unitId: string }
  | { event: 'call:conference'; unitId: string }
  | { event: 'call:conference_drop' };

interface Props {
  view: CallControlsView | null;
  /** Units with a phone number. */
  units: UnitInfo[];
  send: (c: ControlCommand) => void;
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/** Hang up, hold, mute, keypad, transfer and three-way call for the answered call, inbound or outbound. */
export function CallControls({ view, units, send }: Props) {
  const { t } = useI18n();
  const [panel, setPanel] = useState<'none' | 'keypad' | 'transfer' | 'conference'>('none');
  const [typed, setTyped] = useState('');
  const held = view?.held ?? false;
  const muted = view?.muted ?? false;
  const conf = view?.conference ?? null;
  const toggle = (p: typeof panel) => setPanel((cur) => (cur === p ? 'none' : p));
  const key = (d: string) => {
    setTyped((s) => (s + d).slice(-16));
    send({ event: 'call:dtmf', digits: d });
  };
  return (
    <section className="card controls-card" data-testid="call-controls" data-held={held} data-muted={muted}>
      <h2>{t('controls.title')}</h2>
      <div className="actions">
        <button type="button" className="danger" data-testid="btn-hangup" onClick={() => send({ event: 'call:hangup' })}>
          {t('controls.hangup')} <kbd>F9</kbd>
        </button>
        <button
          type="button"
          className={held ? 'primary' : ''}
          data-testid="btn-hold"
          aria-pressed={held}
          onClick={() => send({ event: 'call:hold', held: !held })}
        >
          {held ? t('controls.resume') : t('controls.hold')} <kbd>F6</kbd>
        </button>
        <button
          type="button"
          className={muted ? 'primary' : ''}
          data-testid="btn-mute"
          aria-pressed={muted}
          onClick={() => send({ event: 'call:mute', muted: !muted })}
        >
          {muted ? t('controls.unmute') : t('controls.mute')} <kbd>F7</kbd>
        </button>
        <button type="button" data-testid="btn-keypad" aria-pressed={panel === 'keypad'} onClick={() => toggle('keypad')}>
          {t('controls.keypad')}
        </button>
        <button type="button" data-testid="btn-transfer" disabled={conf !== null} onClick={() => toggle('transfer')}>
          {t('controls.transfer')}
        </button>
        {conf ? (
          <button type="button" data-testid="btn-conference-drop" onClick={() => send({ event: 'call:conference_drop' })}>
            {t('controls.drop')}
          </button>
        ) : (
          <button type="button" data-testid="btn-conference" onClick={() => toggle('conference')}>
            {t('controls.conference')}
          </button>
        )}
      </div>
      <div className="control-notes">
        {held && (
          <p className="note warn" data-testid="held-note">
            {t('controls.held')}
          </p>
        )}
        {muted && (
          <p className="note warn" data-testid="muted-note">
            {t('controls.mutedNote')}
          </p>
        )}
        {conf && (
          <p className="note" data-testid="conference-note" data-state={conf.state}>
            {conf.state === 'up' ? t('controls.confUp') : t('controls.confDialing')} {conf.unitName}
          </p>
        )}
        {view?.transferredTo && (
          <p className="note" data-testid="transferred-note">
            {t('controls.transferredTo')} {view.transferredTo.unitName}
          </p>
        )}
      </div>
      {panel === 'keypad' && (
        <div className="keypad" data-testid="keypad">
          <output data-testid="keypad-typed">{typed}</output>
          <div className="keys">
            {KEYS.map((d) => (
              <button type="button" key={d} data-testid={`key-${d === '*' ? 'star' : d === '#' ? 'hash' : d}`} onClick={() => key(d)}>
                {d}
              </button>
            ))}
          </div>
        </div>
      )}
      {(panel === 'transfer' || panel === 'conference') && (
        <UnitPicker
          units={units}
          action={panel === 'transfer' ? t('controls.transfer') : t('controls.conference')}
          testId={panel === 'transfer' ? 'transfer-picker' : 'conference-picker'}
          onCancel={() => setPanel('none')}
          onPick={(u) => {
            setPanel('none');
            send({ event: panel === 'transfer' ? 'call:transfer' : 'call:conference', unitId: u.id });
          }}
        />
      )}
    </section>
  );
}
