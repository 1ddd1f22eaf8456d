/**
 * Returns per unit (退回统计, GET /api/desk/units/returns): how often each unit sent an order back
 * against how many it was sent, over the chosen days. A high rate means the responsibility
 * catalogue (org.yaml) sends that unit the wrong orders.
 */
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.js';
import { unitReturns, type UnitReturns } from './api.js';
import { errorText } from './desk-format.js';

/** From this rate on (with a few orders behind it) the row is flagged. */
const HIGH_RATE = 0.2;
const MIN_DISPATCHED = 5;

export function UnitReturnsPanel({ unitName, refresh }: { unitName: (id: string | null | undefined) => string; refresh: number }) {
  const { t } = useI18n();
  const [days, setDays] = useState(30);
  const [items, setItems] = useState<UnitReturns[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    unitReturns(days).then(
      (r) => {
        if (!live) return;
        setItems(r.items);
        setError(null);
      },
      (err: unknown) => live && setError(errorText(t, err)),
    );
    return () => {
      live = false;
    };
  }, [days, refresh, t]);

  return (
    <section data-testid="desk-returns">
      <div className="desk-returns-head">
        <h2>{t('desk.returns.title')}</h2>
        <label className="desk-small">
          {t('desk.returns.days')}{' '}
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {[7, 30, 90, 365].map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && <p className="error">{error}</p>}
      {items && items.length === 0 && <p className="muted">{t('desk.returns.none')}</p>}
      {items && items.length > 0 && (
        <table className="desk-table">
          <thead>
            <tr>
              <th>{t('desk.returns.unit')}</th>
              <th>{t('desk.returns.dispatched')}</th>
              <th>{t('desk.returns.returned')}</th>
              <th>{t('desk.returns.rate')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => {
              const high = r.rate >= HIGH_RATE && r.dispatched >= MIN_DISPATCHED;
              return (
                <tr
                  key={r.unitId}
                  data-testid={`desk-returns-${r.unitId}`}
                  className={high ? 'due-overdue' : undefined}
                  title={high ? t('desk.returns.high') : undefined}
                >
                  <td>{unitName(r.unitId)}</td>
                  <td>{r.dispatched}</td>
                  <td>{r.returned}</td>
                  <td>{(r.rate * 100).toFixed(1)}%</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
