import { useCallback, useEffect, useRef, useState } from 'react';
import { HttpError, type User } from '../api.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { PageHeader } from '../components/PageHeader.js';
import * as api from './config-api.js';
import {
  EDITABLE_FILES,
  type ConfigDiff,
  type ConfigFile,
  type ConfigProblem,
  type ConfigVersion,
  type ConfigVersions,
  type EditableFile,
} from './config-api.js';
import { PromptUploads } from './PromptUploads.js';
import { RouteSimulator } from './RouteSimulator.js';
import { YamlEditor } from './YamlEditor.js';
import { useLatestLoad } from '../use-latest-load.js';
import './config-editor.css';

interface Props {
  user: User;
  onSignedOut: () => void;
}

function withoutKey<K, V>(m: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
  const next = new Map(m);
  next.delete(key);
  return next;
}

/** A file's text and the configuration version it was read at (GET /api/admin/config/files/:file). */
type FileBase = Pick<ConfigFile, 'text' | 'version'>;

const sameFile = (file: EditableFile) => (p: ConfigProblem) => p.file === file || p.file.endsWith(`/${file}`) || p.file.endsWith(`\\${file}`);

/** The version history: compare any version with the running one, roll back to it. */
function History({ versions, running, onRollback }: { versions: ConfigVersion[]; running: number; onRollback: (id: number) => void }) {
  const { t } = useI18n();
  const [diff, setDiff] = useState<{ id: number; patches: ConfigDiff['files'] } | null>(null);
  // A diff against an older running version would mislead: drop it when the running one changes.
  const diffs = useLatestLoad();
  useEffect(() => {
    diffs.begin();
    setDiff(null);
  }, [running, diffs]);
  // Only the diff asked for last shows (another version's, answered later, would show under it).
  const show = (id: number) => {
    const current = diffs.begin();
    return api.diffVersions(id, running).then(
      (r) => current() && setDiff({ id, patches: r.files }),
      () => current() && setDiff(null),
    );
  };
  return (
    <section className="config-history" data-testid="config-history">
      <h2>{t('config.history')}</h2>
      <table>
        <thead>
          <tr>
            <th>#</th>
            <th>{t('config.history.at')}</th>
            <th>{t('config.history.source')}</th>
            <th>{t('config.history.author')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.id} data-testid={`version-${v.id}`}>
              <td>{v.id}</td>
              <td>{new Date(v.at).toLocaleString()}</td>
              <td>
                {t(`config.source.${v.source}` as MessageKey)}
                {v.rollbackOf !== null && ` → #${v.rollbackOf}`}
              </td>
              <td>{v.actorUsername ?? '—'}</td>
              <td>
                {v.id === running ? (
                  <span className="running">{t('config.history.running')}</span>
                ) : (
                  <>
                    <button type="button" data-testid="diff" onClick={() => void show(v.id)}>
                      {t('config.history.diff')}
                    </button>
                    <button type="button" data-testid="rollback" onClick={() => onRollback(v.id)}>
                      {t('config.history.rollback')}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {diff && (
        <div data-testid="diff-view">
          <h3>
            #{diff.id} → #{running}
          </h3>
          {diff.patches.length === 0 ? <p>{t('config.history.noDiff')}</p> : diff.patches.map((p) => <pre key={p.file}>{p.patch}</pre>)}
        </div>
      )}
    </section>
  );
}

/**
 * The administrator's config editor (issue 11 items 4-5): numbers.yaml and ivr.yaml as YAML with
 * the server loader's FILE:LINE:COL problems inline (checked as one types), saved against the
 * version it was opened at (a conflict is refused, never overwritten), the prompts (upload a WAV
 * for a name the configuration uses), and the history.
 */
export function ConfigEditorPage({ user, onSignedOut }: Props) {
  const { t } = useI18n();
  const [file, setFile] = useState<EditableFile>('numbers.yaml');
  const [base, setBase] = useState<FileBase | null>(null);
  const [draft, setDraft] = useState('');
  const [problems, setProblems] = useState<ConfigProblem[]>([]);
  const [warnings, setWarnings] = useState<ConfigProblem[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [history, setHistory] = useState<Pick<ConfigVersions, 'running' | 'versions'>>({ running: 0, versions: [] });
  const checkTimer = useRef<number | undefined>(undefined);
  // Unsaved drafts of the files not shown: switching files keeps them (an administrator moving
  // between numbers.yaml and ivr.yaml to compare must not lose an edit); Reload, Discard and a
  // rollback drop the shown file's draft on purpose.
  const [drafts, setDrafts] = useState<ReadonlyMap<EditableFile, { base: FileBase; draft: string }>>(new Map());
  const dirty = base !== null && draft !== base.text;

  // Only the newest read fills the editor and only the newest check marks it: after a switch of
  // file a slow answer for the file just left would put its text (and version) under this one.
  const reads = useLatestLoad();
  const checks = useLatestLoad();
  const load = useCallback(
    (f: EditableFile) => {
      setProblems([]);
      setWarnings([]);
      window.clearTimeout(checkTimer.current);
      checks.begin();
      const current = reads.begin();
      return api.readFile(f).then((r) => {
        if (!current()) return;
        setBase({ text: r.text, version: r.version });
        setDraft(r.text);
      });
    },
    [reads, checks],
  );
  // Back to a file with a kept draft: the draft again, against the version it was made on (if the
  // file changed meanwhile, saving is refused as a conflict and the administrator is told so now).
  const open = (f: EditableFile) => {
    const kept = drafts.get(f);
    if (!kept) {
      // Nothing of the file left shows under this one's name while it loads (Save and the unsaved
      // mark would act on the other file's text).
      setBase(null);
      setDraft('');
      return load(f);
    }
    setProblems([]);
    setWarnings([]);
    window.clearTimeout(checkTimer.current);
    checks.begin();
    const current = reads.begin();
    setBase(kept.base);
    setDraft(kept.draft);
    setDrafts((m) => withoutKey(m, f));
    void check(kept.draft).catch(() => undefined);
    return api.readFile(f).then((r) => {
      if (current() && r.version !== kept.base.version) setMessage({ ok: false, text: t('config.draftStale') });
    });
  };
  const switchTo = (f: EditableFile) => {
    if (f === file) return;
    if (base && dirty) setDrafts((m) => new Map(m).set(file, { base, draft }));
    setFile(f);
  };
  // Leaving the page with unsaved drafts asks first.
  const unsaved = dirty || drafts.size > 0;
  useEffect(() => {
    if (!unsaved) return;
    const ask = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, [unsaved]);
  const loadHistory = useCallback(() => api.listVersions().then(setHistory, () => undefined), []);
  useEffect(() => {
    void open(file).catch(() => setMessage({ ok: false, text: t('config.failed') }));
    // Opened when the file changes (the kept drafts are read then, not a reason to reopen).
  }, [file]);
  useEffect(() => void loadHistory(), [loadHistory]);

  const check = useCallback(
    (text: string) => {
      const current = checks.begin();
      return api.checkFile(file, text).then((r) => {
        if (current()) {
          setProblems(r.problems);
          setWarnings(r.warnings);
        }
        return r.ok;
      });
    },
    [file, checks],
  );
  // Checked as one types (after a pause), so the marks follow the text.
  const edit = (text: string) => {
    setDraft(text);
    window.clearTimeout(checkTimer.current);
    checkTimer.current = window.setTimeout(() => void check(text).catch(() => undefined), 400);
  };
  useEffect(() => () => window.clearTimeout(checkTimer.current), []);

  const refused = (err: unknown) => {
    if (err instanceof HttpError && err.code === 'CONFIG_VERSION_CONFLICT') setMessage({ ok: false, text: t('config.conflict') });
    else if (err instanceof HttpError && err.code === 'CONFIG_INVALID') {
      setProblems(api.problemsOf(err.details));
      setMessage({ ok: false, text: t('config.invalid') });
    } else setMessage({ ok: false, text: t('config.failed') });
  };
  const save = async () => {
    if (!base) return;
    window.clearTimeout(checkTimer.current);
    try {
      const r = await api.saveFile(file, draft, base.version);
      setBase({ text: draft, version: r.version });
      setProblems([]);
      setWarnings(r.warnings);
      setMessage({ ok: true, text: r.changed ? `${t('config.saved')} #${r.version}` : t('config.unchanged') });
      await loadHistory();
    } catch (err) {
      refused(err);
    }
  };
  const validate = () =>
    void check(draft).then(
      (ok) => setMessage({ ok, text: t(ok ? 'config.valid' : 'config.hasErrors') }),
      () => setMessage({ ok: false, text: t('config.failed') }),
    );
  const rollbackTo = async (id: number) => {
    try {
      const r = await api.rollback(id, history.running);
      setMessage({ ok: true, text: `${t('config.history.rolledBack')} #${r.version}` });
      await Promise.all([load(file), loadHistory()]);
    } catch (err) {
      refused(err);
    }
  };
  const mine = problems.filter(sameFile(file));
  const others = problems.filter((p) => !sameFile(file)(p));

  return (
    <div className="console config-editor" data-testid="config-page">
      <PageHeader title={t('config.title')} backLabel={t('config.back')} user={user} onSignedOut={onSignedOut} />
      {message && (
        <div className={`banner ${message.ok ? 'banner-ok' : 'banner-error'}`} role="status" data-testid="config-message">
          {message.text}
        </div>
      )}
      <div className="config-toolbar">
        {EDITABLE_FILES.map((f) => (
          <button
            key={f}
            type="button"
            className={f === file ? 'active' : ''}
            data-testid={`file-${f}`}
            data-unsaved={(f === file ? dirty : drafts.has(f)) ? 'true' : 'false'}
            title={(f === file ? dirty : drafts.has(f)) ? t('config.unsavedDraft') : undefined}
            onClick={() => switchTo(f)}
          >
            {f}
            {(f === file ? dirty : drafts.has(f)) && ' •'}
          </button>
        ))}
        <span data-testid="config-version">
          {t('config.version')} #{base?.version ?? '…'}
        </span>
        <button type="button" data-testid="check" onClick={validate}>
          {t('config.check')}
        </button>
        <button type="button" data-testid="save" disabled={!base || draft === base.text} onClick={() => void save()}>
          {t('config.save')}
        </button>
        <button type="button" data-testid="revert" disabled={!base || draft === base.text} onClick={() => base && edit(base.text)}>
          {t('config.revert')}
        </button>
        <button type="button" data-testid="reload" onClick={() => void Promise.all([load(file), loadHistory()]).then(() => setMessage(null))}>
          {t('config.reload')}
        </button>
      </div>
      <YamlEditor value={draft} onChange={edit} problems={mine} label={`${t('config.editorLabel')} ${file}`} />
      {(problems.length > 0 || warnings.length > 0) && (
        <ul className="config-problems" data-testid="problems">
          {[...mine, ...others].map((p) => (
            <li key={p.text} className="problem-error" data-testid="problem">
              {p.text}
            </li>
          ))}
          {warnings.map((p) => (
            <li key={p.text} className="problem-warning" data-testid="warning">
              {p.text}
            </li>
          ))}
        </ul>
      )}
      <RouteSimulator file={file} draft={draft} />
      <PromptUploads version={history.running} />
      <History versions={history.versions} running={history.running} onRollback={(id) => void rollbackTo(id)} />
    </div>
  );
}
