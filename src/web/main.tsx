import { StrictMode, Suspense, lazy, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { me, type User } from './api.js';
import { I18nProvider } from './i18n.js';
import { LoginPage, PasswordChangePage } from './components/LoginPage.js';
import { AgentPage } from './components/AgentPage.js';
import { LeadPage } from './lead/LeadPage.js';
import { UnitPortalPage } from './unit/UnitPortalPage.js';
import { DESK_PATH, DeskPage } from './desk/DeskPage.js';
import { CitizenLookupPage } from './citizen/CitizenLookupPage.js';
import { ACCOUNTS_PATH, AccountsPage } from './admin/AccountsPage.js';
import { CONFIG_PATH } from './admin/config-api.js';
import { KB_PATH, KbPage } from './kb/KbPage.js';
import { REPORTS_PATH, SCORECARD_PATH } from './reports/api.js';
import { QA_PATH } from './qa/qa-api.js';
import { QaPage } from './qa/QaPage.js';
import './styles.css';

/** The config editor carries CodeMirror: loaded only when an administrator opens it. */
const ConfigEditorPage = lazy(() => import('./admin/ConfigEditorPage.js').then((m) => ({ default: m.ConfigEditorPage })));
/** The reports page carries ECharts: loaded only when opened. */
const ReportsPage = lazy(() => import('./reports/ReportsPage.js').then((m) => ({ default: m.ReportsPage })));
const ScorecardPage = lazy(() => import('./reports/ScorecardPage.js').then((m) => ({ default: m.ScorecardPage })));

/** The wallboard (大屏) carries ECharts too. */
const WallboardPage = lazy(() => import('./wallboard/WallboardPage.js').then((m) => ({ default: m.WallboardPage })));
const WALLBOARD_PATH = '/wallboard';

/** The public citizen lookup lives at /lookup and needs no login. */
export const LOOKUP_PATH = '/lookup';

/** Each role gets its own page after login (the server checks every request anyway). */
function HomeFor({ user, onSignedOut }: { user: User; onSignedOut: () => void }) {
  // Quality inspection (质检): a QA inspector's home (besides /kb, linked from it); shift leads and admins open it at /qa.
  if (
    (user.role === 'qa' && !window.location.pathname.startsWith(KB_PATH)) ||
    ((user.role === 'shift_lead' || user.role === 'admin') && window.location.pathname.startsWith(QA_PATH))
  )
    return <QaPage user={user} onSignedOut={onSignedOut} />;
  // The wallboard (大屏): a wallboard account's only page; shift leads and admins open it at /wallboard.
  if (user.role === 'wallboard' || ((user.role === 'shift_lead' || user.role === 'admin') && window.location.pathname.startsWith(WALLBOARD_PATH)))
    return (
      <Suspense fallback={null}>
        <WallboardPage user={user} onSignedOut={onSignedOut} />
      </Suspense>
    );
  // The knowledge base (知识库): every staff role opens it at /kb.
  if (user.role !== 'citizen' && window.location.pathname.startsWith(KB_PATH)) return <KbPage user={user} onSignedOut={onSignedOut} />;
  // The reports (统计分析): shift leads, admins and dispatchers open them at /reports.
  if ((user.role === 'shift_lead' || user.role === 'admin' || user.role === 'dispatcher') && window.location.pathname.startsWith(REPORTS_PATH))
    return (
      <Suspense fallback={null}>
        <ReportsPage user={user} onSignedOut={onSignedOut} />
      </Suspense>
    );
  // The order desk: a dispatcher's home; shift leads and admins open it at /desk from their page.
  if (user.role === 'dispatcher') return <DeskPage user={user} onSignedOut={onSignedOut} />;
  const desk = window.location.pathname.startsWith(DESK_PATH);
  if ((user.role === 'shift_lead' || user.role === 'admin') && desk) return <DeskPage user={user} onSignedOut={onSignedOut} />;
  // The accounts page: administrators open it at /admin/accounts from their page.
  if (user.role === 'admin' && window.location.pathname.startsWith(ACCOUNTS_PATH)) return <AccountsPage user={user} onSignedOut={onSignedOut} />;
  // The config editor (numbers.yaml, ivr.yaml, history): administrators open it at /admin/config.
  if (user.role === 'admin' && window.location.pathname.startsWith(CONFIG_PATH))
    return (
      <Suspense fallback={null}>
        <ConfigEditorPage user={user} onSignedOut={onSignedOut} />
      </Suspense>
    );
  if (user.role === 'shift_lead' || user.role === 'admin') return <LeadPage user={user} onSignedOut={onSignedOut} />;
  // A unit handler's own monthly scorecard (本单位考核), linked from the unit portal.
  if (user.role === 'unit_handler' && window.location.pathname.startsWith(SCORECARD_PATH))
    return (
      <Suspense fallback={null}>
        <ScorecardPage user={user} onSignedOut={onSignedOut} />
      </Suspense>
    );
  if (user.role === 'unit_handler') return <UnitPortalPage user={user} onSignedOut={onSignedOut} />;
  return <AgentPage user={user} onSignedOut={onSignedOut} />;
}

function App() {
  // undefined: still asking the server whether the cookie is a live session.
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const lookup = window.location.pathname.startsWith(LOOKUP_PATH);
  useEffect(() => {
    if (!lookup) me().then(setUser, () => setUser(null));
  }, [lookup]);
  if (lookup) return <CitizenLookupPage />;
  if (user === undefined) return null;
  // A password someone else set: nothing but "set a new password" until it is changed (the server refuses the rest).
  if (user?.mustChangePassword) return <PasswordChangePage user={user} onChanged={setUser} onSignedOut={() => setUser(null)} />;
  return user ? <HomeFor user={user} onSignedOut={() => setUser(null)} /> : <LoginPage onLoggedIn={setUser} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <App />
    </I18nProvider>
  </StrictMode>,
);
