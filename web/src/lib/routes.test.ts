import { describe, expect, it } from 'vitest';
import { matchRoute, paths } from './routes.ts';

describe('matchRoute', () => {
  it('maps every screen of the panel', () => {
    expect(matchRoute('/')).toEqual({ name: 'integrations' });
    expect(matchRoute('/sign-in')).toEqual({ name: 'sign-in' });
    expect(matchRoute('/integrations')).toEqual({ name: 'integrations' });
    expect(matchRoute('/integrations/new')).toEqual({ name: 'integration-new' });
    expect(matchRoute('/integrations/abc')).toEqual({ name: 'integration', id: 'abc' });
    expect(matchRoute('/runs/r1')).toEqual({ name: 'run', id: 'r1' });
    expect(matchRoute('/users')).toEqual({ name: 'users' });
    expect(matchRoute('/users/u1/')).toEqual({ name: 'user', id: 'u1' });
    expect(matchRoute('/units')).toEqual({ name: 'units' });
    expect(matchRoute('/user-types')).toEqual({ name: 'user-types' });
    expect(matchRoute('/tokens')).toEqual({ name: 'tokens' });
    expect(matchRoute('/admins')).toEqual({ name: 'admins' });
    expect(matchRoute('/audit')).toEqual({ name: 'audit' });
    expect(matchRoute('/audit/x')).toEqual({ name: 'not-found' });
  });

  it('rejects unknown and over-long paths', () => {
    expect(matchRoute('/runs')).toEqual({ name: 'not-found' });
    expect(matchRoute('/nope')).toEqual({ name: 'not-found' });
    expect(matchRoute('/users/u1/extra')).toEqual({ name: 'not-found' });
    expect(matchRoute('/units/x')).toEqual({ name: 'not-found' });
  });

  it('round-trips ids that need escaping', () => {
    const id = 'a b/c%';
    expect(matchRoute(paths.user(id))).toEqual({ name: 'user', id });
    expect(matchRoute(paths.integration(id))).toEqual({ name: 'integration', id });
  });
});
