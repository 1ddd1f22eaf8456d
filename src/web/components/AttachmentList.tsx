import { attachmentUrl, type Attachment } from '../unit/api.js';

interface Props {
  orderId: number;
  files: readonly Attachment[];
  /** Shown when there is no file. */
  empty: string;
  className: string;
  testId: string;
}

/** An order's files as download links with their sizes (unit portal, order desk). */
export function AttachmentList({ orderId, files, empty, className, testId }: Props) {
  if (files.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className={className} data-testid={testId}>
      {files.map((f) => (
        <li key={f.id}>
          <a href={attachmentUrl(orderId, f.id)} download={f.fileName}>
            {f.fileName}
          </a>{' '}
          <span className="muted">{(f.size / 1024).toFixed(1)} KB</span>
        </li>
      ))}
    </ul>
  );
}

/** The names of the files an event brought, after the event in a history. */
export function EventFiles({ files, eventId, label }: { files: readonly Attachment[]; eventId: number; label: string }) {
  const mine = files.filter((f) => f.eventId === eventId);
  if (mine.length === 0) return null;
  return (
    <span className="muted">
      {' '}
      · {label}: {mine.map((f) => f.fileName).join('、')}
    </span>
  );
}
