import { useEffect, useRef, type ReactNode } from 'react';
import { Link } from '../router.tsx';
import { paths, type Route } from '../lib/routes.ts';
import type { Session } from '../types.ts';

interface LayoutProps {
  session: Session;
  route: Route;
  onSignOut: () => void;
  children: ReactNode;
}

const NAV: { label: string; to: string; testId: string; sections: Route['name'][] }[] = [
  {
    label: 'Integrations',
    to: paths.integrations(),
    testId: 'nav-integrations',
    sections: ['integrations', 'integration', 'integration-new', 'run'],
  },
  { label: 'Users', to: paths.users(), testId: 'nav-users', sections: ['users', 'user'] },
  { label: 'Units', to: paths.units(), testId: 'nav-units', sections: ['units'] },
  {
    label: 'User types',
    to: paths.userTypes(),
    testId: 'nav-user-types',
    sections: ['user-types'],
  },
  { label: 'API tokens', to: paths.tokens(), testId: 'nav-tokens', sections: ['tokens'] },
  { label: 'Administrators', to: paths.admins(), testId: 'nav-admins', sections: ['admins'] },
  { label: 'Audit log', to: paths.audit(), testId: 'nav-audit', sections: ['audit'] },
];

const TITLES: Record<Route['name'], string> = {
  'sign-in': 'Sign in',
  integrations: 'Integrations',
  'integration-new': 'New integration',
  integration: 'Integration',
  run: 'Run',
  users: 'Users',
  user: 'User',
  units: 'Units',
  'user-types': 'User types',
  tokens: 'API tokens',
  admins: 'Administrators',
  audit: 'Audit log',
  'not-found': 'Not found',
};

/** The frame around every signed-in screen: header, navigation, sign-out. */
export function Layout({ session, route, onSignOut, children }: LayoutProps): ReactNode {
  const screen = 'id' in route ? `${route.name}:${route.id}` : route.name;
  const first = useRef(true);
  useEffect(() => {
    document.title = `${TITLES[route.name]} · Azure User Sync`;
    // After in-app navigation, start keyboard and screen-reader users at the new content.
    if (first.current) first.current = false;
    else document.getElementById('main')?.focus({ preventScroll: true });
  }, [screen, route.name]);
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Azure User Sync</span>
        <nav aria-label="Main">
          <ul className="nav">
            {NAV.map((item) => {
              const current = item.sections.includes(route.name);
              return (
                <li key={item.to}>
                  <Link
                    to={item.to}
                    data-testid={item.testId}
                    className={current ? 'current' : undefined}
                    aria-current={current ? 'page' : undefined}
                  >
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="account">
          <span className="account-text" title={`${session.email} — ${session.organization.name}`}>
            <span className="org">{session.organization.name}</span>
            <span className="muted"> · {session.email}</span>
          </span>
          <button type="button" onClick={onSignOut} data-testid="sign-out">
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
