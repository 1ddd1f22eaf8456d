import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { HttpError, units as loadUnits, type UnitInfo, type User } from '../api.js';
import { useI18n } from '../i18n.js';
import { refusalWords } from '../refusal-words.js';
import { PageHeader } from '../components/PageHeader.js';
import * as api from './accounts-api.js';
import { isStaffRole, STAFF_ROLES, type Account, type AccountInput, type StaffRole } from './accounts-api.js';
import { AccountsCsvImport } from './AccountsCsvImport.js';
import { AdminAuditLog } from './AdminAuditLog.js';
import { saveSkills, useAgentSkills } from '../skills-api.js';
import { SkillsField } from '../components/SkillsField.js';
import './accounts.css';

/** Where an administrator manages accounts (a link on the shift-lead page). */
export const ACCOUNTS_PATH = '/admin/accounts';

interface Props {
  user: User;
  onSignedOut: () => void;
}

/** Fields of an account as a form edits them. */
function AccountFields({ value, onChange, units }: { value: AccountInput; onChange: (v: AccountInput) => void; units: UnitInfo[] }) {
  const { t } = useI18n();
  return (
    <>
      <input
        aria-label={t('admin.displayName')}
        data-testid="field-name"
        value={value.displayName}
        maxLength={64}
        required
        onChange={(e) => onChange({ ...value, displayName: e.target.value })}
      />
      <select
        aria-label={t('admin.role')}
        data-testid="field-role"
        value={value.role}
        onChange={(e) => onChange({ ...value, role: e.target.value as StaffRole })}
      >
        {STAFF_ROLES.map((r) => (
          <option key={r} value={r}>
            {t(`admin.role.${r}`)}
          </option>
        ))}
      </select>
      <select
        aria-label={t('admin.unit')}
        data-testid="field-unit"
        value={value.unitId ?? ''}
        onChange={(e) => onChange({ ...value, unitId: e.target.value || null })}
      >
        <option value="">{t('admin.noUnit')}</option>
        {units.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name}
          </option>
        ))}
      </select>
    </>
  );
}

