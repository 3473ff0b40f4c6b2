import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/api.ts';

/** Request logging must never carry passwords, tokens, cookies or bodies. */
describeEachDialect('API logs', (dialect) => {
  let t: TestApp;
  const lines: string[] = [];

  beforeAll(async () => {
    const log = createLogger('trace', { write: (line: string) => void lines.push(line) });
    t = await createTestApp(dialect, { log });
  });
  afterAll(async () => t.close());

  it('logs requests without the password or the session token', async () => {
    const wrongPassword = 'Wr0ng-passw0rd-canary';
    const failed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: t.adminEmail, password: wrongPassword },
    });
    expect(failed.statusCode).toBe(401);

    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: t.adminEmail, password: TEST_PASSWORD },
    });
    const { token } = login.json() as { token: string };
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: t.auth(token),
      payload: { firstName: 'Logged', lastName: 'Bodyless', email: 'logged@example.com' },
    });
    expect(created.statusCode).toBe(201);
    const viaCookie = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      cookies: { aus_session: token },
    });
    expect(viaCookie.statusCode).toBe(200);

    const output = lines.join('');
    // The capture works: the request log lines are there.
    expect(output).toContain('/api/v1/auth/login');
    expect(output).toContain('/api/v1/users');
    expect(output).toContain('"statusCode":201');
    for (const secret of [TEST_PASSWORD, wrongPassword, token, 'Bodyless']) {
      expect(output, `log contains ${secret.slice(0, 6)}…`).not.toContain(secret);
    }
  });
});
