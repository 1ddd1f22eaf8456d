import { useState, type FormEvent } from 'react';
import { changePassword, HttpError, login, logout, type User } from '../api.js';
import { LangToggle, useI18n } from '../i18n.js';

export function LoginPage({ onLoggedIn }: { onLoggedIn: (u: User) => void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A login whose password someone else set: the next screen sets a new one (the typed one is the current).
  const [forced, setForced] = useState<User | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user = await login(username.trim(), password);
      if (user.mustChangePassword) {
        setForced(user);
        setBusy(false);
      } else onLoggedIn(user);
    } catch (err) {
      setError(err instanceof HttpError && err.status === 401 ? t('login.failed') : t('login.error'));
      setBusy(false);
    }
  };

  if (forced) return <PasswordChangePage user={forced} currentPassword={password} onChanged={onLoggedIn} onSignedOut={() => setForced(null)} />;

  return (
    <main className="login">
      <form className="login-card" onSubmit={submit} data-testid="login-form">
        <div className="login-head">
          <h1>{t('appTitle')}</h1>
          <LangToggle />
        </div>
        <h2>{t('login.title')}</h2>
        <label>
          {t('login.username')}
          <input name="username" autoComplete="username" autoFocus required value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || !username || !password}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}

/**
 * The forced "set a new password" screen (issue 11 item 1): a session whose password someone else
 * set (the first administrator from the environment, an administrator's reset) can do nothing
 * else until it is changed — the server refuses its other calls with PASSWORD_CHANGE_REQUIRED.
 * Right after login the current password is the one just typed; after a reload it is asked for.
 */
export function PasswordChangePage(props: { user: User; currentPassword?: string; onChanged: (u: User) => void; onSignedOut: () => void }) {
  const { user, onChanged, onSignedOut } = props;
  const { t } = useI18n();
  const [current, setCurrent] = useState(props.currentPassword ?? '');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== repeat) return setError(t('password.mismatch'));
    setBusy(true);
    setError(null);
    try {
      await changePassword(current, next);
      onChanged({ ...user, mustChangePassword: false });
    } catch (err) {
      const code = err instanceof HttpError ? err.code : '';
      setError(
        code === 'WRONG_PASSWORD'
          ? t('password.wrong')
          : code === 'PASSWORD_REFUSED' || code === 'VALIDATION_FAILED'
            ? t('password.refused')
            : t('login.error'),
      );
      setBusy(false);
    }
  };
  const signOut = () => void logout().finally(onSignedOut);

  return (
    <main className="login">
      <form className="login-card" onSubmit={(e) => void submit(e)} data-testid="password-change-form">
        <div className="login-head">
          <h1>{t('appTitle')}</h1>
          <LangToggle />
        </div>
        <h2>{t('password.title')}</h2>
        <p>{t('password.why')}</p>
        <input type="text" name="username" autoComplete="username" value={user.username} readOnly hidden />
        {props.currentPassword === undefined && (
          <label>
            {t('password.current')}
            <input name="current" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
          </label>
        )}
        <label>
          {t('password.new')}
          <input
            name="new"
            type="password"
            autoComplete="new-password"
            autoFocus
            required
            minLength={8}
            maxLength={256}
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </label>
        <label>
          {t('password.repeat')}
          <input name="repeat" type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />
        </label>
        {error && (
          <p className="error" role="alert" data-testid="password-change-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || !current || !next || !repeat}>
          {t('password.submit')}
        </button>
        <button type="button" onClick={signOut}>
          {t('signOut')}
        </button>
      </form>
    </main>
  );
}
