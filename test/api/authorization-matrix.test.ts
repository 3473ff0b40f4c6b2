import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registeredRoutes, type RouteEntry } from '../../src/http/route-catalog.ts';
import { registerRunRoutes } from '../../src/http/routes/runs.ts';
import { createSyncService } from '../../src/sync/service.ts';
import { createLogger } from '../../src/log.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createTestApp, type TestApp } from '../helpers/api.ts';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  format?: string;
  minimum?: number;
  minLength?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
};
type OpenApi = {
  paths: Record<
    string,
    Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>
  >;
};

/** The smallest value a JSON schema accepts (only required properties), for request bodies. */
function sample(schema: JsonSchema | undefined): unknown {
  if (!schema) return {};
  const choice = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (choice) return sample(choice);
  if (schema.enum) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        (schema.required ?? []).map((k) => [k, sample(schema.properties?.[k])]),
      );
    case 'array':
      return [];
    case 'boolean':
      return false;
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'string':
      if (schema.format === 'uuid') return randomUUID();
      if (schema.format === 'email') return 'matrix@example.com';
      return 'Matrix'.padEnd(schema.minLength ?? 0, 'x');
    default:
      return {};
  }
}

/** True for methods that change state (what a `read` API token may never call). */
function changesState(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method);
}

/** The origin `app.inject` requests arrive at (Host: localhost:80). */
const PANEL_ORIGIN = 'http://localhost';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The security headers every answer carries (src/http/security-headers.ts). */
function missingSecurityHeaders(headers: Record<string, unknown>): string[] {
  const csp = String(headers['content-security-policy'] ?? '');
  return [
    ...(csp.includes("frame-ancestors 'none'") && csp.includes("script-src 'self'")
      ? []
      : ['content-security-policy']),
    ...(headers['x-content-type-options'] === 'nosniff' ? [] : ['x-content-type-options']),
    ...(headers['referrer-policy'] === 'no-referrer' ? [] : ['referrer-policy']),
    ...(headers['x-frame-options'] === 'DENY' ? [] : ['x-frame-options']),
  ];
}

/**
 * Walks EVERY /api/v1 route Fastify registered (so routes added later are covered without
 * touching this file): anonymous and forged-token calls must answer 401, and an
 * administrator of another organisation using the first organisation's ids must get
 * 404/403 and never see one of those ids.
 */
