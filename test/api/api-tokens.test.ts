import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { createTestApp, type TestApp } from '../helpers/api.ts';
import { databaseText } from '../helpers/database-text.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { testClock, type TestClock } from '../helpers/sync-env.ts';

interface TokenView {
  id: string;
  name: string;
  scope: string;
  expiresAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  revokedAt: string | null;
}

/**
 * API tokens (issue 15): shown once, stored only as a hash, listed with their last use,
 * refused once revoked or expired, scoped to their organisation, never logged.
 */
describeEachDialect('API tokens', (dialect) => {
  let t: TestApp;
  let clock: TestClock;
  let session: string;
  const lines: string[] = [];
  const seen: string[] = [];

  beforeAll(async () => {
    clock = testClock(new Date());
    t = await createTestApp(dialect, {
      clock,
      log: createLogger('trace', { write: (line: string) => void lines.push(line) }),
    });
    session = await t.login();
  });
  afterAll(async () => t.close());

  async function call(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    bearer: string,
    payload?: object,
  ) {
    const res = await t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: t.auth(bearer),
      remoteAddress: '198.51.100.20',
      ...(payload ? { payload } : {}),
    });
    seen.push(JSON.stringify(res.headers), res.body);
    return res;
  }

  async function create(name: string, scope: 'read' | 'read-write', expiresInDays = 30) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: t.auth(session),
      payload: { name, scope, expiresInDays },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as TokenView & { token: string };
  }

  it('shows the value once, stores only its hash, and never logs or returns it again', async () => {
    const created = await create('Nightly sync', 'read-write');
    expect(created.token).toMatch(/^aus_[\w-]{43}$/);
    expect(created).toMatchObject({ name: 'Nightly sync', scope: 'read-write', lastUsedAt: null });

    expect(
      (await call('POST', '/units', created.token, { name: 'Made by a token' })).statusCode,
    ).toBe(201);
    expect((await call('GET', '/units', created.token)).statusCode).toBe(200);
    const list = await call('GET', '/tokens', session);
    const listed = (list.json() as TokenView[]).find((x) => x.id === created.id);
    expect(listed).toMatchObject({ lastUsedIp: '198.51.100.20' });
    expect(listed?.lastUsedAt).not.toBeNull();
    expect(listed).not.toHaveProperty('token');

    const everything: Array<[string, string]> = [
      ['database', await databaseText(t.database)],
      ['logs', lines.join('')],
      ['answers after creation', seen.join('\n')],
    ];
    expect(lines.length).toBeGreaterThan(3);
    for (const [where, text] of everything) {
      expect(text.includes(created.token), where).toBe(false);
      // Nor its random part alone (a prefix stripped by some formatter).
      expect(text.includes(created.token.slice(4)), where).toBe(false);
    }
  });

  it('refuses a revoked token with 401 and keeps it listed as revoked', async () => {
    const created = await create('Revoke me', 'read');
    expect((await call('GET', '/users', created.token)).statusCode).toBe(200);
    const revoked = await call('DELETE', `/tokens/${created.id}`, session);
    expect(revoked.statusCode).toBe(200);
    expect((revoked.json() as TokenView).revokedAt).not.toBeNull();
    const refused = await call('GET', '/users', created.token);
    expect(refused.statusCode).toBe(401);
    expect((refused.json() as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('refuses an expired token with 401', async () => {
    const created = await create('Short-lived', 'read', 1);
    expect((await call('GET', '/units', created.token)).statusCode).toBe(200);
    clock.set(new Date(Date.parse(created.expiresAt) + 1000));
    try {
      expect((await call('GET', '/units', created.token)).statusCode).toBe(401);
    } finally {
      clock.set(new Date());
    }
  });

  it('refuses a read token on changes with 403, and every token on tokens and administrators', async () => {
    const read = await create('Reader', 'read');
    const writer = await create('Writer', 'read-write');
    expect((await call('POST', '/units', read.token, { name: 'Nope' })).statusCode).toBe(403);
    for (const token of [read.token, writer.token]) {
      expect((await call('GET', '/tokens', token)).statusCode).toBe(403);
      expect(
        (await call('POST', '/tokens', token, { name: 'x', scope: 'read', expiresInDays: 1 }))
          .statusCode,
      ).toBe(403);
      expect((await call('GET', '/admins', token)).statusCode).toBe(403);
      expect((await call('GET', '/auth/me', token)).statusCode).toBe(403);
    }
  });

  it('acts as its own organisation only', async () => {
    await t.addAdmin('Token Other Org', 'token-other@test.example');
    const other = await t.login('token-other@test.example');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: t.auth(other),
      payload: { name: 'Other', scope: 'read', expiresInDays: 5 },
    });
    const otherToken = (res.json() as { token: string }).token;
    const units = await call('GET', '/units', otherToken);
    expect(units.statusCode).toBe(200);
    expect(units.json()).toEqual([]);
    const mine = (await call('GET', '/tokens', session)).json() as TokenView[];
    expect(mine.map((x) => x.name)).not.toContain('Other');
  });

  it('validates name, scope and expiry', async () => {
    for (const payload of [
      { name: '', scope: 'read', expiresInDays: 1 },
      { name: 'x', scope: 'admin', expiresInDays: 1 },
      { name: 'x', scope: 'read', expiresInDays: 0 },
      { name: 'x', scope: 'read', expiresInDays: 367 },
    ]) {
      expect((await call('POST', '/tokens', session, payload)).statusCode).toBe(400);
    }
  });
});
