import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { me, type User } from './api.js';
import { I18nProvider } from './i18n.js';
import { LoginPage } from './components/LoginPage.js';
import { AgentPage } from './components/AgentPage.js';
import './styles.css';

function App() {
  // undefined: still asking the server whether the cookie is a live session.
  const [user, setUser] = useState<User | null | undefined>(undefined);
  useEffect(() => {
    me().then(setUser, () => setUser(null));
  }, []);
  if (user === undefined) return null;
  return user ? <AgentPage user={user} onSignedOut={() => setUser(null)} /> : <LoginPage onLoggedIn={setUser} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <App />
    </I18nProvider>
  </StrictMode>,
);
