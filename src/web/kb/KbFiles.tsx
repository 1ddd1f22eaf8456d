import { useCallback, useEffect, useState } from 'react';
import { bodyImageRef } from '../../contract/kb-body.js';
import { useI18n } from '../i18n.js';
import { failureLine } from '../refusal-words.js';
import * as api from './kb-api.js';
import type { KbFile } from './kb-api.js';

const isImage = (f: KbFile) => f.mediaType.startsWith('image/');

/**
 * An article version's images (shown in place) and files (links to download), as the server lets
 * the reader see them. With `articleId` (the version is the editor's draft) files can be added
 * and removed.
 */
export function KbFiles({
  versionId,
  articleId,
  onPlace,
}: {
  versionId: number;
  articleId?: number | undefined;
  /** The draft's editors place an image in the body with its reference. */
  onPlace?: ((ref: string) => void) | undefined;
}) {
  const { t } = useI18n();
  const [files, setFiles] = useState<KbFile[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reload = useCallback(() => void api.listFiles(versionId).then(setFiles, () => setFiles([])), [versionId]);
  useEffect(reload, [reload]);

  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await action();
    } catch (err) {
      setError(failureLine(t, 'kb', t('kb.files.failed'), err));
    } finally {
      setBusy(false);
      reload();
    }
  };

  if (files.length === 0 && articleId === undefined) return null;
  const images = files.filter(isImage);
  const others = files.filter((f) => !isImage(f));
  return (
    <div className="kb-files" data-testid="kb-files">
      <h4>{t('kb.files')}</h4>
      <div className="kb-images">
        {images.map((f) => (
          <figure key={f.id} data-testid="kb-image">
            <a href={api.fileUrl(f)} target="_blank" rel="noreferrer">
              <img src={api.fileUrl(f)} alt={f.fileName} loading="lazy" />
            </a>
            <figcaption>
              {f.fileName}
              {articleId !== undefined && <Remove onClick={() => void run(() => api.removeFile(articleId, f.id))} disabled={busy} />}
              {articleId !== undefined && onPlace && (
                <button type="button" className="link" data-testid="kb-image-place" disabled={busy} onClick={() => onPlace(bodyImageRef(f.fileName, f.id))}>
                  {t('kb.files.place')}
                </button>
              )}
            </figcaption>
          </figure>
        ))}
      </div>
      <ul>
        {others.map((f) => (
          <li key={f.id} data-testid="kb-file">
            <a href={api.fileUrl(f)} download={f.fileName}>
              {f.fileName}
            </a>{' '}
            <span className="kb-hit-meta">{Math.max(1, Math.round(f.size / 1024))} KB</span>
            {articleId !== undefined && <Remove onClick={() => void run(() => api.removeFile(articleId, f.id))} disabled={busy} />}
          </li>
        ))}
      </ul>
      {articleId !== undefined && (
        <label className="kb-files-add">
          {t('kb.files.add')}
          <input
            type="file"
            data-testid="kb-files-input"
            multiple
            accept=".pdf,.jpg,.jpeg,.png,.docx,.xlsx"
            disabled={busy}
            onChange={(e) => {
              const chosen = [...(e.target.files ?? [])];
              e.target.value = '';
              if (chosen.length > 0) void run(() => api.addFiles(articleId, chosen));
            }}
          />
          <span className="kb-hit-meta">{t('kb.files.hint')}</span>
        </label>
      )}
      {error && (
        <p className="banner banner-error" role="status" data-testid="kb-files-error">
          {error}
        </p>
      )}
    </div>
  );
}

function Remove({ onClick, disabled }: { onClick: () => void; disabled: boolean }) {
  const { t } = useI18n();
  return (
    <button type="button" className="link" data-testid="kb-file-remove" onClick={onClick} disabled={disabled}>
      {t('kb.files.remove')}
    </button>
  );
}