/** The administrator's accounts page: list, create, edit, reset a password, disable/enable, unlock; the audit log. */
export function AccountsPage({ user, onSignedOut }: Props) {
  const { t } = useI18n();
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [units, setUnits] = useState<UnitInfo[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [generated, setGenerated] = useState<{ username: string; password: string } | null>(null);
  const [editing, setEditing] = useState<{ id: number; value: AccountInput } | null>(null);
  const [draft, setDraft] = useState<AccountInput & { username: string; password: string }>({
    username: '',
    displayName: '',
    role: 'agent',
    unitId: null,
    password: '',
  });

  const reload = useCallback(() => api.listAccounts().then(setAccounts, () => undefined), []);
  /** A password handed over (given or generated) must be changed at the next login. */
  const [mustChange, setMustChange] = useState(true);
  const skills = useAgentSkills();
  useEffect(() => {
    void reload();
    loadUnits().then(setUnits, () => undefined);
  }, [reload]);

  /** Runs an action, then shows the outcome (a known code in the reader's language) and reloads the list. */
  const run = async (action: () => Promise<unknown>) => {
    setMessage(null);
    setGenerated(null);
    try {
      await action();
      setMessage({ ok: true, text: t('admin.done') });
    } catch (err) {
      const code = err instanceof HttpError ? err.code : 'HTTP_ERROR';
      setMessage({ ok: false, text: `${t('admin.failed')}: ${refusalWords(t, 'admin', code) ?? code}` });
    }
    await reload();
  };

  const create = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const { password, ...rest } = draft;
      const res = await api.createAccount(password ? { ...rest, password, mustChangePassword: mustChange } : { ...rest, mustChangePassword: mustChange });
      setGenerated(res.password ? { username: res.user.username, password: res.password } : null);
      setDraft({ username: '', displayName: '', role: 'agent', unitId: null, password: '' });
    });
  };
  const reset = (a: Account) =>
    run(async () => {
      const res = await api.resetPassword(a.id, mustChange);
      setGenerated(res.password ? { username: a.username, password: res.password } : null);
    });
  const saveEdit = (e: FormEvent) => {
    e.preventDefault();
    if (editing) void run(() => api.updateAccount(editing.id, editing.value).then(() => setEditing(null)));
  };
  const unitName = (id: string | null) => (id === null ? '' : (units.find((u) => u.id === id)?.name ?? id));

  return (
    <div className="console accounts" data-testid="accounts-page">
      <PageHeader title={t('admin.accounts')} backLabel={t('admin.accounts.back')} user={user} onSignedOut={onSignedOut} />
      {message && (
        <div className={`banner ${message.ok ? 'banner-ok' : 'banner-error'}`} role="status" data-testid="accounts-message">
          {message.text}
        </div>
      )}
      {generated && (
        <div className="banner banner-warn" role="alert" data-testid="generated-password">
          {t('admin.generated')} {generated.username}: <code data-testid="generated-value">{generated.password}</code>
        </div>
      )}
      <form className="accounts-create" data-testid="create-form" onSubmit={create}>
        <h2>{t('admin.create')}</h2>
        <input
          aria-label={t('admin.username')}
          data-testid="field-username"
          value={draft.username}
          maxLength={64}
          required
          onChange={(e) => setDraft({ ...draft, username: e.target.value })}
        />
        <AccountFields value={draft} units={units} onChange={(v) => setDraft({ ...draft, ...v })} />
        <input
          aria-label={t('admin.password')}
          placeholder={t('admin.password')}
          data-testid="field-password"
          type="password"
          autoComplete="new-password"
          value={draft.password}
          maxLength={256}
          onChange={(e) => setDraft({ ...draft, password: e.target.value })}
        />
        <button type="submit" data-testid="create">
          {t('admin.create')}
        </button>
        <label className="accounts-must-change">
          <input type="checkbox" data-testid="field-must-change" checked={mustChange} onChange={(e) => setMustChange(e.target.checked)} />
          {t('admin.mustChange')}
        </label>
      </form>
      <AccountsCsvImport onImported={() => void reload()} />
      <table className="accounts-table" data-testid="accounts-table">
        <thead>
          <tr>
            <th>{t('admin.username')}</th>
            <th>{t('admin.displayName')}</th>
            <th>{t('admin.role')}</th>
            <th>{t('admin.unit')}</th>
            <th>{t('admin.status')}</th>
            <th>{t('admin.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((a) =>
            editing?.id === a.id ? (
              <tr key={a.id} data-testid={`account-${a.username}`}>
                <td>{a.username}</td>
                <td colSpan={4}>
                  <form id={`edit-${a.id}`} onSubmit={saveEdit}>
                    <AccountFields value={editing.value} units={units} onChange={(value) => setEditing({ id: a.id, value })} />
                  </form>
                </td>
                <td>
                  <button type="submit" form={`edit-${a.id}`} data-testid="save">
                    {t('admin.save')}
                  </button>
                  <button type="button" onClick={() => setEditing(null)}>
                    {t('admin.cancel')}
                  </button>
                </td>
              </tr>
            ) : (
              <tr key={a.id} data-testid={`account-${a.username}`}>
                <td>{a.username}</td>
                <td>{a.displayName}</td>
                <td>{t(`admin.role.${a.role}`)}</td>
                <td>{unitName(a.unitId)}</td>
                <td data-testid="status">
                  {a.disabled ? t('admin.disabled') : t('admin.active')}
                  {a.lockedForMs > 0 && ` · ${t('admin.locked')}`}
                  {a.mustChangePassword && ` · ${t('admin.mustChangeTag')}`}
                </td>
                <td>
                  {isStaffRole(a.role) && (
                    <button
                      type="button"
                      data-testid="edit"
                      onClick={() => setEditing({ id: a.id, value: { displayName: a.displayName, role: a.role as StaffRole, unitId: a.unitId } })}
                    >
                      {t('admin.edit')}
                    </button>
                  )}
                  <button type="button" data-testid="reset" onClick={() => void reset(a)}>
                    {t('admin.reset')}
                  </button>
                  {a.id !== user.id && (
                    <button type="button" data-testid={a.disabled ? 'enable' : 'disable'} onClick={() => void run(() => api.setDisabled(a.id, !a.disabled))}>
                      {a.disabled ? t('admin.enable') : t('admin.disable')}
                    </button>
                  )}
                  {a.lockedForMs > 0 && (
                    <button type="button" data-testid="unlock" onClick={() => void run(() => api.unlockAccount(a.id))}>
                      {t('admin.unlock')}
                    </button>
                  )}
                  {(a.role === 'agent' || a.role === 'shift_lead') && (
                    <SkillsField skills={skills.of(a.id)} onSave={(text) => void run(() => saveSkills(a.id, text).then(skills.reload))} />
                  )}
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      <AdminAuditLog reloadKey={accounts} />
    </div>
  );
}