describeEachDialect('API authorisation matrix', (dialect) => {
  let t: TestApp;
  let routes: RouteEntry[];
  let openapi: OpenApi;
  let tokenA: string;
  let tokenB: string;
  let readToken: string;
  let readWriteToken: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(dialect, {
      // The run routes need the sync service; include them so the matrix covers them.
      extraRoutes: [
        (app, ctx) =>
          registerRunRoutes(
            app,
            ctx,
            createSyncService({
              db: ctx.db,
              log: createLogger('silent'),
              clock: ctx.clock,
              secretBox: ctx.secretBox,
              retentionDays: 90,
            }),
          ),
      ],
    });
    routes = registeredRoutes(t.app).filter(
      (r) => r.url.startsWith('/api/v1/') && r.method !== 'HEAD' && r.method !== 'OPTIONS',
    );
    openapi = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as OpenApi;
    tokenA = await t.login();
    await t.addAdmin('Other Org', 'other-admin@test.example');
    tokenB = await t.login('other-admin@test.example');

    // Organisation A's objects, one of each kind a route can address.
    const post = async (url: string, payload: object) => {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1${url}`,
        headers: t.auth(tokenA),
        payload,
      });
      if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      return (res.json() as { id: string }).id;
    };
    ids.unit = await post('/units', { name: 'A unit' });
    ids.userType = await post('/user-types', { name: 'A type' });
    ids.user = await post('/users', {
      firstName: 'A',
      lastName: 'User',
      email: 'a-user@example.com',
    });
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/users/${ids.user}/memberships/${ids.unit}`,
      headers: t.auth(tokenA),
      payload: { userTypeIds: [ids.userType] },
    });
    expect(put.statusCode).toBe(200);
    const createToken = async (scope: 'read' | 'read-write') => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: t.auth(tokenA),
        payload: { name: `matrix ${scope}`, scope, expiresInDays: 1 },
      });
      if (res.statusCode !== 201) throw new Error(`token: ${res.statusCode} ${res.body}`);
      return res.json() as { id: string; token: string };
    };
    const read = await createToken('read');
    readToken = read.token;
    ids.token = read.id;
    readWriteToken = (await createToken('read-write')).token;
    const admin = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admins',
      headers: t.auth(tokenA),
      payload: { email: 'second-admin@test.example' },
    });
    expect(admin.statusCode).toBe(201);
    ids.admin = (admin.json() as { id: string }).id;
    const now = new Date().toISOString();
    ids.integration = randomUUID();
    await t.db
      .insertInto('integrations')
      .values({
        id: ids.integration,
        org_id: t.orgId,
        name: 'A integration',
        application_id: randomUUID(),
        tenant_id: randomUUID(),
        secret_ciphertext: t.ctx.secretBox.seal('a-secret'),
        secret_expires_at: null,
        unit_field: 'department',
        user_type_field: 'jobTitle',
        enabled: 0,
        cloud: 'global',
        deactivate_disabled_users: 1,
        include_guests: 0,
        deletion_threshold: 500,
        sync_interval_minutes: 60,
        delta_link: null,
        full_sync_required: 1,
        next_run_at: null,
        credential_failures: 0,
        attention_message: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    ids.run = randomUUID();
    await t.db
      .insertInto('sync_runs')
      .values({
        id: ids.run,
        integration_id: ids.integration,
        org_id: t.orgId,
        trigger: 'manual',
        mode: 'full',
        dry_run: 0,
        status: 'held',
        queued_at: now,
        started_at: now,
        finished_at: now,
        worker_id: null,
        heartbeat_at: null,
        users_read: 0,
        pages: 0,
        created: 0,
        updated: 0,
        linked: 0,
        deactivated: 0,
        reactivated: 0,
        unchanged: 0,
        skipped: 0,
        unassigned: 0,
        held_deletions: 1,
        error_code: null,
        error_message: null,
        notes: null,
      })
      .execute();
  });
  afterAll(async () => t.close());

  /** Organisation A's id for a path parameter, from the resource the path names. */
  function paramValue(url: string, param: string): string {
    const resource = url.replace('/api/v1/', '').split('/')[0];
    const byParam: Record<string, string | undefined> = {
      unitId: ids.unit,
      userTypeId: ids.userType,
      userId: ids.user,
      integrationId: ids.integration,
      runId: ids.run,
      // An Entra group's object id (group picker, issue 14): the integration is checked first.
      groupId: '00000000-0000-4000-8000-000000000001',
    };
    const byResource: Record<string, string | undefined> = {
      units: ids.unit,
      'user-types': ids.userType,
      users: ids.user,
      integrations: ids.integration,
      runs: ids.run,
      tokens: ids.token,
      admins: ids.admin,
    };
    const value = param === 'id' ? byResource[resource ?? ''] : byParam[param];
    if (!value)
      throw new Error(`No fixture for :${param} in ${url}: add one to the authorisation matrix`);
    return value;
  }

  function requestFor(route: RouteEntry) {
    const url = route.url.replace(/:(\w+)/g, (_, p: string) => paramValue(route.url, p));
    const docPath = route.url.replace(/:(\w+)/g, '{$1}');
    const body =
      openapi.paths[docPath]?.[route.method.toLowerCase()]?.requestBody?.content?.[
        'application/json'
      ]?.schema;
    return {
      method: route.method as 'GET',
      url,
      ...(body ? { payload: sample(body) as object } : {}),
    };
  }

  it('finds the directory, integration and run routes', () => {
    const names = routes.map((r) => `${r.method} ${r.url}`);
    for (const expected of [
      'POST /api/v1/auth/login',
      'GET /api/v1/users',
      'PUT /api/v1/users/:id/memberships/:unitId',
      'DELETE /api/v1/units/:id',
      'PATCH /api/v1/user-types/:id',
      'GET /api/v1/integrations/:id',
      'GET /api/v1/runs/:runId',
    ]) {
      expect(names).toContain(expected);
    }
    expect(routes.filter((r) => r.public).map((r) => r.url)).toEqual(['/api/v1/auth/login']);
  });

  it('answers 401 on every non-public route without a valid token', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => !r.public)) {
      const req = requestFor(route);
      // A cookie-authenticated call also shows the panel's Origin, or CSRF refuses it first.
      const forgedCookie = { cookie: 'aus_session=forged', origin: PANEL_ORIGIN };
      for (const headers of [{}, t.auth('forged-token'), forgedCookie]) {
        const res = await t.app.inject({ ...req, headers });
        if (
          res.statusCode !== 401 ||
          (res.json() as { error: { code: string } }).error.code !== 'unauthorized'
        ) {
          failures.push(`${route.method} ${route.url} → ${res.statusCode}`);
        }
        const missing = missingSecurityHeaders(res.headers);
        if (missing.length > 0) failures.push(`${route.method} ${route.url} lacks ${missing}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("answers 404/403 to another organisation's administrator on every route with an id", async () => {
    const failures: string[] = [];
    const aIds = Object.values(ids);
    const withParams = routes.filter((r) => !r.public && r.url.includes(':'));
    expect(withParams.length).toBeGreaterThan(10);
    for (const route of withParams) {
      const res = await t.app.inject({ ...requestFor(route), headers: t.auth(tokenB) });
      const leaked = aIds.filter((id) => res.body.includes(id));
      if (![403, 404].includes(res.statusCode) || leaked.length > 0) {
        failures.push(`${route.method} ${route.url} → ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses a read-scope API token (403) on every state-changing route', async () => {
    const changing = routes.filter((r) => !r.public && changesState(r.method));
    expect(changing.length).toBeGreaterThan(15);
    const failures: string[] = [];
    for (const route of changing) {
      const res = await t.app.inject({ ...requestFor(route), headers: t.auth(readToken) });
      if (
        res.statusCode !== 403 ||
        (res.json() as { error: { code: string } }).error.code !== 'forbidden'
      ) {
        failures.push(`${route.method} ${route.url} → ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
    console.info(`read token refused on ${changing.length} state-changing routes`);
  });

  it('refuses every API token (403) on the routes that manage administrators, tokens and sessions', async () => {
    const sessionOnly = routes.filter((r) => r.sessionOnly);
    for (const expected of [
      'GET /api/v1/tokens',
      'POST /api/v1/admins',
      'PUT /api/v1/auth/password',
    ]) {
      expect(sessionOnly.map((r) => `${r.method} ${r.url}`)).toContain(expected);
    }
    const failures: string[] = [];
    for (const route of sessionOnly) {
      for (const token of [readToken, readWriteToken]) {
        const res = await t.app.inject({ ...requestFor(route), headers: t.auth(token) });
        if (res.statusCode !== 403)
          failures.push(`${route.method} ${route.url} → ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("lets a read-scope API token read its own organisation's lists", async () => {
    for (const route of routes.filter(
      (r) => r.method === 'GET' && !r.url.includes(':') && !r.public && !r.sessionOnly,
    )) {
      const res = await t.app.inject({ method: 'GET', url: route.url, headers: t.auth(readToken) });
      expect(res.statusCode, route.url).toBe(200);
    }
  });

  it("never lists another organisation's objects", async () => {
    const aIds = Object.values(ids);
    for (const route of routes.filter(
      (r) => r.method === 'GET' && !r.url.includes(':') && !r.public,
    )) {
      const res = await t.app.inject({ method: 'GET', url: route.url, headers: t.auth(tokenB) });
      expect(res.statusCode, route.url).toBe(200);
      expect(
        aIds.filter((id) => res.body.includes(id)),
        route.url,
      ).toEqual([]);
    }
  });

  it("leaves the first organisation's objects untouched", async () => {
    const get = async (url: string) =>
      t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: t.auth(tokenA) });
    expect((await get(`/units/${ids.unit}`)).statusCode).toBe(200);
    expect((await get(`/user-types/${ids.userType}`)).statusCode).toBe(200);
    const user = (await get(`/users/${ids.user}`)).json() as {
      status: string;
      memberships: unknown[];
    };
    expect(user).toMatchObject({
      status: 'active',
      memberships: [{ unitId: ids.unit, userTypeIds: [ids.userType], managedBy: null }],
    });
    expect((await get(`/integrations/${ids.integration}`)).statusCode).toBe(200);
    const run = (await get(`/runs/${ids.run}`)).json() as { status: string };
    expect(run.status).toBe('held');
  });

  // Last: the sweep below signs organisation B's sessions out on the logout routes.
  it('refuses cookie-authenticated state changes from another origin on every route, accepts the panel', async () => {
    const failures: string[] = [];
    const unsafe = routes.filter((r) => UNSAFE.has(r.method));
    expect(unsafe.length).toBeGreaterThan(15);
    const cookie = `aus_session=${tokenB}`;
    // The logout routes end the sessions they are called with: they get their own admin.
    const { email: throwaway } = await t.addAdmin('Other Org', 'csrf-throwaway@test.example');
    const code = (body: string): string | undefined => {
      try {
        return (JSON.parse(body) as { error?: { code?: string } }).error?.code;
      } catch {
        return undefined;
      }
    };
    for (const route of unsafe) {
      const req = requestFor(route);
      for (const headers of [
        { cookie, origin: 'https://evil.example' },
        { cookie, origin: 'http://localhost.evil.example' },
        { cookie, origin: 'null' },
        { cookie, 'sec-fetch-site': 'same-site' },
        { cookie },
        // Even without a cookie, a browser's cross-site request (login CSRF) is refused.
        { origin: 'https://evil.example' },
      ]) {
        const res = await t.app.inject({ ...req, headers });
        if (res.statusCode !== 403 || code(res.body) !== 'csrf_refused') {
          failures.push(
            `${route.method} ${route.url} ${JSON.stringify(headers)} → ${res.statusCode}`,
          );
        }
        const missing = missingSecurityHeaders(res.headers);
        if (missing.length > 0) failures.push(`${route.method} ${route.url} lacks ${missing}`);
      }
      // Bearer calls are not a browser's: a foreign Origin does not matter. (A throw-away
      // token for the logout routes, which end the session they are called with.)
      const signsOut = route.url.startsWith('/api/v1/auth/logout');
      const bearerToken = signsOut ? await t.login(throwaway) : tokenB;
      const bearer = await t.app.inject({
        ...req,
        headers: { ...t.auth(bearerToken), origin: 'https://evil.example' },
      });
      if (code(bearer.body) === 'csrf_refused')
        failures.push(`${route.method} ${route.url} bearer refused`);
      // Only JSON bodies: a form post (text/plain, urlencoded) is 415 whatever the auth.
      for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
        const plain = await t.app.inject({
          method: req.method,
          url: req.url,
          headers: { ...t.auth(tokenB), 'content-type': type },
          payload: '{"email":"x@example.com","password":"x"}',
        });
        if (plain.statusCode !== 415) {
          failures.push(`${route.method} ${route.url} ${type} → ${plain.statusCode}`);
        }
      }
    }
    // From the panel's own origin (or same-origin fetch metadata) the cookie works.
    for (const route of unsafe.filter((r) => !r.url.startsWith('/api/v1/auth/'))) {
      for (const extra of [{ origin: PANEL_ORIGIN }, { 'sec-fetch-site': 'same-origin' }]) {
        const res = await t.app.inject({ ...requestFor(route), headers: { cookie, ...extra } });
        if (res.statusCode === 401 || code(res.body) === 'csrf_refused') {
          failures.push(`${route.method} ${route.url} from the panel → ${res.statusCode}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
