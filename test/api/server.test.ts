import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/commands/serve.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/api.ts';

/** Over a real listening socket: login, cookie session, a write, health, shutdown. */
describeEachDialect('API over a real port', (dialect) => {
  let t: TestApp;
  let server: RunningServer;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    server = await startServer(t.ctx, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await t.close();
  });

  it('signs in with fetch, uses the cookie, and creates a user', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: t.adminEmail, password: TEST_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/aus_session=[^;]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Lax/);
    const cookie = setCookie.split(';')[0] ?? '';

    const body = JSON.stringify({
      firstName: 'Real',
      lastName: 'Port',
      email: 'real@port.example',
    });
    // A cookie-authenticated change must show the panel's origin, as a browser does (CSRF).
    const anonymous = await fetch(`${server.url}/api/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body,
    });
    expect(anonymous.status).toBe(403);
    const created = await fetch(`${server.url}/api/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: server.url },
      body,
    });
    expect(created.status).toBe(201);
    const list = await fetch(`${server.url}/api/v1/users?email=real@port.example`, {
      headers: { cookie },
    });
    expect(
      ((await list.json()) as { items: Array<{ lastName: string }> }).items.map((u) => u.lastName),
    ).toEqual(['Port']);

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
  });
});
