import { useCallback, useEffect, useState } from 'react';
import { HttpError } from '../api.js';
import { useI18n } from '../i18n.js';
import { refusalWords } from '../refusal-words.js';
import { listPrompts, promptAudioUrl, uploadPrompt, UPLOAD_NAME, type PromptList, type PromptRow } from './prompts-api.js';

/** The refusals the upload has words for; anything else is "failed". */

function Files({ row }: { row: PromptRow }) {
  const { t } = useI18n();
  if (row.files.length === 0) return <span className="problem-error">{t('config.prompts.missing')}</span>;
  return (
    <>
      {row.files.map((f) => (
        <div key={f.file}>
          {f.file}
          {f.seconds !== null && ` · ${f.seconds.toFixed(1)} ${t('config.prompts.seconds')}`}
          {f.playable === false && <span className="problem-warning"> · {t('config.prompts.notPlayable')}</span>}
        </div>
      ))}
    </>
  );
}

/**
 * Prompts (issue 11 item 5): each sound the running numbers.yaml and ivr.yaml name, where, and
 * what the sounds folder holds for it; a WAV or MP3 uploaded for a name becomes the 8 kHz mono file
 * Asterisk plays (converted by the server). `version` reloads the list after a save.
 */
export function PromptUploads({ version }: { version: number | undefined }) {
  const { t } = useI18n();
  const [list, setList] = useState<PromptList | null>(null);
  const [name, setName] = useState('sunline/');
  const [file, setFile] = useState<File | null>(null);
  // A new key empties the file input after an upload (its chosen file cannot be cleared otherwise).
  const [inputKey, setInputKey] = useState(0);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const load = useCallback(() => listPrompts().then(setList, () => setMessage({ ok: false, text: t('config.failed') })), [t]);
  useEffect(() => void load(), [load, version]);

  const upload = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    try {
      const r = await uploadPrompt(name, file);
      setMessage({ ok: true, text: `${t('config.prompts.uploaded')} ${r.file} (${r.seconds.toFixed(1)} ${t('config.prompts.seconds')})` });
      setFile(null);
      setInputKey((k) => k + 1);
      await load();
    } catch (err) {
      const words = err instanceof HttpError ? refusalWords(t, 'config.prompts', err.code) : undefined;
      setMessage({ ok: false, text: words ?? (err instanceof HttpError ? `${t('config.failed')}: ${err.code}` : t('config.failed')) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="config-prompts" data-testid="config-prompts">
      <h2>{t('config.prompts.title')}</h2>
      <p className="hint">{t('config.prompts.hint')}</p>
      {list && !list.reachable && <div className="banner banner-error">{t('config.prompts.unreachable')}</div>}
      {message && (
        <div className={`banner ${message.ok ? 'banner-ok' : 'banner-error'}`} role="status" data-testid="prompt-message">
          {message.text}
        </div>
      )}
      <form onSubmit={(e) => void upload(e)}>
        <label>
          {t('config.prompts.name')}
          <input data-testid="prompt-name" value={name} onChange={(e) => setName(e.target.value.trim())} list="prompt-names" />
          <datalist id="prompt-names">
            {list?.prompts
              .filter((p) => UPLOAD_NAME.test(p.name))
              .map((p) => (
                <option key={p.name} value={p.name} />
              ))}
          </datalist>
        </label>
        <label>
          {t('config.prompts.file')}
          <input
            key={inputKey}
            data-testid="prompt-file"
            type="file"
            accept=".wav,.mp3,audio/wav,audio/x-wav,audio/mpeg"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </label>
        <button type="submit" data-testid="prompt-upload" disabled={busy || !file || !UPLOAD_NAME.test(name)}>
          {t('config.prompts.upload')}
        </button>
      </form>
      <table>
        <thead>
          <tr>
            <th>{t('config.prompts.name')}</th>
            <th>{t('config.prompts.uses')}</th>
            <th>{t('config.prompts.files')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list?.prompts.map((p) => (
            <tr key={p.name} data-testid={`prompt-${p.name}`}>
              <td>{p.name}</td>
              <td>{p.uses.length === 0 ? t('config.prompts.unused') : p.uses.map((u) => <div key={u}>{u}</div>)}</td>
              <td>
                <Files row={p} />
              </td>
              <td>
                {UPLOAD_NAME.test(p.name) && (
                  <button type="button" data-testid="prompt-pick" onClick={() => setName(p.name)}>
                    {t('config.prompts.replace')}
                  </button>
                )}
                {p.files.some((f) => f.file === `${p.name}.wav`) && <audio controls preload="none" src={promptAudioUrl(p.name)} />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
