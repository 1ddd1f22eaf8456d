import { useEffect, useState } from 'react';
import { bodyParts } from '../../contract/kb-body.js';
import { useI18n } from '../i18n.js';
import * as api from './kb-api.js';
import type { KbFile } from './kb-api.js';

/**
 * An article version's body as written (plain text, no HTML from the article), with each
 * `![alt](attachment:ID)` shown as that image when ID is an image attached to this very version;
 * any other reference shows as a note, never as a link or an image from elsewhere.
 */
export function KbBody({ versionId, body, testId }: { versionId: number; body: string; testId?: string | undefined }) {
  const { t } = useI18n();
  const parts = bodyParts(body);
  const placesImages = parts.some((p) => 'image' in p);
  const [images, setImages] = useState<ReadonlyMap<number, KbFile>>(new Map());
  useEffect(() => {
    if (!placesImages) return;
    let current = true;
    api.listFiles(versionId).then(
      (files) => current && setImages(new Map(files.filter((f) => f.mediaType.startsWith('image/')).map((f) => [f.id, f]))),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [versionId, placesImages]);
  return (
    <pre className="kb-body-text" data-testid={testId}>
      {parts.map((p, i) => {
        if ('text' in p) return <span key={i}>{p.text}</span>;
        const f = images.get(p.image.attachmentId);
        return f ? (
          <img key={i} className="kb-body-image" data-testid="kb-body-image" src={api.fileUrl(f)} alt={p.image.alt || f.fileName} />
        ) : (
          <span key={i} className="kb-flag" data-testid="kb-body-image-missing">
            [{t('kb.body.imageMissing')}]
          </span>
        );
      })}
    </pre>
  );
}
