import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/api.ts';
import { describeEachDialect } from '../helpers/databases.ts';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const form = {
  name: 'Contoso',
  applicationId: '11111111-2222-3333-4444-555555555555',
  tenantId: 'contoso.onmicrosoft.com',
  secret: 'abc~123',
  unitField: 'department',
  userTypeField: 'jobTitle',
};

interface IntegrationBody {
  id: string;
  [key: string]: unknown;
}
interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: { issues: { field: string; message: string }[] };
  };
}

describeEachDialect('integrations API', (dialect) => {
  let t: TestApp;
  let headers: { authorization: string };
  let otherHeaders: { authorization: string };

  beforeAll(async () => {
    t = await createTestApp(dialect, { clock: { now: () => NOW } });
    headers = t.auth(await t.login());
    await t.addAdmin('Other Org', 'other@test.example');
    otherHeaders = t.auth(await t.login('other@test.example'));
  });
  afterAll(async () => t.close());

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    as = headers,
  ) => t.app.inject({ method, url: `/api/v1${url}`, headers: as, ...(payload ? { payload } : {}) });

  async function create(body: object = form): Promise<IntegrationBody> {
    const res = await call('POST', '/integrations', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }

  function issues(body: string): { field: string; message: string }[] {
    const parsed = JSON.parse(body) as ErrorBody;
    expect(parsed.error.code).toBe('validation_failed');
    return parsed.error.details?.issues ?? [];
  }

  it('POST creates with the SPEC defaults, secretSet and no secret', async () => {
    const body = await create({ ...form, secretExpiresAt: '2026-03-11' });
    expect(body).toEqual({
      id: expect.any(String),
      name: 'Contoso',
      applicationId: form.applicationId,
      tenantId: form.tenantId,
      secretSet: true,
      secretExpiresAt: '2026-03-11',
      secretExpiry: { level: 'expiring', days: 10 },
      unitField: 'department',
      userTypeField: 'jobTitle',
      enabled: false,
      cloud: 'global',
      deactivateDisabledUsers: true,
      includeGuests: false,
      deletionThreshold: 500,
      unassignmentThreshold: null,
      syncIntervalMinutes: 60,
      exclusionRules: [],
      scopeMode: 'all',
      scopeGroups: [],
      nearRealTime: false,
      nearRealTimeStatus: {
        state: 'off',
        expiresAt: null,
        renewsAt: null,
        lastNotificationAt: null,
        message: 'Off: changes arrive with the scheduled run',
      },
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      nextRunAt: null,
      status: 'ok',
      attentionMessage: null,
      lastRun: null,
    });
  });

  it('GET lists the organisation’s integrations and reads one', async () => {
    const created = await create({ ...form, name: 'Listed' });
    const list = await call('GET', '/integrations');
    expect(list.statusCode).toBe(200);
    expect((list.json() as IntegrationBody[]).map((i) => i.id)).toContain(created.id);
    const one = await call('GET', `/integrations/${created.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ id: created.id, name: 'Listed', secretExpiry: null });
  });

  it('POST answers 400 naming each field at fault', async () => {
    const res = await call('POST', '/integrations', {
      ...form,
      applicationId: 'nope',
      tenantId: 'contoso',
      syncIntervalMinutes: 1,
      cloud: 'mars',
    });
    expect(res.statusCode).toBe(400);
    expect(
      issues(res.body)
        .map((i) => i.field)
        .sort(),
    ).toEqual(['applicationId', 'cloud', 'syncIntervalMinutes', 'tenantId']);
    const missing = await call('POST', '/integrations', { ...form, secret: undefined });
    expect(missing.statusCode).toBe(400);
    expect(issues(missing.body)).toEqual([{ field: 'secret', message: 'Secret is required' }]);
  });

  it('POST with the same unit and user type field: 400 naming userTypeField', async () => {
    const res = await call('POST', '/integrations', { ...form, userTypeField: 'department' });
    expect(res.statusCode).toBe(400);
    expect(issues(res.body)).toEqual([
      { field: 'userTypeField', message: 'The user type field must differ from the unit field' },
    ]);
  });

  it('POST and PATCH refuse unknown fields (secretSet is read-only)', async () => {
    const res = await call('POST', '/integrations', { ...form, secretSet: false });
    expect(res.statusCode).toBe(400);
    expect(issues(res.body).map((i) => i.field)).toEqual(['secretSet']);
    const created = await create();
    const patch = await call('PATCH', `/integrations/${created.id}`, { id: 'x' });
    expect(patch.statusCode).toBe(400);
    expect(issues(patch.body).map((i) => i.field)).toEqual(['id']);
  });

  it('PATCH changes only what is sent; the merged result is validated', async () => {
    const created = await create();
    const res = await call('PATCH', `/integrations/${created.id}`, {
      enabled: true,
      syncIntervalMinutes: 15,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ...created, enabled: true, syncIntervalMinutes: 15 });
    const clash = await call('PATCH', `/integrations/${created.id}`, { unitField: 'jobTitle' });
    expect(clash.statusCode).toBe(400);
    expect(issues(clash.body)).toEqual([
      { field: 'userTypeField', message: 'The user type field must differ from the unit field' },
    ]);
    const swap = await call('PATCH', `/integrations/${created.id}`, {
      unitField: 'jobTitle',
      userTypeField: 'department',
    });
    expect(swap.json()).toMatchObject({ unitField: 'jobTitle', userTypeField: 'department' });
  });

  it('PATCH with only a secret keeps every other setting', async () => {
    const created = await create({ ...form, name: 'Secret swap', deletionThreshold: 7 });
    const res = await call('PATCH', `/integrations/${created.id}`, { secret: 'new-secret' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(created);
    const cred = await t.db
      .selectFrom('integrations')
      .select('secret_ciphertext')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(t.ctx.secretBox.open(cred.secret_ciphertext ?? '', created.id)).toBe('new-secret');
  });

  it('another organisation gets 404 for every verb, and does not see it in its list', async () => {
    const created = await create({ ...form, name: 'Private' });
    for (const [method, payload] of [['GET'], ['PATCH', { name: 'x' }], ['DELETE']] as const) {
      const res = await call(method, `/integrations/${created.id}`, payload, otherHeaders);
      expect(res.statusCode, method).toBe(404);
      expect((res.json() as ErrorBody).error.code).toBe('not_found');
    }
    const list = await call('GET', '/integrations', undefined, otherHeaders);
    expect(list.json()).toEqual([]);
    expect((await call('GET', `/integrations/${created.id}`)).json()).toMatchObject({
      name: 'Private',
    });
  });

  it('DELETE answers 204 and the integration is gone', async () => {
    const created = await create();
    const res = await call('DELETE', `/integrations/${created.id}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect((await call('GET', `/integrations/${created.id}`)).statusCode).toBe(404);
    expect((await call('DELETE', `/integrations/${created.id}`)).statusCode).toBe(404);
  });

  it('a malformed id is a 400 naming id; no token is a 401', async () => {
    const res = await call('GET', '/integrations/not-a-uuid');
    expect(res.statusCode).toBe(400);
    expect(issues(res.body).map((i) => i.field)).toEqual(['id']);
    const anon = await t.app.inject({ method: 'GET', url: '/api/v1/integrations' });
    expect(anon.statusCode).toBe(401);
  });

  it('the OpenAPI document describes the routes, with secret only in request bodies', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    const doc = res.json() as {
      paths: Record<string, Record<string, { requestBody?: unknown; responses: unknown }>>;
    };
    const list = doc.paths['/api/v1/integrations'];
    const one = doc.paths['/api/v1/integrations/{id}'];
    expect(Object.keys(list ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(one ?? {}).sort()).toEqual(['delete', 'get', 'patch']);
    expect(JSON.stringify(list?.['post']?.requestBody)).toContain('"secret"');
    const responses = JSON.stringify([list?.['get']?.responses, list?.['post']?.responses, one]);
    expect(responses).toContain('"secretSet"');
    expect(
      JSON.stringify([
        list?.['get']?.responses,
        list?.['post']?.responses,
        one?.['get']?.responses,
        one?.['patch']?.responses,
      ]),
    ).not.toContain('"secret"');
  });
});
