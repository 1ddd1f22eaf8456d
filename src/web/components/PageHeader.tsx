import { logout, type User } from '../api.js';
import { LangToggle, useI18n } from '../i18n.js';

/**
 * The top bar of the back-office pages (accounts, config editor, knowledge base): the page's title,
 * who is signed in, back to the console, the language toggle and sign-out (the session ends on the
 * server even if the request fails, and the page then shows the login).
 */
export function PageHeader({ title, backLabel, user, onSignedOut }: { title: string; backLabel: string; user: User; onSignedOut: () => void }) {
  const { t } = useI18n();
  const signOut = async () => {
    await logout().catch(() => undefined);
    onSignedOut();
  };
  return (
    <header className="topbar">
      <h1>{title}</h1>
      <div className="who">
        <span data-testid="display-name">{user.displayName}</span>
        <a href="/">{backLabel}</a>
        <LangToggle />
        <button type="button" className="link" data-testid="sign-out" onClick={signOut}>
          {t('signOut')}
        </button>
      </div>
    </header>
  );
}
