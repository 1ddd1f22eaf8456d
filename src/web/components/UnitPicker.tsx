import { useMemo, useState } from 'react';
import type { UnitInfo } from '../api.js';
import { useI18n } from '../i18n.js';

interface Props {
  units: UnitInfo[];
  /** Shown on the pick buttons, e.g. "转接". */
  action: string;
  testId: string;
  onPick: (unit: UnitInfo) => void;
  onCancel: () => void;
}

/** A searchable list of units (by name, id or phone); one click picks. */
export function UnitPicker({ units, action, testId, onPick, onCancel }: Props) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const shown = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return needle ? units.filter((u) => u.name.toLowerCase().includes(needle) || u.id.includes(needle) || (u.phone ?? '').includes(needle)) : units;
  }, [q, units]);
  return (
    <div className="unit-picker" data-testid={testId}>
      <div className="picker-head">
        <input
          autoFocus
          type="search"
          placeholder={t('controls.unitSearch')}
          aria-label={t('controls.unitSearch')}
          data-testid={`${testId}-search`}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <button type="button" className="link" onClick={onCancel}>
          {t('controls.cancel')}
        </button>
      </div>
      {shown.length === 0 ? (
        <p className="muted">{t('controls.noUnits')}</p>
      ) : (
        <ul>
          {shown.map((u) => (
            <li key={u.id}>
              <span>{u.name}</span> <span className="muted">{u.phone}</span>
              <button type="button" data-testid={`${testId}-${u.id}`} onClick={() => onPick(u)}>
                {action}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
