import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHousekeeping } from '../../src/jobs/housekeeping.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/api.ts';

describe('security headers, TLS proxy settings', () => {
  let plain: TestApp;
  let proxied: TestApp;
  beforeAll(async () => {
    plain = await createTestApp('sqlite');
    proxied = await createTestApp('sqlite', {
      env: { PUBLIC_URL: 'https://sync.example.com', TRUST_PROXY: '1' },
    });
  });
  afterAll(async () => {
    await plain.close();
    await proxied.close();
  });

  it('sends the CSP, frame, nosniff and referrer headers on API, panel, health and error answers', async () => {
    for (const url of ['/api/v1/units', '/', '/users/42', '/healthz', '/api/v1/nope']) {
      const res = await plain.app.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("default-src 'self'");
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).not.toContain('unsafe-inline');
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
      // Plain http on 127.0.0.1: HSTS would pin other local services to https.
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
    }
  });

  it('with an https PUBLIC_URL: HSTS on every answer and a Secure session cookie', async () => {
    const health = await proxied.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    const res = await proxied.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: proxied.adminEmail, password: TEST_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    const cookie = res.cookies.find((c) => c.name === 'aus_session');
    expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
    // Without PUBLIC_URL the cookie over plain http is not Secure (the browser would drop it).
    const direct = await plain.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: plain.adminEmail, password: TEST_PASSWORD },
    });
    expect(direct.cookies.find((c) => c.name === 'aus_session')?.secure).toBeFalsy();
  });

  it('takes the panel origin from PUBLIC_URL for the CSRF check', async () => {
    const token = await proxied.login();
    const post = (origin: string) =>
      proxied.app.inject({
        method: 'POST',
        url: '/api/v1/units',
        headers: { cookie: `aus_session=${token}`, origin },
        payload: { name: `Unit from ${origin}` },
      });
    expect((await post('https://sync.example.com')).statusCode).toBe(201);
    const foreign = await post('https://evil.example.com');
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json()).toMatchObject({ error: { code: 'csrf_refused' } });
  });

  it('believes X-Forwarded-For only from a trusted proxy (TRUST_PROXY)', async () => {
    // Ten failures for one account from one forwarded client address fill its counter …
    const attempt = (app: TestApp, forwardedFor: string) =>
      app.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'victim@test.example', password: 'wrong-password' },
        remoteAddress: '10.0.0.1',
        headers: { 'x-forwarded-for': forwardedFor },
      });
    for (let i = 0; i < 10; i++)
      expect((await attempt(proxied, '198.51.100.1')).statusCode).toBe(401);
    expect((await attempt(proxied, '198.51.100.1')).statusCode).toBe(429);
    // … while the same account from another client behind the same proxy is still answered.
    expect((await attempt(proxied, '198.51.100.2')).statusCode).toBe(401);
    // Without TRUST_PROXY the header is ignored: rotating it does not reset the counter.
    for (let i = 0; i < 10; i++) await attempt(plain, `203.0.113.${i}`);
    expect((await attempt(plain, '203.0.113.99')).statusCode).toBe(429);
  });
});

describeEachDialect('sessions: idle timeout, absolute end, sign out everywhere', (dialect) => {
  let t: TestApp;
  let now = new Date('2026-03-01T08:00:00.000Z');
  beforeAll(async () => {
    t = await createTestApp(dialect, {
      clock: { now: () => now },
      env: { SESSION_IDLE_MINUTES: '30' },
    });
  });
  afterAll(async () => t.close());

  const me = async (token: string) =>
    (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: t.auth(token) }))
      .statusCode;
  const advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };

  it('ends a session after SESSION_IDLE_MINUTES without a request, and keeps a used one', async () => {
    const token = await t.login();
    advance(29 * 60_000);
    expect(await me(token)).toBe(200);
    advance(29 * 60_000); // 58 min after sign-in, 29 after the last request
    expect(await me(token)).toBe(200);
    advance(31 * 60_000);
    expect(await me(token)).toBe(401);
  });

  it('ends a busy session 12 hours after sign-in all the same', async () => {
    const token = await t.login();
    // A request every 20 minutes for 11 h 40 min …
    for (let i = 0; i < 35; i++) {
      advance(20 * 60_000);
      expect(await me(token)).toBe(200);
    }
    advance(20 * 60_000 - 1000); // … still signed in one second before 12 h …
    expect(await me(token)).toBe(200);
    advance(2000);
    expect(await me(token)).toBe(401);
  });

  it('POST /auth/logout-all ends every session of the administrator only', async () => {
    const first = await t.login();
    const second = await t.login();
    const { email } = await t.addAdmin('Other Org', 'other@test.example');
    const other = await t.login(email);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout-all',
      headers: t.auth(first),
    });
    expect(res.statusCode).toBe(204);
    expect(await me(first)).toBe(401);
    expect(await me(second)).toBe(401);
    expect(await me(other)).toBe(200);
  });

  it('housekeeping deletes sessions past their idle or absolute end', async () => {
    await t.db.deleteFrom('sessions').execute();
    const idle = await t.login();
    const busy = await t.login();
    advance(20 * 60_000);
    expect(await me(busy)).toBe(200);
    advance(20 * 60_000); // idle: 40 min unused; busy: 20 min
    const result = await runHousekeeping(t.db, now);
    expect(result.deletedSessions).toBe(1);
    expect(await me(busy)).toBe(200);
    expect(await me(idle)).toBe(401);
    expect(await t.db.selectFrom('sessions').select('token_hash').execute()).toHaveLength(1);
  });
});
