import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listAudit, recordAudit } from '../../src/audit/audit-log.ts';
import { runHousekeeping } from '../../src/jobs/housekeeping.ts';
import { registeredRoutes } from '../../src/http/route-catalog.ts';
import { databaseText } from '../helpers/database-text.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
interface Entry {
  action: string;
  path: string;
  method: string;
  actor: { type: string; id: string | null; label: string };
  ip: string | null;
  target: Record<string, string> | null;
  details: Record<string, unknown>;
}

const canary = (name: string) => `CANARY${name}${randomBytes(8).toString('hex')}`;

/**
 * Issue 15: every state-changing route writes exactly one audit entry, checked route by route
 * against the route catalogue (a new route without a step here fails the test), and no entry
 * — nor anything else in the database, the logs or the answers — holds a secret canary.
 */
describeEachDialect('audit log', (dialect) => {
  let env: SyncEnv;
  const lines: string[] = [];
  const seen: string[] = [];
  const secret1 = canary('secretone');
  const secret2 = canary('secrettwo');
  const password = canary('password');
  const newPassword = canary('newpassword');
  const wrongPassword = canary('wrongpassword');
  let token = '';

  beforeAll(async () => {
    env = await createSyncEnv(dialect, {
      emulatorUsers: 5,
      seed: 15,
      deletionThreshold: 2,
      clientSecret: secret1,
      adminPassword: password,
      logDestination: { write: (s: string) => void lines.push(s) },
      logLevel: 'trace',
    });
  });
  afterAll(async () => env.close());

  async function call(method: Method, url: string, payload?: object, bearer = token) {
    const res = await env.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${bearer}` },
      ...(payload ? { payload } : {}),
      remoteAddress: '203.0.113.7',
    });
    seen.push(JSON.stringify(res.headers), res.body);
    return res;
  }

  async function auditCount(): Promise<number> {
    const row = await env.db.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function newest(): Promise<Entry> {
    const page = await listAudit(env.db.db, env.orgId, { limit: 1 });
    const entry = page.items[0];
    if (!entry) throw new Error('no audit entry');
    return entry;
  }

  it('writes exactly one entry for every state-changing route, and never a secret', async () => {
    const covered = new Map<string, string>();
    /** Calls one route, expects success and exactly one new entry naming that route. */
    async function step(
      method: Method,
      route: string,
      url: string,
      payload?: object,
      bearer?: string,
    ): Promise<{ body: Record<string, unknown>; entry: Entry }> {
      const before = await auditCount();
      const res = await call(method, url, payload, bearer);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      expect(await auditCount(), `${method} ${route}`).toBe(before + 1);
      const entry = await newest();
      expect(entry.path).toBe(`/api/v1${route}`);
      expect(entry.method).toBe(method);
      expect(entry.ip).toBe('203.0.113.7');
      covered.set(`${method} /api/v1${route}`, entry.action);
      return { body: res.body ? (res.json() as Record<string, unknown>) : {}, entry };
    }

    // A failed sign-in is recorded (with the email tried), then the real one.
    const before = await auditCount();
    const bad = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: env.adminEmail, password: wrongPassword },
      remoteAddress: '203.0.113.7',
    });
    seen.push(bad.body);
    expect(bad.statusCode).toBe(401);
    expect(await auditCount()).toBe(before + 1);
    expect(await newest()).toMatchObject({
      action: 'auth.login-failed',
      actor: { type: 'anonymous', label: env.adminEmail },
    });
    const login = await step('POST', '/auth/login', '/auth/login', {
      email: env.adminEmail,
      password,
    });
    token = String(login.body.token);
    expect(login.entry).toMatchObject({ action: 'auth.login', actor: { type: 'admin' } });

    // Directory.
    const unit = (await step('POST', '/units', '/units', { name: 'Audit unit' })).body.id;
    await step('PATCH', '/units/:id', `/units/${unit}`, { name: 'Audit unit 2' });
    const type = (await step('POST', '/user-types', '/user-types', { name: 'Auditor' })).body.id;
    await step('PATCH', '/user-types/:id', `/user-types/${type}`, { name: 'Auditor 2' });
    const user = (
      await step('POST', '/users', '/users', {
        firstName: 'Ada',
        lastName: 'Audit',
        email: 'ada.audit@example.test',
      })
    ).body.id;
    const created = await newest();
    expect(created).toMatchObject({
      action: 'user.created',
      target: { id: user },
      details: { fields: ['email', 'firstName', 'lastName'] },
    });
    await step('PATCH', '/users/:id', `/users/${user}`, { lastName: 'Audited' });
    await step('PUT', '/users/:id/memberships/:unitId', `/users/${user}/memberships/${unit}`, {
      userTypeIds: [type],
    });
    await step('DELETE', '/users/:id/memberships/:unitId', `/users/${user}/memberships/${unit}`);
    await step('POST', '/users/:id/deactivate', `/users/${user}/deactivate`);
    await step('POST', '/users/:id/reactivate', `/users/${user}/reactivate`);
    await step('DELETE', '/user-types/:id', `/user-types/${type}`);
    await step('DELETE', '/units/:id', `/units/${unit}`);

    // Integrations: create with a secret, replace the secret, test, preview, delete.
    const integration = (
      await step('POST', '/integrations', '/integrations', {
        name: 'Audited',
        applicationId: env.emulator.tenant.defaultApp.clientId,
        tenantId: env.emulator.tenant.id,
        secret: secret1,
        unitField: 'department',
        userTypeField: 'jobTitle',
      })
    ).body.id;
    const replaced = await step('PATCH', '/integrations/:id', `/integrations/${integration}`, {
      secret: secret2,
    });
    expect(replaced.entry).toMatchObject({
      action: 'integration.secret-replaced',
      details: { fields: ['secret'], secretReplaced: true },
    });
    const renamed = await step('PATCH', '/integrations/:id', `/integrations/${integration}`, {
      name: 'Audited 2',
      enabled: false,
    });
    expect(renamed.entry).toMatchObject({
      action: 'integration.updated',
      details: { fields: ['enabled', 'name'], flags: { enabled: false }, secretReplaced: false },
    });
    await step('POST', '/integrations/:id/test', `/integrations/${integration}/test`);
    await step(
      'POST',
      '/integrations/:id/exclusion-preview',
      `/integrations/${integration}/exclusion-preview`,
      { exclusionRules: [{ field: 'department', operator: 'equals', value: 'Test' }] },
    );
    // What-if questions (nothing changes) are audited too: who looked at what, and when.
    await step('POST', '/integrations/:id/impact', `/integrations/${integration}/impact`, {
      includeGuests: true,
    });
    await step(
      'POST',
      '/integrations/:id/field-preview',
      // The environment's own integration: its credentials work, so the sample is read.
      `/integrations/${env.integrationId}/field-preview`,
      { unitField: 'department', userTypeField: 'jobTitle' },
    );
    await step('POST', '/units/impact', '/units/impact', { action: 'create', name: 'What if' });
    await step('POST', '/user-types/impact', '/user-types/impact', {
      action: 'create',
      name: 'What if',
    });
    const preview = await step(
      'POST',
      '/integrations/:id/sync',
      `/integrations/${integration}/sync`,
      {
        dryRun: true,
      },
    );
    expect(preview.entry.action).toBe('sync.previewed');
    expect(preview.entry.target).toMatchObject({ id: integration, runId: preview.body.runId });
    await env.sync.execute(String(preview.body.runId));
    await step('DELETE', '/integrations/:id', `/integrations/${integration}`);

    // A run held by the deletion guard (threshold 2), started and approved through the API.
    const people = [1, 2, 3].map((i) =>
      env.emulator.tenant.addUser({
        givenName: `Held${i}`,
        surname: 'Person',
        mail: `held${i}@example.test`,
        department: 'Sales',
      }),
    );
    await env.run({ full: true });
    for (const p of people) env.emulator.tenant.hardDeleteUser(p.id);
    const started = await step(
      'POST',
      '/integrations/:id/sync',
      `/integrations/${env.integrationId}/sync`,
      {},
    );
    expect(started.entry.action).toBe('sync.started');
    const run = await env.sync.execute(String(started.body.runId));
    expect(run?.status).toBe('held');
    const approved = await step(
      'POST',
      '/runs/:runId/approve-deletions',
      `/runs/${String(started.body.runId)}/approve-deletions`,
    );
    expect(approved.entry.action).toBe('sync.deletions-approved');

    // Tokens and administrators.
    const made = await step('POST', '/tokens', '/tokens', {
      name: 'CI',
      scope: 'read-write',
      expiresInDays: 30,
    });
    const tokenValue = String(made.body.token);
    expect(made.entry).toMatchObject({
      action: 'token.created',
      details: { name: 'CI', scope: 'read-write' },
    });
    // A token's changes name the token as the actor.
    const byToken = await step('POST', '/units', '/units', { name: 'By token' }, tokenValue);
    expect(byToken.entry.actor).toMatchObject({ type: 'token', id: made.body.id, label: 'CI' });
    await step('DELETE', '/tokens/:id', `/tokens/${String(made.body.id)}`);
    const admin = await step('POST', '/admins', '/admins', { email: 'new-admin@example.test' });
    const oneTime = String(admin.body.oneTimePassword);
    await step('DELETE', '/admins/:id', `/admins/${String(admin.body.id)}`);
    await step('PUT', '/auth/password', '/auth/password', {
      currentPassword: password,
      newPassword,
    });
    // A second session signs out alone; then the first ends every session at once.
    const second = await step('POST', '/auth/login', '/auth/login', {
      email: env.adminEmail,
      password: newPassword,
    });
    await step('POST', '/auth/logout', '/auth/logout', undefined, String(second.body.token));
    await step('POST', '/auth/logout-all', '/auth/logout-all');

    // Every state-changing route of the catalogue was called and wrote one entry.
    const changing = registeredRoutes(env.app)
      .filter((r) => r.url.startsWith('/api/v1/') && !['GET', 'HEAD', 'OPTIONS'].includes(r.method))
      .map((r) => `${r.method} ${r.url}`);
    expect(changing.filter((r) => !covered.has(r))).toEqual([]);
    console.info(`audit: ${covered.size} of ${changing.length} state-changing routes checked`);

    // No secret anywhere: not in an entry, the database, the logs or any answer after creation.
    const entries = await env.db.db.selectFrom('audit_log').selectAll().execute();
    const auditText = JSON.stringify(entries);
    // The two answers that hand a value out once (token, one-time password) are the only
    // places it may appear.
    const answersAfterCreation = seen.filter(
      (s) => !s.includes('"token":"aus_') && !s.includes('"oneTimePassword"'),
    );
    const haystacks: Array<[string, string]> = [
      ['audit entries', auditText],
      ['database', await databaseText(env.db)],
      ['logs', lines.join('')],
      ['answers', answersAfterCreation.join('\n')],
    ];
    for (const [where, text] of haystacks) {
      for (const c of [
        secret1,
        secret2,
        password,
        newPassword,
        wrongPassword,
        tokenValue,
        oneTime,
      ]) {
        expect(text.includes(c), `${c.slice(0, 12)}… in ${where}`).toBe(false);
      }
    }
  });

  it('lists entries newest first, filtered by actor and action, paged by cursor', async () => {
    // The first test changed the password and signed out.
    const login = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: env.adminEmail, password: newPassword },
    });
    token = (login.json() as { token: string }).token;
    const get = async (url: string) => {
      const res = await call('GET', url);
      return { status: res.statusCode, body: res.json() as unknown };
    };
    const admin = await get('/audit?limit=2&action=unit.');
    expect(admin.status).toBe(200);
    const page = admin.body as { items: Entry[]; nextCursor: string | null };
    expect(page.items.map((e) => e.action)).toEqual(['unit.created', 'unit.deleted']);
    expect(page.nextCursor).not.toBeNull();
    const next = await get(`/audit?limit=2&action=unit.&cursor=${page.nextCursor}`);
    expect((next.body as { items: Entry[] }).items.map((e) => e.action)).toEqual([
      'unit.updated',
      'unit.created',
    ]);
    const byToken = await get('/audit?actor=CI');
    expect((byToken.body as { items: Entry[] }).items.map((e) => e.action)).toEqual([
      'unit.created',
    ]);
    const failed = await get('/audit?action=auth.login-failed');
    expect((failed.body as { items: Entry[] }).items).toHaveLength(1);
  });

  it('purges entries older than AUDIT_RETENTION_DAYS in the daily housekeeping', async () => {
    const now = env.clock.now();
    const old = new Date(now.getTime() - 40 * 86_400_000);
    await recordAudit(
      env.db.db,
      {
        orgId: env.orgId,
        actor: { type: 'admin', id: null, label: 'old@example.test' },
        ip: null,
        action: 'unit.created',
        method: 'POST',
        path: '/api/v1/units',
        status: 201,
        target: null,
        details: {},
      },
      old,
    );
    const count = async () =>
      (await listAudit(env.db.db, env.orgId, { actor: 'old@example.test' })).items.length;
    expect(await count()).toBe(1);
    expect((await runHousekeeping(env.db.db, now)).deletedAuditEntries).toBe(0);
    expect(await count()).toBe(1);
    const result = await runHousekeeping(env.db.db, now, { auditRetentionDays: 30 });
    expect(result.deletedAuditEntries).toBe(1);
    expect(await count()).toBe(0);
  });
});
