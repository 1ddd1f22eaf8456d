import { useEffect, useState } from 'react';
import { useI18n, type MessageKey } from '../i18n.js';
import { listAudit, type AuditEntry } from './accounts-api.js';

/** Details as one line: `key: value` pairs (values as JSON unless plain text). */
const detailsLine = (d: Record<string, unknown>) =>
  Object.entries(d)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');

/**
 * The admin audit log (issue 11 item 1: every admin action in an audit log), newest first: who
 * did what to which account (accounts, passwords, skills, live penalties, prompt uploads).
 * Reloaded whenever `reloadKey` changes (after each action on the page).
 */
export function AdminAuditLog({ reloadKey }: { reloadKey: unknown }) {
  const { t } = useI18n();
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  useEffect(() => {
    listAudit().then(setEntries, () => undefined);
  }, [reloadKey]);
  return (
    <section className="accounts-audit" data-testid="audit-log">
      <h2>{t('admin.audit.title')}</h2>
      <table className="accounts-table">
        <thead>
          <tr>
            <th>{t('admin.audit.at')}</th>
            <th>{t('admin.audit.actor')}</th>
            <th>{t('admin.audit.action')}</th>
            <th>{t('admin.audit.target')}</th>
            <th>{t('admin.audit.details')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-testid="audit-entry">
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>{e.actorUsername ?? `#${e.actorId}`}</td>
              <td>{t(`admin.audit.action.${e.action}` as MessageKey)}</td>
              <td>{e.targetUsername ?? (e.targetUserId === null ? '—' : `#${e.targetUserId}`)}</td>
              <td>{detailsLine(e.details)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
