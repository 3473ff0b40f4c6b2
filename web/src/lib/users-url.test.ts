import { describe, expect, it } from 'vitest';
import { parseUsersUrl, usersUrlQuery } from './users-url.ts';

describe('users page URL', () => {
  it('round-trips tab, view, search, filters and page', () => {
    const q = '?tab=unassigned&view=list&search=jos%C3%A9&unit=u1&type=t1&integration=i1&after=c1';
    const s = parseUsersUrl(q);
    expect(s).toEqual({
      tab: 'unassigned',
      view: 'list',
      search: 'josé',
      unitId: 'u1',
      userTypeId: 't1',
      integrationId: 'i1',
      after: 'c1',
    });
    expect(parseUsersUrl(usersUrlQuery(s))).toEqual(s);
  });
  it('leaves defaults out', () => {
    expect(usersUrlQuery(parseUsersUrl(''))).toBe('');
    expect(parseUsersUrl('?tab=bogus').tab).toBe('all');
  });
});
