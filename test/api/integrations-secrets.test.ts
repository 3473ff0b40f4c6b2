import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { createTestApp, type TestApp } from '../helpers/api.ts';
import { describeEachDialect } from '../helpers/databases.ts';

/**
 * SPEC §2: the secret is write-only, never logged, encrypted at rest. Every secret sent
 * below is a recognisable canary; none may appear in any response body, in any log line
 * (logger at trace level), or anywhere in the database, raw SQLite files included.
 */
describeEachDialect('integration secret safety', (dialect) => {
  let t: TestApp;
  let headers: { authorization: string };
  const logLines: string[] = [];
  const bodies: string[] = [];
  const canaries: string[] = [];
  const canary = () => {
    const c = `S3cr3t-canary-${randomUUID()}`;
    canaries.push(c);
    return c;
  };
  const form = {
    name: 'Contoso',
    applicationId: '11111111-2222-3333-4444-555555555555',
    tenantId: 'contoso.onmicrosoft.com',
    unitField: 'department',
    userTypeField: 'jobTitle',
  };

  beforeAll(async () => {
    const log = createLogger('trace', { write: (line: string) => void logLines.push(line) });
    t = await createTestApp(dialect, { log });
    headers = t.auth(await t.login());
  });
  afterAll(async () => t.close());

  async function call(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) {
    const res = await t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers,
      ...(payload ? { payload } : {}),
    });
    bodies.push(res.body);
    return res;
  }

  it('create, patch, list, read and failed requests: the secret never comes back', async () => {
    const created = await call('POST', '/integrations', { ...form, secret: canary() });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { id: string }).id;
    expect((await call('PATCH', `/integrations/${id}`, { secret: canary() })).statusCode).toBe(200);
    expect(
      (await call('PATCH', `/integrations/${id}`, { secret: canary(), name: 'Renamed' }))
        .statusCode,
    ).toBe(200);
    // Rejected requests carrying a secret: the error must not echo it.
    expect(
      (await call('POST', '/integrations', { ...form, secret: canary(), tenantId: 'bad' }))
        .statusCode,
    ).toBe(400);
    expect(
      (await call('PATCH', `/integrations/${id}`, { secret: canary(), unitField: 'jobTitle' }))
        .statusCode,
    ).toBe(400);
    expect(
      (await call('PATCH', `/integrations/${id}`, { secret: canary(), x: 1 })).statusCode,
    ).toBe(400);
    expect((await call('GET', '/integrations')).statusCode).toBe(200);
    expect((await call('GET', `/integrations/${id}`)).json()).toMatchObject({
      secretSet: true,
      name: 'Renamed',
    });
    expect(bodies.join('\n')).toContain('secretSet');
    for (const body of bodies) {
      expect(body).not.toMatch(/"secret"\s*:/);
      for (const c of canaries) expect(body).not.toContain(c);
    }
  });

  it('no log line contains a secret', () => {
    // The log really captured the requests and the service's audit lines.
    const text = logLines.join('\n');
    expect(text).toContain('integration created');
    expect(text).toContain('integration updated');
    expect(text).toContain('/api/v1/integrations');
    for (const c of canaries) expect(text).not.toContain(c);
  });

  it('no table holds a secret in clear', async () => {
    const dump: string[] = [];
    for (const table of await t.db.introspection.getTables()) {
      const rows = await t.db
        .selectFrom(table.name as 'integrations')
        .selectAll()
        .execute();
      dump.push(JSON.stringify(rows));
    }
    const text = dump.join('\n');
    expect(text).toContain('contoso.onmicrosoft.com');
    expect(text).toContain('v1.'); // the sealed envelope is there
    for (const c of canaries) expect(text).not.toContain(c);
  });

  if (dialect === 'sqlite')
    it('the raw SQLite files (with the WAL) do not contain it', () => {
      const path = t.database.url.slice('sqlite:'.length);
      const files = [path, `${path}-wal`, `${path}-journal`].filter((f) => existsSync(f));
      expect(files).toContain(`${path}-wal`);
      const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
      expect(bytes.includes(Buffer.from('contoso.onmicrosoft.com'))).toBe(true);
      for (const c of canaries) expect(bytes.includes(Buffer.from(c))).toBe(false);
    });
});
