import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/api.ts';
import { describeEachDialect } from '../helpers/databases.ts';

interface AdminView {
  id: string;
  email: string;
  you: boolean;
}

/** Administrators in the panel (issue 15): list, add, remove (never the last), own password. */
describeEachDialect('administrators', (dialect) => {
  let t: TestApp;
  let session: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    session = await t.login();
  });
  afterAll(async () => t.close());

  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    token: string,
    payload?: object,
  ) =>
    t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: t.auth(token),
      ...(payload ? { payload } : {}),
    });

  async function signIn(email: string, password: string): Promise<number> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
      remoteAddress: `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    });
    return res.statusCode;
  }

  it('adds an administrator with a one-time password that signs in', async () => {
    const res = await call('POST', '/admins', session, { email: 'New.Admin@Test.Example' });
    expect(res.statusCode).toBe(201);
    const added = res.json() as AdminView & { oneTimePassword: string };
    expect(added.email).toBe('new.admin@test.example');
    expect(added.oneTimePassword.length).toBeGreaterThanOrEqual(20);
    expect(await signIn('new.admin@test.example', added.oneTimePassword)).toBe(200);
    const list = (await call('GET', '/admins', session)).json() as AdminView[];
    expect(list.map((a) => [a.email, a.you])).toEqual([
      [t.adminEmail, true],
      ['new.admin@test.example', false],
    ]);
    expect(
      (await call('POST', '/admins', session, { email: 'new.admin@test.example' })).statusCode,
    ).toBe(409);
  });

  it('removes an administrator and ends its sessions, but never the last one', async () => {
    const added = (
      await call('POST', '/admins', session, { email: 'leaver@test.example' })
    ).json() as AdminView & {
      oneTimePassword: string;
    };
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'leaver@test.example', password: added.oneTimePassword },
    });
    const leaver = (login.json() as { token: string }).token;
    expect((await call('DELETE', `/admins/${added.id}`, session)).statusCode).toBe(204);
    expect((await call('GET', '/auth/me', leaver)).statusCode).toBe(401);

    // Remove everyone but one, then try to remove the last.
    const others = ((await call('GET', '/admins', session)).json() as AdminView[]).filter(
      (a) => !a.you,
    );
    for (const a of others)
      expect((await call('DELETE', `/admins/${a.id}`, session)).statusCode).toBe(204);
    const [me] = (await call('GET', '/admins', session)).json() as AdminView[];
    const last = await call('DELETE', `/admins/${me?.id}`, session);
    expect(last.statusCode).toBe(409);
    expect((last.json() as { error: { code: string } }).error.code).toBe('last_admin');
    expect((await call('GET', '/admins', session)).json()).toHaveLength(1);
  });

  it("never removes another organisation's administrator", async () => {
    await t.addAdmin('Admins Other Org', 'admins-other@test.example');
    const other = await t.login('admins-other@test.example');
    const [me] = (await call('GET', '/admins', session)).json() as AdminView[];
    expect((await call('DELETE', `/admins/${me?.id}`, other)).statusCode).toBe(404);
  });

  it('changes the own password with the current one, ending the other sessions only', async () => {
    const other = await t.login();
    const wrong = await call('PUT', '/auth/password', session, {
      currentPassword: 'not the password',
      newPassword: 'a brand new password',
    });
    expect(wrong.statusCode).toBe(400);
    expect(JSON.stringify(wrong.json())).toContain('currentPassword');
    expect((await call('GET', '/auth/me', other)).statusCode).toBe(200);

    const changed = await call('PUT', '/auth/password', session, {
      currentPassword: TEST_PASSWORD,
      newPassword: 'a brand new password',
    });
    expect(changed.statusCode).toBe(200);
    expect((changed.json() as { endedSessions: number }).endedSessions).toBeGreaterThanOrEqual(1);
    expect((await call('GET', '/auth/me', other)).statusCode).toBe(401);
    expect((await call('GET', '/auth/me', session)).statusCode).toBe(200);
    expect(await signIn(t.adminEmail, TEST_PASSWORD)).toBe(401);
    expect(await signIn(t.adminEmail, 'a brand new password')).toBe(200);
  });

  it('refuses a new password shorter than 8 characters', async () => {
    const res = await call('PUT', '/auth/password', session, {
      currentPassword: 'a brand new password',
      newPassword: 'short',
    });
    expect(res.statusCode).toBe(400);
  });
});
