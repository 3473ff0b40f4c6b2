import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

interface OpenApiSchema {
  type?: string;
  properties?: Record<string, OpenApiSchema>;
}
interface OpenApiOperation {
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
}
type OpenApiDoc = { paths: Record<string, Record<string, OpenApiOperation>> };

interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  bodyProperties: Record<string, OpenApiSchema>;
}

/** A value of the wrong JSON type for a property of the given schema type. */
function wrongType(schema: OpenApiSchema): unknown {
  switch (schema.type) {
    case 'string':
      return 12345;
    case 'number':
    case 'integer':
      return 'not a number';
    case 'boolean':
      return 'yes';
    case 'array':
      return { not: 'an array' };
    case 'object':
      return [1, 2, 3];
    default:
      return { deeply: { nested: [null] } };
  }
}

/**
 * Issue 7 §5: every route of the OpenAPI document (the run routes included) answered with
 * malformed JSON, wrong types, a body over 1 MiB and unknown fields → a 4xx carrying
 * `error.code`, never a 500.
 */
describeEachDialect('reliability: hostile requests', (dialect) => {
  let env: SyncEnv;
  let token = '';
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    env = await createSyncEnv(dialect, { emulatorUsers: 20, seed: 3 });
    const run = await env.run({ full: true });
    const user = await env.api('POST', '/users', {
      firstName: 'Hostile',
      lastName: 'Target',
      email: 'target@example.test',
    });
    ids.user = (user.body as { id: string }).id;
    ids.unit = env.units.get('Sales') ?? '';
    ids.userType = env.userTypes.get('Employee') ?? '';
    ids.integration = env.integrationId;
    ids.run = run.id;
    const login = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: env.adminEmail, password: env.adminPassword },
    });
    token = (login.json() as { token: string }).token;
  });
  afterAll(async () => env?.close());

  async function routes(): Promise<Route[]> {
    const res = await env.app.inject({ method: 'GET', url: '/api/openapi.json' });
    const doc = res.json() as OpenApiDoc;
    const out: Route[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const m = method.toUpperCase();
        if (!['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].includes(m)) continue;
        const schema = op.requestBody?.content?.['application/json']?.schema;
        out.push({
          method: m as Route['method'],
          path,
          bodyProperties: schema?.properties ?? {},
        });
      }
    }
    return out;
  }

  /** Fills path parameters with real ids of the right kind, so requests reach validation. */
  function concrete(path: string): string {
    return path.replace(/\{(\w+)\}/g, (_, name: string) => {
      if (name === 'unitId') return ids.unit ?? '';
      if (name === 'runId') return ids.run ?? '';
      if (path.startsWith('/api/v1/users/')) return ids.user ?? '';
      if (path.startsWith('/api/v1/units/')) return ids.unit ?? '';
      if (path.startsWith('/api/v1/user-types/')) return ids.userType ?? '';
      if (path.startsWith('/api/v1/integrations/')) return ids.integration ?? '';
      return '00000000-0000-4000-8000-000000000000';
    });
  }

  async function send(
    route: Route,
    url: string,
    payload: string | undefined,
    contentType = 'application/json',
  ) {
    return env.app.inject({
      method: route.method,
      url,
      headers: {
        authorization: `Bearer ${token}`,
        ...(payload !== undefined ? { 'content-type': contentType } : {}),
      },
      ...(payload !== undefined ? { payload } : {}),
    });
  }

  function expectClientError(
    label: string,
    res: { statusCode: number; body: string },
    allowSuccess = false,
  ): void {
    const where = `${label} → ${res.statusCode} ${res.body.slice(0, 300)}`;
    expect(res.statusCode, where).toBeLessThan(500);
    if (allowSuccess && res.statusCode < 400) return;
    expect(res.statusCode, where).toBeGreaterThanOrEqual(400);
    const body = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof body.error?.code, where).toBe('string');
    expect(typeof body.error?.message, where).toBe('string');
    expect(res.body, where).not.toMatch(/\n\s+at /);
  }

  it('answers every route with a 4xx and an error code, never a 500', async () => {
    const list = await routes();
    // The document covers the whole product, run routes included.
    expect(list.length).toBeGreaterThan(20);
    expect(list.some((r) => r.path.includes('/runs/'))).toBe(true);
    const huge = JSON.stringify({ name: 'x'.repeat(1_100_000) });
    let checked = 0;
    for (const route of list) {
      const url = concrete(route.path);
      const label = `${route.method} ${route.path}`;
      // Wrong query types on every route; a GET may legitimately ignore unknown parameters.
      const q = await send(
        route,
        `${url}?limit=-1&cursor=%ZZ&status=maybe&assignment=1`,
        undefined,
      );
      expect(q.statusCode, `${label} with hostile query → ${q.body}`).toBeLessThan(500);
      if (route.method === 'GET' || route.method === 'DELETE') {
        checked++;
        continue;
      }
      expectClientError(`${label} malformed JSON`, await send(route, url, '{"name": "x",'));
      expectClientError(`${label} huge body`, await send(route, url, huge));
      expectClientError(`${label} text/plain`, await send(route, url, 'hello', 'text/plain'));
      for (const whole of ['[1,2]', '"text"', '42', 'null']) {
        const res = await send(route, url, whole);
        // A route without a body schema may accept anything; with one, the shape is checked.
        expectClientError(`${label} body ${whole}`, res, !Object.keys(route.bodyProperties).length);
      }
      for (const [prop, schema] of Object.entries(route.bodyProperties)) {
        const res = await send(route, url, JSON.stringify({ [prop]: wrongType(schema) }));
        expectClientError(`${label} ${prop} of the wrong type`, res);
      }
      // Unknown fields: refused or ignored, never a crash.
      const unknown = await send(route, url, JSON.stringify({ __proto__x: 1, unknownField: 'x' }));
      expectClientError(`${label} unknown fields`, unknown, true);
      checked++;
    }
    expect(checked).toBe(list.length);
  });
});
