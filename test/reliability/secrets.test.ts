import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

/**
 * Issue 7 §6: after a whole scenario — integration created through the API, connection
 * tested, full run, secret replaced, failed and successful sign-ins — neither the client
 * secrets nor the passwords appear in clear in the captured logs, any API response, or the
 * database (SQLite file and WAL; every row of every PostgreSQL table as text).
 */
describeEachDialect('reliability: secrets stay secret', (dialect) => {
  let env: SyncEnv | undefined;
  afterEach(async () => env?.close());

  it('no canary secret or password in logs, responses or database', async () => {
    const canary = (name: string) => `CANARY${name}${randomBytes(8).toString('hex')}`;
    const secret1 = canary('secretone');
    const secret2 = canary('secrettwo');
    const password = canary('password');
    const wrongPassword = canary('wrongpassword');
    const canaries = [secret1, secret2, password, wrongPassword];

    const lines: string[] = [];
    env = await createSyncEnv(dialect, {
      emulatorUsers: 50,
      seed: 5,
      clientSecret: secret1,
      adminPassword: password,
      logDestination: { write: (s: string) => void lines.push(s) },
      logLevel: 'trace',
    });
    const tenant = env.emulator.tenant;
    const second = tenant.addApp({ secret: secret2 });
    const seen: string[] = [];
    const call = async (
      method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
      url: string,
      payload?: object,
    ) => {
      const res = await env!.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(payload ? { payload } : {}),
      });
      seen.push(JSON.stringify(res.headers), res.body);
      return res;
    };
    // Failed sign-ins with a password-like canary, then the real one.
    for (let i = 0; i < 3; i++) {
      const bad = await env.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: env.adminEmail, password: wrongPassword },
      });
      seen.push(JSON.stringify(bad.headers), bad.body);
      expect(bad.statusCode).toBe(401);
    }
    const login = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: env.adminEmail, password },
    });
    seen.push(JSON.stringify(login.headers), login.body);
    const token = (login.json() as { token: string }).token;

    const created = await call('POST', '/api/v1/integrations', {
      name: 'Canary',
      applicationId: tenant.defaultApp.clientId,
      tenantId: tenant.id,
      secret: secret1,
      unitField: 'department',
      userTypeField: 'jobTitle',
      enabled: true,
    });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { id: string }).id;
    // Wrong secret for this app first (a failing test), then the right one.
    expect((await call('POST', `/api/v1/integrations/${id}/test`)).statusCode).toBe(200);
    const replaced = await call('PATCH', `/api/v1/integrations/${id}`, {
      applicationId: second.clientId,
      secret: secret2,
    });
    expect(replaced.statusCode).toBe(200);
    const test = await call('POST', `/api/v1/integrations/${id}/test`);
    expect((test.json() as { ok: boolean }).ok).toBe(true);
    const queued = await call('POST', `/api/v1/integrations/${id}/sync`, { full: true });
    expect(queued.statusCode).toBe(202);
    const runId = (queued.json() as { runId: string }).runId;
    const done = await env.sync.execute(runId);
    expect(done?.status).toBe('succeeded');
    await call('GET', `/api/v1/runs/${runId}`);
    await call('GET', `/api/v1/runs/${runId}/changes?limit=500`);
    await call('GET', `/api/v1/integrations/${id}`);
    await call('GET', '/api/v1/integrations');
    await call('GET', '/api/v1/users?limit=500');
    // The env's own integration, created with secret1 through the service, runs too.
    expect((await env.run({ full: true })).status).toBe('succeeded');
    await env.app
      .inject({ method: 'GET', url: '/api/openapi.json' })
      .then((r) => seen.push(r.body));

    // The log really captured the scenario (requests, runs), so its silence means something.
    expect(lines.length).toBeGreaterThan(10);
    const haystacks: Array<[string, string]> = [
      ['logs', lines.join('')],
      ['responses', seen.join('\n')],
      ['database', await databaseText(env)],
    ];
    for (const [where, text] of haystacks) {
      expect(text.length, where).toBeGreaterThan(0);
      for (const c of canaries)
        expect(text.includes(c), `${c.slice(0, 20)}… in ${where}`).toBe(false);
    }
  });
});

/** Everything the database holds, as text: SQLite file + WAL, or every PostgreSQL row. */
async function databaseText(env: SyncEnv): Promise<string> {
  if (env.db.dialect === 'sqlite') {
    const path = env.db.url.slice('sqlite:'.length);
    const parts = [path, `${path}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p));
    // latin1 keeps every byte, so an ASCII canary is found wherever it sits in a page.
    return parts.map((b) => b.toString('latin1')).join('\n');
  }
  const tables = await sql<{ tablename: string }>`
    select tablename from pg_tables where schemaname = 'public'`.execute(env.db.db);
  expect(tables.rows.length).toBeGreaterThan(5);
  const out: string[] = [];
  for (const { tablename } of tables.rows) {
    const rows = await sql<{
      t: string;
    }>`select t::text as t from ${sql.table(tablename)} t`.execute(env.db.db);
    for (const r of rows.rows) out.push(r.t);
  }
  return out.join('\n');
}
