import { useState, type FormEvent } from 'react';
import { HttpError } from '../api.js';
import { useI18n } from '../i18n.js';
import { failureLine } from '../refusal-words.js';
import { importAccounts } from './accounts-api.js';

/** One refused line of a CSV import, as the API details it (users/csv-import.ts). */
interface CsvProblem {
  line: number;
  message: string;
}

const problemsOf = (details: unknown): CsvProblem[] =>
  Array.isArray(details) ? details.filter((p): p is CsvProblem => typeof p === 'object' && p !== null && typeof (p as CsvProblem).line === 'number') : [];

/**
 * Accounts from a CSV file (issue 11 item 1): the file is read in the browser and sent to the
 * import API as text; a refused file lists each problem with its line number (nothing was
 * created), an accepted one each account's first password, once.
 */
export function AccountsCsvImport({ onImported }: { onImported: () => void }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<CsvProblem[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [created, setCreated] = useState<{ username: string; password: string }[] | null>(null);

  const upload = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setProblems(null);
    setFailure(null);
    setCreated(null);
    try {
      const res = await importAccounts(await file.text());
      setCreated(res.created.map((c) => ({ username: c.user.username, password: c.password })));
      onImported();
    } catch (err) {
      const listed = err instanceof HttpError ? problemsOf(err.details) : [];
      if (listed.length > 0) setProblems(listed);
      else setFailure(failureLine(t, 'admin', t('admin.failed'), err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="accounts-csv" data-testid="csv-form" onSubmit={(e) => void upload(e)}>
      <h2>{t('admin.csv.title')}</h2>
      <p className="hint">{t('admin.csv.hint')}</p>
      <input
        type="file"
        accept=".csv,text/csv"
        aria-label={t('admin.csv.file')}
        data-testid="csv-file"
        onChange={(e) => setFile(e.target.files?.[0] ?? null)}
      />
      <button type="submit" data-testid="csv-upload" disabled={!file || busy}>
        {t('admin.csv.upload')}
      </button>
      {problems && (
        <div className="banner banner-error" role="alert" data-testid="csv-problems">
          {t('admin.error.ACCOUNTS_CSV_INVALID')}
          <ul>
            {problems.map((p, i) => (
              <li key={i} data-testid="csv-problem">
                {t('admin.csv.line').replace('{line}', String(p.line))}: {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {failure && (
        <div className="banner banner-error" role="alert">
          {failure}
        </div>
      )}
      {created && (
        <div className="banner banner-warn" role="status" data-testid="csv-created">
          {t('admin.csv.created').replace('{n}', String(created.length))}
          <ul>
            {created.map((c) => (
              <li key={c.username}>
                {c.username}: <code>{c.password}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
