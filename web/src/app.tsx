import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { messageOf, setUnauthorizedHandler } from './api.ts';
import { Alert } from './components/alert.tsx';
import { Layout } from './components/layout.tsx';
import { logout, me } from './endpoints.ts';
import { matchRoute, paths, type Route } from './lib/routes.ts';
import { AdminsPage } from './pages/admins-page.tsx';
import { AuditPage } from './pages/audit-page.tsx';
import { IntegrationPage } from './pages/integration-page.tsx';
import { IntegrationsPage } from './pages/integrations-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { RunPage } from './pages/run-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { TokensPage } from './pages/tokens-page.tsx';
import { UnitsPage } from './pages/units-page.tsx';
import { UserPage } from './pages/user-page.tsx';
import { UserTypesPage } from './pages/user-types-page.tsx';
import { UsersPage } from './pages/users-page.tsx';
import { navigate, Redirect, useLocation } from './router.tsx';
import type { Session } from './types.ts';

type SessionState =
  { kind: 'checking' } | { kind: 'signed-out' } | { kind: 'signed-in'; session: Session };

/** Where to return after signing in: the page that sent the admin to sign-in. */
function returnTo(search: string): string {
  const next = new URLSearchParams(search).get('next');
  // Only same-site paths: never an open redirect to another origin.
  return next && next.startsWith('/') && !next.startsWith('//') ? next : paths.integrations();
}

/** The panel: checks the session, then shows the screen the URL names. */
export function App(): ReactNode {
  const location = useLocation();
  const route = matchRoute(location.pathname);
  const [state, setState] = useState<SessionState>({ kind: 'checking' });
  const [bootError, setBootError] = useState<string | null>(null);

  const toSignIn = useCallback(() => {
    setState({ kind: 'signed-out' });
    const here = window.location.pathname + window.location.search;
    if (window.location.pathname !== paths.signIn()) {
      navigate(`${paths.signIn()}?next=${encodeURIComponent(here)}`, { replace: true });
    }
  }, []);

  const checkSession = useCallback(async () => {
    try {
      const session = await me();
      setBootError(null);
      if (session) setState({ kind: 'signed-in', session });
      else toSignIn();
    } catch (err) {
      setBootError(messageOf(err));
    }
  }, [toSignIn]);

  useEffect(() => {
    setUnauthorizedHandler(toSignIn);
    void checkSession();
  }, [checkSession, toSignIn]);

  if (bootError) {
    return (
      <main className="centered">
        <Alert>{bootError}</Alert>
        <button type="button" onClick={() => void checkSession()}>
          Try again
        </button>
      </main>
    );
  }
  if (state.kind === 'checking') return <p className="centered muted">Loading…</p>;

  if (state.kind === 'signed-out' || route.name === 'sign-in') {
    if (state.kind === 'signed-in') return <Redirect to={returnTo(location.search)} />;
    return (
      <SignInPage
        onSignedIn={async () => {
          await checkSession();
          navigate(returnTo(window.location.search), { replace: true });
        }}
      />
    );
  }

  const signOut = async (): Promise<void> => {
    try {
      await logout();
    } finally {
      setState({ kind: 'signed-out' });
      navigate(paths.signIn(), { replace: true });
    }
  };

  return (
    <Layout session={state.session} route={route} onSignOut={() => void signOut()}>
      <Screen route={route} />
    </Layout>
  );
}

function Screen({ route }: { route: Route }): ReactNode {
  switch (route.name) {
    case 'integrations':
      return <IntegrationsPage />;
    case 'integration-new':
      return <IntegrationPage key="new" id={null} />;
    case 'integration':
      return <IntegrationPage key={route.id} id={route.id} />;
    case 'run':
      return <RunPage key={route.id} id={route.id} />;
    case 'users':
      return <UsersPage />;
    case 'user':
      return <UserPage key={route.id} id={route.id} />;
    case 'units':
      return <UnitsPage />;
    case 'user-types':
      return <UserTypesPage />;
    case 'tokens':
      return <TokensPage />;
    case 'admins':
      return <AdminsPage />;
    case 'audit':
      return <AuditPage />;
    default:
      return <NotFoundPage />;
  }
}
