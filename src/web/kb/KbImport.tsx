import { useState } from 'react';
import { HttpError } from '../api.js';
import { useI18n } from '../i18n.js';
import { failureLine } from '../refusal-words.js';
import * as api from './kb-api.js';

/** A file's bytes as base64 (an Excel workbook in the JSON import body). */
async function base64Of(f: File): Promise<string> {
  const bytes = new Uint8Array(await f.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Bulk import for a unit's editors (issue 15 item 6): a department's FAQ list as CSV or an Excel
 * workbook (.xlsx), or Markdown files with front matter, imported as drafts. All or nothing: the server's problems are listed
 * as FILE:LINE:COL so the department can fix its file.
 */
export function KbImport({ onImported }: { onImported: () => void }) {
  const { t } = useI18n();
  const [result, setResult] = useState<{ ok: boolean; lines: string[] } | null>(null);
  const [busy, setBusy] = useState(false);

  const importFiles = async (chosen: File[]) => {
    setResult(null);
    const csv = chosen.every((f) => f.name.toLowerCase().endsWith('.csv'));
    const markdown = chosen.every((f) => /\.(md|markdown)$/i.test(f.name));
    const xlsx = chosen.every((f) => f.name.toLowerCase().endsWith('.xlsx'));
    if (!csv && !markdown && !xlsx) {
      setResult({ ok: false, lines: [t('kb.import.oneKind')] });
      return;
    }
    setBusy(true);
    try {
      const { imported } = xlsx
        ? await api.importArticles({ format: 'xlsx', files: await Promise.all(chosen.map(async (f) => ({ name: f.name, data: await base64Of(f) }))) })
        : await api.importArticles({
            format: csv ? 'csv' : 'markdown',
            files: await Promise.all(chosen.map(async (f) => ({ name: f.name, text: await f.text() }))),
          });
      setResult({ ok: true, lines: [t('kb.import.done').replace('{count}', String(imported.length))] });
      onImported();
    } catch (err) {
      const problems = err instanceof HttpError ? (err.details as { problems?: string[] } | undefined)?.problems : undefined;
      setResult({ ok: false, lines: problems ?? [failureLine(t, 'kb', t('kb.failed'), err)] });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="kb-import" data-testid="kb-import">
      <label className="kb-files-add">
        {t('kb.import.title')}
        <input
          type="file"
          data-testid="kb-import-input"
          multiple
          accept=".csv,.xlsx,.md,.markdown"
          disabled={busy}
          onChange={(e) => {
            const chosen = [...(e.target.files ?? [])];
            e.target.value = '';
            if (chosen.length > 0) void importFiles(chosen);
          }}
        />
        <span className="kb-hit-meta">{t('kb.import.hint')}</span>
      </label>
      {result && (
        <ul className={`banner ${result.ok ? 'banner-ok' : 'banner-error'}`} role="status" data-testid="kb-import-result">
          {result.lines.map((l, i) => (
            <li key={i}>{l}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
