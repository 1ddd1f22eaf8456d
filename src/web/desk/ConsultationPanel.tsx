/**
 * The daily consultation list (每日会商, GET /api/desk/consultation): for a Beijing day (default
 * yesterday) the returns units disputed, the orders past their deadline at the end of the day
 * and the orders unsatisfied again, by unit; an order opens on the right; the same list as an
 * Excel workbook for the meeting.
 */
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.js';
import { consultation, type Consultation, type ConsultationKind } from './api.js';
import { errorText } from './desk-format.js';

const KINDS: readonly ConsultationKind[] = ['disputed_return', 'overdue', 'unsatisfied_again'];

/** Yesterday in Beijing time, YYYY-MM-DD. */
function beijingYesterday(): string {
  return new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
}

const beijingTime = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(5, 16).replace('T', ' ');

export function ConsultationPanel(props: { unitName: (id: string | null | undefined) => string; onOpen: (id: number) => void; refresh: number }) {
  const { t, lang } = useI18n();
  const [day, setDay] = useState(beijingYesterday);
  const [list, setList] = useState<Consultation | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    consultation(day).then(
      (r) => {
        if (!live) return;
        setList(r);
        setError(null);
      },
      (err: unknown) => live && setError(errorText(t, err)),
    );
    return () => {
      live = false;
    };
  }, [day, props.refresh, t]);

  return (
    <section data-testid="desk-consultation">
      <div className="desk-returns-head">
        <h2>{t('desk.consultation.title')}</h2>
        <label className="desk-small">
          {t('desk.consultation.day')}{' '}
          <input type="date" value={day} data-testid="desk-consultation-day" onChange={(e) => e.target.value && setDay(e.target.value)} />
        </label>
        <a href={`/api/desk/consultation.xlsx?day=${day}&lang=${lang === 'en' ? 'en' : 'zh'}`} data-testid="desk-consultation-xlsx" download>
          {t('desk.consultation.download')}
        </a>
      </div>
      {error && <p className="error">{error}</p>}
      {list && (
        <p className="desk-small" data-testid="desk-consultation-totals">
          {KINDS.map((k) => `${t(`desk.consultation.kind.${k}`)} ${list.totals[k]}`).join(' · ')}
        </p>
      )}
      {list && list.units.length === 0 && <p className="muted">{t('desk.consultation.none')}</p>}
      {list?.units.map((u) => (
        <div key={u.unitId} className="desk-consultation-unit" data-testid={`desk-consultation-${u.unitId}`}>
          <h3>{props.unitName(u.unitId)}</h3>
          <table className="desk-table">
            <tbody>
              {u.items.map((i) => (
                <tr key={`${i.kind}-${i.orderId}-${i.at}`} className={i.kind === 'overdue' ? 'due-overdue' : undefined}>
                  <td>{t(`desk.consultation.kind.${i.kind}`)}</td>
                  <td>
                    <button type="button" className="link" onClick={() => props.onOpen(i.orderId)}>
                      {i.number}
                    </button>
                  </td>
                  <td>{i.subject ?? ''}</td>
                  <td>{beijingTime(i.at)}</td>
                  <td>
                    {i.kind === 'overdue'
                      ? t('desk.consultation.hoursOverdue').replace('{n}', String(i.count))
                      : i.kind === 'unsatisfied_again'
                        ? t('desk.consultation.nth').replace('{n}', String(i.count))
                        : ''}
                    {i.note ? ` ${i.note}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}
