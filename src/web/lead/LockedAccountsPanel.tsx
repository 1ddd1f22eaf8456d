/**
 * Locked logins on the shift-lead page (issue 11 item 1): the agents and dispatchers whose login is
 * locked after repeated wrong passwords (GET /api/lead/locked-accounts), each with 解锁 (POST
 * /api/admin/users/:id/unlock, which shift leads may call). A locked agent cannot log in, so has no
 * row among the logged-in agents: hence a list of its own, shown only while there is a lock, read
 * again every 20 s (a lock has no live event) and after each unlock.
 */
import { useCallback, useEffect, useState } from 'react';
import { call, HttpError } from '../api.js';
import { duration } from '../format.js';
import { useI18n } from '../i18n.js';
import type { LockedAccount, LockedAccounts } from '../../contract/http-accounts.js';

const REFRESH_MS = 20_000;

interface Props {
  /** The page's ticking clock: the time left counts down between reads. */
  now: number;
  onDone: () => void;
  onFailed: (code: string, message: string) => void;
}

export function LockedAccountsPanel({ now, onDone, onFailed }: Props) {
  const { t } = useI18n();
  const [read, setRead] = useState<{ at: number; accounts: LockedAccount[] }>({ at: 0, accounts: [] });
  const reload = useCallback(
    () =>
      call<LockedAccounts>('GET', '/api/lead/locked-accounts').then(
        (r) => setRead({ at: Date.now(), accounts: r.accounts }),
        () => undefined,
      ),
    [],
  );
  useEffect(() => {
    void reload();
    const timer = setInterval(() => void reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const unlock = (a: LockedAccount) =>
    call<void>('POST', `/api/admin/users/${a.id}/unlock`).then(
      () => {
        onDone();
        return reload();
      },
      (err: unknown) => onFailed(err instanceof HttpError ? err.code : 'HTTP_ERROR', err instanceof Error ? err.message : String(err)),
    );

  const left = (a: LockedAccount) => a.lockedForMs - Math.max(0, now - read.at);
  const accounts = read.accounts.filter((a) => left(a) > 0);
  if (accounts.length === 0) return null;
  return (
    <section className="card lead-locked" data-testid="lead-locked">
      <h2>
        {t('lead.locked')} <span className="lead-count">{accounts.length}</span>
      </h2>
      <p className="muted">{t('lead.locked.hint')}</p>
      <table className="lead-table">
        <thead>
          <tr>
            <th>{t('lead.locked.name')}</th>
            <th>{t('lead.locked.role')}</th>
            <th>{t('lead.locked.remaining')}</th>
            <th>{t('lead.agents.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((a) => (
            <tr key={a.id} data-testid="locked-account" data-user-id={a.id}>
              <td className="lead-agent-name">
                {a.displayName} <span className="muted">({a.username})</span>
              </td>
              <td>{t(`admin.role.${a.role}`)}</td>
              <td className="lead-wait">{duration(left(a))}</td>
              <td className="lead-actions">
                <button type="button" data-testid="locked-unlock" onClick={() => void unlock(a)}>
                  {t('lead.locked.unlock')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
