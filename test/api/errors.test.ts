import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiApp } from '../../src/http/types.ts';
import { toErrorReply } from '../../src/http/error-reply.ts';
import { createTestApp, type TestApp } from '../helpers/api.ts';

interface ErrorJson {
  error: {
    code: string;
    message: string;
    details?: { issues?: Array<{ field: string; message: string }> };
  };
}

/** Error answers of the HTTP edge; the dialect does not matter here, SQLite is enough. */
describe('API error answers', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp('sqlite', {
      // A route that fails like a bug would, to check the generic 500.
      extraRoutes: [
        (app: ApiApp) => {
          app.get('/test/boom', async () => {
            throw new Error('secret internals at /srv/app.ts:42');
          });
        },
      ],
    });
    token = await t.login();
  });
  afterAll(async () => t.close());

  const post = (url: string, payload: string | object, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      headers: { ...t.auth(token), ...headers },
      payload,
    });

  it('names the invalid field in a 400 validation_failed', async () => {
    const res = await post('/users', { firstName: 'A', lastName: 'B', email: 'not-an-email' });
    expect(res.statusCode).toBe(400);
    const body = res.json() as ErrorJson;
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details?.issues?.map((i) => i.field)).toEqual(['email']);

    const long = await post('/units', { name: 'x'.repeat(201) });
    expect((long.json() as ErrorJson).error.details?.issues?.[0]?.field).toBe('name');
    const blank = await post('/units', { name: '   ' });
    expect(blank.statusCode).toBe(400);
    const missing = await post('/users', { firstName: 'A', email: 'a@b.example' });
    expect((missing.json() as ErrorJson).error.details?.issues?.map((i) => i.field)).toEqual([
      'lastName',
    ]);
  });

  it('refuses unknown fields with 400 naming them', async () => {
    const res = await post('/users', {
      firstName: 'A',
      lastName: 'B',
      email: 'a@b.example',
      isAdmin: true,
    });
    expect(res.statusCode).toBe(400);
    expect((res.json() as ErrorJson).error.details?.issues).toEqual([
      { field: 'isAdmin', message: 'unknown field' },
    ]);
  });

  it('answers malformed JSON with 400 malformed_json', async () => {
    const res = await post('/units', '{"name": ', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect((res.json() as ErrorJson).error.code).toBe('malformed_json');
  });

  it('answers a wrong content type with 415 and a too large body with 413', async () => {
    const wrongType = await post('/units', 'name=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(wrongType.statusCode).toBe(415);
    expect((wrongType.json() as ErrorJson).error.code).toBe('unsupported_media_type');
    const big = await post('/units', JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) }), {
      'content-type': 'application/json',
    });
    expect(big.statusCode).toBe(413);
    expect((big.json() as ErrorJson).error.code).toBe('payload_too_large');
  });

  it('answers bad ids with 400 and unknown ids with 404, never 500', async () => {
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users/not-a-uuid',
      headers: t.auth(token),
    });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as ErrorJson).error.details?.issues?.[0]?.field).toBe('id');
    const unknown = await t.app.inject({
      method: 'GET',
      url: `/api/v1/users/${crypto.randomUUID()}`,
      headers: t.auth(token),
    });
    expect(unknown.statusCode).toBe(404);
    expect((unknown.json() as ErrorJson).error.code).toBe('not_found');
    const badCursor = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users?cursor=zzz',
      headers: t.auth(token),
    });
    expect(badCursor.statusCode).toBe(400);
    const badLimit = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users?limit=501',
      headers: t.auth(token),
    });
    expect((badLimit.json() as ErrorJson).error.details?.issues?.[0]?.field).toBe('limit');
  });

  it('answers unknown routes with 404 not_found', async () => {
    for (const url of ['/api/nope', '/api/v1/nope']) {
      const res = await t.app.inject({ method: 'GET', url, headers: t.auth(token) });
      expect(res.statusCode).toBe(404);
      expect((res.json() as ErrorJson).error.code).toBe('not_found');
    }
    const del = await t.app.inject({ method: 'DELETE', url: '/api/v1/units' });
    expect(del.statusCode).toBe(404);
  });

  it('answers a bug with a bare 500 internal, no stack or message leaked', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/test/boom',
      headers: t.auth(token),
    });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'internal', message: 'Internal error' } });
    expect(res.body).not.toContain('secret internals');
  });

  it('accepts an empty JSON body on body-less actions', async () => {
    const user = await post('/users', { firstName: 'E', lastName: 'B', email: 'empty@b.example' });
    const id = (user.json() as { id: string }).id;
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${id}/deactivate`,
      headers: { ...t.auth(token), 'content-type': 'application/json' },
      payload: '',
    });
    expect(res.statusCode).toBe(200);
  });

  it('serves the OpenAPI document with the directory routes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/v1/auth/login',
      '/api/v1/units',
      '/api/v1/user-types/{id}',
      '/api/v1/users/{id}/memberships/{unitId}',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });

  it('reports health with the database reachable', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect([res.statusCode, res.json()]).toEqual([
      200,
      { status: 'ok', database: 'ok', queue: 'not-checked' },
    ]);
  });
});

describe('toErrorReply', () => {
  it('maps non-errors and plain errors to a generic 500', () => {
    expect(toErrorReply('x')).toMatchObject({ status: 500, internal: true });
    expect(toErrorReply(new TypeError('boom'))).toMatchObject({
      status: 500,
      body: { error: { code: 'internal' } },
    });
  });
});

describe('health without a database', () => {
  it('answers 503 when the database is unreachable', async () => {
    const t = await createTestApp('sqlite');
    try {
      await t.database.close();
      const res = await t.app.inject({ method: 'GET', url: '/healthz' });
      expect([res.statusCode, res.json()]).toEqual([
        503,
        { status: 'error', database: 'unreachable', queue: 'not-checked' },
      ]);
    } finally {
      await t.close();
    }
  });
});

describe('health with a job queue', () => {
  it('answers 503 naming the queue when the queue is unreachable, 200 otherwise, never the queue depth (public)', async () => {
    let reachable = false;
    const t = await createTestApp('sqlite', {
      jobsHealth: async () => ({
        mode: 'queue',
        queueReachable: reachable,
        queuedRuns: reachable ? 3 : null,
      }),
    });
    try {
      const down = await t.app.inject({ method: 'GET', url: '/healthz' });
      expect([down.statusCode, down.json()]).toMatchObject([
        503,
        { status: 'error', queue: 'unreachable' },
      ]);
      reachable = true;
      const up = await t.app.inject({ method: 'GET', url: '/healthz' });
      expect([up.statusCode, up.json()]).toEqual([
        200,
        { status: 'ok', database: 'ok', queue: 'ok' },
      ]);
    } finally {
      await t.close();
    }
  });
});
