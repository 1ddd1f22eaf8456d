import type { QueueStats, WaitingCaller } from '../../contract/index.js';
import { duration } from '../format.js';
import { useI18n } from '../i18n.js';

const percent = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
const wait = (ms: number | null) => (ms === null ? '—' : duration(ms));

function Figure({ id, label, value, sub, tone }: { id: string; label: string; value: string; sub?: string; tone?: 'good' | 'bad' | undefined }) {
  return (
    <div className={`lead-figure ${tone ?? ''}`}>
      <div className="lead-figure-value" data-testid={`stat-${id}`}>
        {value}
      </div>
      <div className="lead-figure-label">{label}</div>
      {sub && <div className="lead-figure-sub">{sub}</div>}
    </div>
  );
}

/** Today's figures, big enough for a wallboard; the longest wait now ticks with the clock. */
export function StatsPanel({ stats, waiting, now }: { stats: QueueStats | null; waiting: WaitingCaller[]; now: number }) {
  const { t, lang } = useI18n();
  const longestNow = waiting.reduce<number | null>((m, w) => Math.max(m ?? 0, now - w.enteredAt), null);
  const abandoned = stats ? stats.abandonedInQueue + stats.abandonedAtFrontDoor : null;
  const rate = stats?.answerRate15s ?? null;
  return (
    <section className="card lead-stats" data-testid="lead-stats">
      <h2>{t('lead.stats')}</h2>
      <div className="lead-figures">
        <Figure id="rate15" label={t('lead.stats.rate15')} value={percent(rate)} tone={rate === null ? undefined : rate >= 0.8 ? 'good' : 'bad'} />
        <Figure id="calls-in" label={t('lead.stats.callsIn')} value={stats ? String(stats.callsIn) : '—'} />
        <Figure id="answered" label={t('lead.stats.answered')} value={stats ? String(stats.answered) : '—'} />
        <Figure
          id="abandoned"
          label={t('lead.stats.abandoned')}
          value={abandoned === null ? '—' : String(abandoned)}
          sub={
            stats
              ? `${t('lead.stats.abandonedDetail')}: ${stats.abandonedInQueue} / ${stats.abandonedAtFrontDoor} · ${t('lead.stats.abandonRate')} ${percent(stats.abandonRate)}`
              : ''
          }
        />
        <Figure id="waiting" label={t('lead.stats.waitingNow')} value={String(waiting.length)} />
        <Figure
          id="longest-now"
          label={t('lead.stats.longestNow')}
          value={wait(longestNow)}
          tone={longestNow !== null && longestNow > 15_000 ? 'bad' : undefined}
        />
        <Figure
          id="asa"
          label={t('lead.stats.asa')}
          value={wait(stats?.avgAnswerWaitMs ?? null)}
          sub={`${t('lead.stats.maxAnswerWait')} ${wait(stats?.maxAnswerWaitMs ?? null)}`}
        />
      </div>
      {stats && stats.byHotline.length > 0 && (
        <table className="lead-table lead-hotlines" data-testid="stats-by-hotline">
          <thead>
            <tr>
              <th>{t('lead.stats.hotline')}</th>
              <th>{t('lead.stats.callsIn')}</th>
              <th>{t('lead.stats.answered')}</th>
              <th>{t('lead.stats.rate15')}</th>
              <th>{t('lead.stats.abandoned')}</th>
            </tr>
          </thead>
          <tbody>
            {stats.byHotline.map((h) => (
              <tr key={h.hotline}>
                <td>
                  {h.hotline} {h.name && <span className="muted">{lang === 'en' ? h.name.en : h.name.zh}</span>}
                </td>
                <td>{h.callsIn}</td>
                <td>{h.answered}</td>
                <td>{percent(h.answered > 0 ? h.answeredWithin15s / h.answered : null)}</td>
                <td>{h.abandonedInQueue + h.abandonedAtFrontDoor}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
