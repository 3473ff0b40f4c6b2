/**
 * The panel's URL space, as a pure function from a path to a screen. The server falls
 * back to index.html for any non-API path, so these are real, bookmarkable URLs.
 */
export type Route =
  | { name: 'sign-in' }
  | { name: 'integrations' }
  | { name: 'integration-new' }
  | { name: 'integration'; id: string }
  | { name: 'run'; id: string }
  | { name: 'users' }
  | { name: 'user'; id: string }
  | { name: 'units' }
  | { name: 'user-types' }
  | { name: 'tokens' }
  | { name: 'admins' }
  | { name: 'audit' }
  | { name: 'not-found' };

/** Maps a pathname (no query) to the screen to show. `/` opens the integrations list. */
export function matchRoute(pathname: string): Route {
  const parts = pathname
    .split('/')
    .filter((part) => part !== '')
    .map((part) => safeDecode(part));
  const [first, second, ...rest] = parts;
  if (rest.length > 0) return { name: 'not-found' };
  if (first === undefined) return { name: 'integrations' };
  switch (first) {
    case 'sign-in':
      return second === undefined ? { name: 'sign-in' } : { name: 'not-found' };
    case 'integrations':
      if (second === undefined) return { name: 'integrations' };
      return second === 'new' ? { name: 'integration-new' } : { name: 'integration', id: second };
    case 'runs':
      return second === undefined ? { name: 'not-found' } : { name: 'run', id: second };
    case 'users':
      return second === undefined ? { name: 'users' } : { name: 'user', id: second };
    case 'units':
      return second === undefined ? { name: 'units' } : { name: 'not-found' };
    case 'user-types':
      return second === undefined ? { name: 'user-types' } : { name: 'not-found' };
    case 'tokens':
    case 'admins':
    case 'audit':
      return second === undefined ? { name: first } : { name: 'not-found' };
    default:
      return { name: 'not-found' };
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Path builders, so links and navigation never spell URLs by hand. */
export const paths = {
  signIn: (): string => '/sign-in',
  integrations: (): string => '/integrations',
  newIntegration: (): string => '/integrations/new',
  integration: (id: string): string => `/integrations/${encodeURIComponent(id)}`,
  run: (id: string): string => `/runs/${encodeURIComponent(id)}`,
  users: (): string => '/users',
  user: (id: string): string => `/users/${encodeURIComponent(id)}`,
  units: (): string => '/units',
  userTypes: (): string => '/user-types',
  tokens: (): string => '/tokens',
  admins: (): string => '/admins',
  audit: (): string => '/audit',
};
