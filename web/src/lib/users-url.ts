import type { UserFilters, UserTab } from '../endpoints-admin-view.ts';

/** The users page's state that lives in its URL, so a filtered list can be bookmarked. */
export interface UsersUrlState extends UserFilters {
  tab: UserTab;
  /** Unassigned tab: grouped by cause (default) or the plain list. */
  view: 'groups' | 'list';
  /** Cursor of the page shown (absent: first page). */
  after: string | null;
}

/** Pure: reads the state from a query string. */
export function parseUsersUrl(search: string): UsersUrlState {
  const p = new URLSearchParams(search);
  const tab = p.get('tab');
  return {
    tab: tab === 'unassigned' || tab === 'deactivated' ? tab : 'all',
    view: p.get('view') === 'list' ? 'list' : 'groups',
    search: p.get('search') ?? '',
    unitId: p.get('unit') ?? '',
    userTypeId: p.get('type') ?? '',
    integrationId: p.get('integration') ?? '',
    after: p.get('after'),
  };
}

/** Pure: the query string of a state, defaults left out. */
export function usersUrlQuery(s: UsersUrlState): string {
  const p = new URLSearchParams();
  if (s.tab !== 'all') p.set('tab', s.tab);
  if (s.tab === 'unassigned' && s.view === 'list') p.set('view', 'list');
  if (s.search.trim()) p.set('search', s.search.trim());
  if (s.unitId) p.set('unit', s.unitId);
  if (s.userTypeId) p.set('type', s.userTypeId);
  if (s.integrationId) p.set('integration', s.integrationId);
  if (s.after) p.set('after', s.after);
  const q = p.toString();
  return q ? `?${q}` : '';
}
