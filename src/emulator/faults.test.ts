import { Agent, request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './index.ts';
import { TestClient } from './test-client.ts';

let emulator: Emulator;
let client: TestClient;
let token: string;

beforeAll(async () => {
  emulator = await startEmulator({ users: 20 });
  client = new TestClient(emulator);
  token = await client.accessToken();
});
beforeEach(() => emulator.faults.clear());
afterAll(async () => {
  await client.close();
  await emulator.close();
});

describe('faults', () => {
  it('429 on exactly the nth matching request, with a fractional Retry-After', async () => {
    emulator.faults.script({ path: '/v1.0/users/delta', nth: 3, kind: '429', retryAfter: 1.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) statuses.push((await client.graph('/v1.0/users', token)).status);
    for (let i = 0; i < 4; i++) {
      const answer = await client.graph('/v1.0/users/delta?$deltatoken=latest', token);
      statuses.push(answer.status);
      if (answer.status === 429) {
        expect(answer.headers['retry-after']).toBe('1.5');
        expect(answer.json.error).toMatchObject({ code: 'TooManyRequests' });
        expect(answer.headers['request-id']).toBeTruthy();
      }
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 200]);
  });

  it('a rule with `query` fires only on requests whose decoded query contains it', async () => {
    emulator.faults.script({
      path: '/v1.0/users',
      query: "startswith(userPrincipalName,'j')",
      kind: '503',
      times: 2,
    });
    const j = `/v1.0/users?$filter=${encodeURIComponent("startswith(userPrincipalName,'j')")}`;
    const a = `/v1.0/users?$filter=${encodeURIComponent("startswith(userPrincipalName,'a')")}`;
    const statuses: number[] = [];
    for (const path of ['/v1.0/users', a, j, a, j, j]) {
      statuses.push((await client.graph(path, token)).status);
    }
    expect(statuses).toEqual([200, 200, 503, 200, 503, 200]);
    const logged = emulator.requestLog.filter((e) => e.status === 503).map((e) => e.query);
    expect(logged.slice(-2)).toEqual([
      "$filter=startswith(userPrincipalName,'j')",
      "$filter=startswith(userPrincipalName,'j')",
    ]);
  });

  it('503 serviceNotAvailable with optional Retry-After, and 504', async () => {
    emulator.faults.script({ kind: '503', retryAfter: 2 });
    emulator.faults.script({ kind: '504', nth: 2 });
    const a = await client.graph('/v1.0/users', token);
    expect(a.status).toBe(503);
    expect(a.headers['retry-after']).toBe('2');
    expect(a.json.error).toMatchObject({ code: 'serviceNotAvailable' });
    const b = await client.graph('/v1.0/users', token);
    expect(b.status).toBe(504);
    expect((await client.graph('/v1.0/users', token)).status).toBe(200);
  });

  it('reset destroys the socket', async () => {
    emulator.faults.script({ kind: 'reset', times: 1 });
    await expect(client.graph('/v1.0/users', token)).rejects.toThrow();
    expect((await client.graph('/v1.0/users', token)).status).toBe(200);
    expect(emulator.requestLog.some((e) => e.status === 0)).toBe(true);
  });

  it('stall never answers until the client gives up', async () => {
    emulator.faults.script({ kind: 'stall', stallMs: 5_000 });
    const impatient = new Agent({ connect: { ca: emulator.caCertPem }, headersTimeout: 300 });
    const started = Date.now();
    await expect(
      request(`${emulator.origin}/v1.0/users`, {
        headers: { authorization: `Bearer ${token}` },
        dispatcher: impatient,
      }),
    ).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await impatient.close();
  });

  it('truncated promises more bytes than it sends', async () => {
    emulator.faults.script({ kind: 'truncated' });
    const res = await request(`${emulator.origin}/v1.0/users`, {
      headers: { authorization: `Bearer ${token}` },
      dispatcher: client.agent,
    });
    expect(res.statusCode).toBe(200);
    await expect(res.body.json()).rejects.toThrow();
  });

  it('token endpoint faults only when a rule names it', async () => {
    emulator.faults.script({ path: '*/oauth2/v2.0/token', kind: '503' });
    const fields = {
      grant_type: 'client_credentials',
      client_id: emulator.tenant.defaultApp.clientId,
      client_secret: emulator.tenant.defaultApp.secret,
      scope: `${emulator.origin}/.default`,
    };
    expect((await client.token(emulator.tenant.id, fields)).status).toBe(503);
    expect((await client.token(emulator.tenant.id, fields)).status).toBe(200);
    emulator.faults.setRate(1, 5);
    expect((await client.token(emulator.tenant.id, fields)).status).toBe(200);
  });

  it('random faults are seeded: the same seed gives the same sequence', async () => {
    const run = async (): Promise<string> => {
      emulator.faults.setRate(0.5, 42, { kinds: ['429', '503', '504'] });
      const out: number[] = [];
      for (let i = 0; i < 16; i++)
        out.push((await client.graph('/v1.0/users?$top=1', token)).status);
      emulator.faults.clear();
      return out.join(',');
    };
    const first = await run();
    expect(first).toMatch(/429|503|504/);
    expect(first).toMatch(/200/);
    expect(await run()).toBe(first);
  });

  it('latency is added to every request', async () => {
    const slow = await startEmulator({ latencyMs: 150 });
    const slowClient = new TestClient(slow);
    try {
      const started = Date.now();
      await slowClient.send('GET', '/v1.0/users');
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      await slowClient.close();
      await slow.close();
    }
  });

  it('close() returns promptly even with a stalled request in flight', async () => {
    const other = await startEmulator();
    other.faults.script({ kind: 'stall', path: '*' });
    const otherClient = new TestClient(other);
    const pending = otherClient.send('GET', '/v1.0/users').catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
    await otherClient.close();
  });
});
