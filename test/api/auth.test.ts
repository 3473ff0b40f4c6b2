import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.ts';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/api.ts';

describeEachDialect('API sign-in', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t.close());

  it('logs in with a bearer token and an httpOnly SameSite=Lax cookie holding the same token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'ADMIN@test.example', password: TEST_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const { token } = res.json() as { token: string };
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = res.cookies.find((c) => c.name === 'aus_session');
    expect(cookie).toMatchObject({ value: token, httpOnly: true, sameSite: 'Lax', path: '/' });

    // Only the SHA-256 of the token is stored.
    const stored = await t.db
      .selectFrom('sessions')
      .select(['token_hash', 'expires_at', 'created_at'])
      .execute();
    expect(JSON.stringify(stored)).not.toContain(token);
    const session = stored.at(-1);
    expect(session?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    const hours =
      (Date.parse(session?.expires_at ?? '') - Date.parse(session?.created_at ?? '')) / 3_600_000;
    expect(hours).toBe(12);

    const viaBearer = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: t.auth(token),
    });
    expect(viaBearer.statusCode).toBe(200);
    expect(viaBearer.json()).toEqual({
      email: 'admin@test.example',
      organization: { id: t.orgId, name: 'Test Org' },
    });

    const viaCookie = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      cookies: { aus_session: token },
    });
    expect(viaCookie.statusCode).toBe(200);
  });

  it('answers 401 with the same message for a wrong email and a wrong password', async () => {
    const wrongPassword = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: t.adminEmail, password: 'nope-nope' },
    });
    const wrongEmail = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'nobody@test.example', password: TEST_PASSWORD },
    });
    expect(wrongPassword.statusCode).toBe(401);
    expect(wrongEmail.statusCode).toBe(401);
    expect(wrongPassword.json()).toEqual(wrongEmail.json());
    expect(wrongPassword.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('refuses missing, forged and logged-out tokens', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
    const forged = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: t.auth('x'.repeat(43)),
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ error: { code: 'unauthorized' } });

    const token = await t.login();
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: t.auth(token),
    });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'aus_session')?.value).toBe('');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: t.auth(token) }))
        .statusCode,
    ).toBe(401);
  });

  it('refuses an expired session', async () => {
    const token = await t.login();
    await t.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: t.auth(token) }))
        .statusCode,
    ).toBe(401);
  });

  it('rate-limits sign-in attempts per address and email with 429 rate_limited', async () => {
    const attempt = (email: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: 'wrong-password' },
        remoteAddress: '10.1.2.3',
      });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await attempt('victim@test.example')).statusCode);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    const limited = await attempt('victim@test.example');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect(limited.headers['retry-after']).toBeDefined();
    // Another email from the same address is counted separately.
    expect((await attempt('other@test.example')).statusCode).toBe(401);
  });
});
