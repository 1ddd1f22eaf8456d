import { useState, type FormEvent } from 'react';
import { HttpError } from '../api.js';
import { useI18n } from '../i18n.js';
import * as api from './config-api.js';
import type { EditableFile, RouteAnswer } from './config-api.js';

interface Props {
  /** The file being edited and its draft text: the simulation runs on it, unsaved. */
  file: EditableFile;
  draft: string;
}

/** The route simulator (issue 11 item 6) on the editor's draft: "a call from … to … at …". */
export function RouteSimulator({ file, draft }: Props) {
  const { t, lang } = useI18n();
  const [q, setQ] = useState({ dialled: '12345', from: '', at: '' });
  const [answer, setAnswer] = useState<RouteAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (e: FormEvent) => {
    e.preventDefault();
    try {
      setAnswer(await api.simulate({ dialled: q.dialled, from: q.from || undefined, at: q.at || undefined, draft: { file, text: draft } }));
      setError(null);
    } catch (err) {
      setAnswer(null);
      setError(err instanceof HttpError && err.code === 'CONFIG_INVALID' ? t('config.invalid') : t('config.sim.failed'));
    }
  };
  const name = (n: { zh: string; en?: string }) => (lang === 'en' && n.en ? n.en : n.zh);
  return (
    <section className="route-simulator" data-testid="route-simulator">
      <h2>{t('config.sim.title')}</h2>
      <form onSubmit={(e) => void run(e)}>
        <label>
          {t('config.sim.from')}
          <input data-testid="sim-from" value={q.from} placeholder="13800000000" onChange={(e) => setQ({ ...q, from: e.target.value })} />
        </label>
        <label>
          {t('config.sim.dialled')}
          <input data-testid="sim-dialled" value={q.dialled} required onChange={(e) => setQ({ ...q, dialled: e.target.value })} />
        </label>
        <label>
          {t('config.sim.at')}
          <input data-testid="sim-at" value={q.at} placeholder="2026-10-01 22:00" onChange={(e) => setQ({ ...q, at: e.target.value })} />
        </label>
        <button type="submit" data-testid="simulate">
          {t('config.sim.run')}
        </button>
      </form>
      {error && <p className="problem-error">{error}</p>}
      {answer && (
        <dl data-testid="sim-answer">
          <dt>{t('config.sim.hotline')}</dt>
          <dd data-testid="sim-hotline">
            {answer.hotline.number} {name(answer.hotline.name)}
            {!answer.listed && ` (${t('config.sim.unlisted')})`}
          </dd>
          <dt>{t('config.sim.time')}</dt>
          <dd data-testid="sim-line">
            {answer.local} ({answer.timezone}) · {t(answer.open ? 'config.sim.open' : 'config.sim.closed')}
            {answer.holiday && ` · ${t('config.sim.holiday')} ${answer.holiday}`}
          </dd>
          <dt>{t('config.sim.prompts')}</dt>
          <dd data-testid="sim-prompts">{answer.prompts.map((p) => `${t(`config.sim.prompt.${p.kind}`)}: ${p.chain.join(' → ')}`).join('；')}</dd>
          <dt>{t('config.sim.menu')}</dt>
          <dd>{answer.menu ? answer.menu.options.map((o) => `${o.digit} → ${o.number} ${o.name}`).join('；') : t('config.sim.none')}</dd>
          <dt>{t('config.sim.then')}</dt>
          <dd data-testid="sim-then">
            {answer.then === 'queue' ? `${t('config.sim.queue')} · ${t('config.sim.skill')} ${answer.hotline.skill}` : t('config.sim.hangup')}
          </dd>
          <dt>{t('config.sim.priority')}</dt>
          <dd data-testid="sim-priority">
            {answer.priority.total} ({t('config.sim.boost')} {answer.priority.hotlineBoost}
            {answer.priority.repeatCaller && ` + ${t('config.sim.repeat')} ${answer.priority.repeatBoost}`})
          </dd>
          <dt>{t('config.sim.agents')}</dt>
          <dd data-testid="sim-agents">
            {answer.agents.filter((a) => a.offered).length === 0
              ? t('config.sim.nobody')
              : answer.agents
                  .filter((a) => a.offered)
                  .map(
                    (a) =>
                      `${a.displayName} (${a.skillLevel === null ? '' : `${answer.hotline.skill}:${a.skillLevel}, `}${t('config.sim.penalty')} ${a.penalty})`,
                  )
                  .join('、')}
          </dd>
          <dt>{t('config.sim.overflow')}</dt>
          <dd data-testid="sim-overflow">
            {answer.agents
              .filter((a) => a.state === 'available' && a.tier === 'after_overflow')
              .map((a) => a.displayName)
              .join('、') || t('config.sim.none')}
            {` (${answer.hotline.overflowSeconds} s)`}
          </dd>
        </dl>
      )}
    </section>
  );
}
