import { logout, type User } from '../api.js';
import { useI18n, type MessageKey } from '../i18n.js';

/** The head of the reports pages (/reports, /scorecard): title, who is signed in, back, language, sign out. */
export function ReportsHeader({ title, user, onSignedOut }: { title: MessageKey; user: User; onSignedOut: () => void }) {
  const { t, toggle } = useI18n();
  const signOut = async () => {
    await logout().catch(() => undefined);
    onSignedOut();
  };
  return (
    <header className="reports-head">
      <h1>{t(title)}</h1>
      <span>{user.displayName}</span>
      <a href="/">{t('reports.back')}</a>
      <button type="button" onClick={toggle}>
        {t('reports.lang')}
      </button>
      <button type="button" onClick={() => void signOut()}>
        {t('reports.logout')}
      </button>
    </header>
  );
}
